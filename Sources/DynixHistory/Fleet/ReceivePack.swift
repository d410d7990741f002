import Glibc

/// `dynix fleet receive`: the forced command of every host key. It serves one thing, a push into the host's own
/// namespace, whatever the client asked: the namespace comes from the key's line (`HOST`), never from the client,
/// and the environment is built here from nothing, so no `SendEnv`, path or word after the command steers it.
package enum ReceivePack {
    /// What git's ssh transport sends for a push: `git-receive-pack 'PATH'` (the path is not used: the key names the
    /// repository). Anything else, a fetch, a shell, or a push with more words after it, is refused.
    static func checkRequest(_ original: String?) throws {
        guard let original else { throw DynixError.fleet(.notAPush(requested: nil)) }
        let rest: Substring
        if original.hasPrefix("git-receive-pack ") {
            rest = original.dropFirst("git-receive-pack ".count)
        } else if original.hasPrefix("git receive-pack ") {
            rest = original.dropFirst("git receive-pack ".count)
        } else {
            throw DynixError.fleet(.notAPush(requested: original))
        }
        let quoted = rest.count >= 2 && rest.first == "'" && rest.last == "'"
        let inner = quoted ? rest.dropFirst().dropLast() : ""
        guard quoted, !inner.contains("'"), inner.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7f }) else {
            throw DynixError.fleet(.notAPush(requested: original))
        }
    }

    /// receive-pack for `host`: its refs shown to it again over the repository's `receive.hideRefs=^refs`, its
    /// namespace set, and nothing else of the caller's environment but the search path sshd gave.
    static func invocation(central: CentralRepository, host: HostName, extraEnvironment: [String] = []) -> (argv: [String], environment: [String]) {
        let argv = ["git", "-c", "receive.hideRefs=!^\(host.refPrefix.dropLast())", "receive-pack", central.path]
        let environment =
            ["PATH=\(GitCommand.searchPath)", "LC_ALL=C", "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null", "GIT_NAMESPACE=\(host.text)"]
            + extraEnvironment
        return (argv, environment)
    }

    /// Becomes git-receive-pack for `host`'s push, or refuses (`request`: `SSH_ORIGINAL_COMMAND`).
    package static func serve(central path: String, host: HostName, request: String?) throws -> Never {
        try checkRequest(request)
        let central = try CentralRepository.open(path)
        guard try central.hosts().contains(where: { $0.host == host }) else { throw DynixError.fleet(.unknownHost(host.text, central: central.path)) }
        let (argv, environment) = invocation(central: central, host: host)
        Watchdog.stop()
        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnvironment = environment.map { strdup($0) } + [nil]
        // git is looked up in the search path the child gets: the one sshd gave.
        let program = GitCommand.searchPath.split(separator: ":").map { "\($0)/\(argv[0])" }.first { access($0, X_OK) == 0 } ?? argv[0]
        execve(program, cArgs, cEnvironment)
        throw DynixError.io(path: program, errno: errno)
    }
}
