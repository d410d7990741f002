import Glibc

/// The git CLI, for what libgit2 1.5 cannot do or must not be trusted with: pushing over ssh (no wildcard tag
/// refspecs, per-ref rejections hidden behind a 0 return, no timeouts), receive-pack and its hooks, bundles, and
/// reading objects still in a push's quarantine (libgit2 ignores `GIT_QUARANTINE_PATH`). Every run gets a
/// known environment: no user or system git config, no namespace, the C locale for the words dynix reads back.
struct GitCommand {
    let gitDirectory: String
    /// More `NAME=value` entries: a push's ssh command, a hook's quarantine.
    var extraEnvironment: [String] = []
    var timeout: Double = 120

    /// The caller's search path, then NixOS's system profile: the fleet modules install git and OpenSSH there,
    /// and sshd may give a forced command a path without it.
    static var searchPath: String {
        let system = "/run/current-system/sw/bin"
        guard let path = ProcessEnvironment.value("PATH"), !path.isEmpty else { return system + ":/usr/local/bin:/usr/bin:/bin" }
        return path.split(separator: ":").contains(Substring(system)) ? path : path + ":" + system
    }

    /// The environment every git and ssh-keygen run gets, before `extraEnvironment`.
    static func baseEnvironment(gitDirectory: String?) -> [String] {
        var entries = ["PATH=\(searchPath)", "LC_ALL=C", "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null", "GIT_TERMINAL_PROMPT=0"]
        if let home = ProcessEnvironment.value("HOME") { entries.append("HOME=\(home)") }
        if let gitDirectory {
            // git refuses a repository another user owns (`safe.directory`); dynix names the repository itself, and
            // reading the central copy as root, or as its administrator, is meant.
            entries += ["GIT_DIR=\(gitDirectory)", "GIT_CONFIG_COUNT=1", "GIT_CONFIG_KEY_0=safe.directory", "GIT_CONFIG_VALUE_0=\(gitDirectory)"]
        }
        return entries
    }

    /// Runs `git ARGS` (standard input from `input` when given) to its end.
    func run(_ arguments: [String], input: [UInt8]? = nil) throws -> ChildProcess.Result {
        try GitCommand.runProgram(
            ["git"] + arguments, environment: GitCommand.baseEnvironment(gitDirectory: gitDirectory) + extraEnvironment, input: input,
            timeout: timeout)
    }

    /// `git ARGS`'s standard output; a failure is `FleetError.gitFailed`, with what git said.
    func output(_ arguments: [String], input: [UInt8]? = nil) throws -> String {
        let result = try run(arguments, input: input)
        guard result.succeeded else { throw DynixError.fleet(.gitFailed(command: "git " + arguments.joined(separator: " "), output: result.tail)) }
        return result.stdoutText
    }

    /// Whether `git ARGS` exits 0 (a question git answers with its status: `merge-base --is-ancestor`, `cat-file -e`).
    func succeeds(_ arguments: [String]) throws -> Bool { try run(arguments).succeeded }

    static func runProgram(_ argv: [String], environment: [String], input: [UInt8]?, timeout: Double) throws -> ChildProcess.Result {
        guard let input else { return try ChildProcess(argv, timeout: timeout, environment: environment).run() }
        // Standard input comes from a private file, not a pipe: the program's output is read while it runs, and a
        // pipe written at the same time could fill up on both sides.
        let directory = try TemporaryDirectory.makePrivate(prefix: "dynix-git-")
        defer {
            FileSystem.remove(directory + "/input")
            rmdir(directory)
        }
        try FileSystem.writeAtomically(directory + "/input", input, mode: 0o600, durable: false)
        return try ChildProcess(argv, timeout: timeout, environment: environment, input: directory + "/input").run()
    }
}
