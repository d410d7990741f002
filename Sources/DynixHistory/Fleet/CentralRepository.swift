import Glibc

/// The central side of a fleet: one bare repository, one git namespace per host (`refs/namespaces/HOST/`), the
/// receipts of every accepted push (`refs/receipts/HOST`), and in `fleet/` what only the central administrator
/// writes: the hosts' keys (`allowed-signers`, the file git and `ssh-keygen -Y verify` read).
package struct CentralRepository: Sendable {
    package let path: String

    package var allowedSigners: String { path + "/fleet/allowed-signers" }
    /// Receipt trees pre-receive prepared for post-receive (`Receipt.swift`).
    var pendingReceipts: String { path + "/fleet/pending-receipts" }
    var hooksDirectory: String { path + "/hooks" }

    /// The hooks git runs for every push and import; each hands over to `dynix fleet hook NAME`.
    package static let hookNames = ["pre-receive", "update", "post-receive"]

    /// Opens DIR, which `fleet init` must have made.
    package static func open(_ path: String) throws -> CentralRepository {
        let central = CentralRepository(path: CentralRepository.absolute(path))
        guard central.isCentral else { throw DynixError.fleet(.notCentral(path: central.path)) }
        return central
    }

    init(path: String) { self.path = path }

    /// The central path and the program's become words of a shell command (the forced command, which sshd runs
    /// through the login shell) and of a double-quoted `authorized_keys` option: only characters that mean nothing
    /// to either are taken (those of Nix store paths among them).
    static func checkCommandWord(_ path: String) throws {
        let allowed = path.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a) || "._/+-".utf8.contains(byte)
        }
        guard allowed, path.hasPrefix("/") else { throw DynixError.fleet(.unsafePath(path)) }
    }

    /// The hooks, the forced command and `file://` URLs need the path from `/`, whatever directory dynix ran in.
    static func absolute(_ path: String) -> String {
        let trimmed = Paths(root: path).root
        if trimmed.hasPrefix("/") { return trimmed }
        guard let directory = FileSystem.currentDirectory() else { return trimmed }
        return Paths(root: (directory == "/" ? "" : directory) + "/" + (trimmed.hasPrefix("./") ? String(trimmed.dropFirst(2)) : trimmed)).root
    }

    var isCentral: Bool { FileSystem.exists(path + "/config") && FileSystem.exists(allowedSigners) }

    package enum InitOutcome: Sendable { case created, reinitialized }

    /// Creates the central repository at `path`, or brings an existing one's policy and hooks up to date (as
    /// `git init` does): the hooks name `program`, the dynix that runs them.
    package static func initialize(at path: String, program: String) throws -> (CentralRepository, InitOutcome) {
        let central = CentralRepository(path: CentralRepository.absolute(path))
        try checkCommandWord(central.path)
        try checkCommandWord(program)
        let outcome: InitOutcome
        if central.isCentral {
            try central.checkOwner()
            outcome = .reinitialized
        } else {
            if FileSystem.exists(central.path) && (!FileSystem.isDirectory(central.path) || !FileSystem.listDirectory(central.path).isEmpty) {
                throw DynixError.fleet(.centralInTheWay(path: central.path))
            }
            try FileSystem.makeDirectory(central.path, mode: 0o755)
            _ = try GitCommand(gitDirectory: central.path).output(["init", "--bare", "--quiet", "--initial-branch=main"])
            outcome = .created
        }
        try central.writePolicy()
        try central.writeHooks(program: program)
        if !FileSystem.exists(central.allowedSigners) {
            try FileSystem.makeDirectory(central.path + "/fleet", mode: 0o755)
            try FileSystem.writeAtomically(central.allowedSigners, [], mode: 0o644)
        }
        return (central, outcome)
    }

    /// `receive.denyNonFastForwards` covers `refs/heads/*` only and nothing covers tags: the rest of the rules are
    /// the hooks' (`PushPolicy`). `receive.hideRefs` hides every ref; each push's receive-pack shows the pusher its own
    /// namespace again (`ReceivePack`), so no host learns another's refs, not even as `.have` lines.
    private func writePolicy() throws {
        let git = GitCommand(gitDirectory: path)
        let settings: [(String, String)] = [
            ("receive.fsckObjects", "true"), ("receive.denyDeletes", "true"), ("receive.denyNonFastForwards", "true"),
            ("receive.denyCurrentBranch", "refuse"), ("receive.certNonceSlop", "30"), ("receive.advertisePushOptions", "false"),
            ("gpg.ssh.allowedSignersFile", allowedSigners), ("core.logAllRefUpdates", "always"), ("gc.reflogExpire", "never"),
            ("gc.reflogExpireUnreachable", "never"), ("gc.auto", "0"), ("gc.pruneExpire", "never"), ("transfer.fsckObjects", "true"),
        ]
        for (key, value) in settings { _ = try git.output(["config", key, value]) }
        _ = try git.output(["config", "--replace-all", "receive.hideRefs", "^refs"])
        // A push certificate's nonce is an HMAC of this seed: kept across reinitializations, so no push in flight fails.
        if try git.run(["config", "receive.certNonceSeed"]).status != 0 {
            _ = try git.output(["config", "receive.certNonceSeed", try CentralRepository.randomHex(bytes: 32)])
        }
        // One host must not fill the disk every host's history shares; an administrator's own limit is kept.
        if try git.run(["config", "receive.maxInputSize"]).status != 0 { _ = try git.output(["config", "receive.maxInputSize", "256m"]) }
    }

    private func writeHooks(program: String) throws {
        try FileSystem.makeDirectory(hooksDirectory, mode: 0o755)
        for name in CentralRepository.hookNames {
            let script = """
                #!/bin/sh
                # Written by `dynix fleet init`: what a host may push is decided by dynix (ARCHITECTURE.md, "Fleet").
                exec \(ShellWord.quote(program)) fleet hook \(name) "$@"

                """
            try FileSystem.writeAtomically(hooksDirectory + "/" + name, Array(script.utf8), mode: 0o755)
        }
    }

    /// What changes the central repository runs as the user who owns it (the one hosts log in as): files another
    /// user left there (root's, say) could not be written by the next push.
    package func checkOwner() throws {
        var info = stat()
        guard stat(path, &info) == 0 else { throw DynixError.io(path: path, errno: errno) }
        guard info.st_uid == geteuid() else {
            throw DynixError.fleet(.notOwner(path: path, owner: Identity.userName(info.st_uid) ?? "uid \(info.st_uid)"))
        }
    }

    // MARK: hosts

    /// Registers `host` with `key`; the `authorized_keys` line that lets it push (and do nothing else).
    package func addHost(_ host: HostName, key: PublicKey, program: String) throws -> String {
        try checkOwner()
        try CentralRepository.checkCommandWord(path)
        try CentralRepository.checkCommandWord(program)
        let registered = try hosts()
        if registered.contains(where: { $0.host == host }) { throw DynixError.fleet(.hostAlreadyRegistered(host)) }
        if let owner = registered.first(where: { $0.key == key }) { throw DynixError.fleet(.keyAlreadyRegistered(owner.host)) }
        let existing = try FileSystem.readBytes(allowedSigners) ?? []
        var text = String(decoding: existing, as: UTF8.self)
        if !text.isEmpty && !text.hasSuffix("\n") { text += "\n" }
        text += "\(host) namespaces=\"git,\(BundleSignature.namespace)\" \(key.text)\n"
        try FileSystem.writeAtomically(allowedSigners, Array(text.utf8), mode: 0o644)
        return authorizedKeysLine(host: host, key: key, program: program)
    }

    /// sshd runs the forced command through the user's shell: every word of it is checked (`checkCommandWord`,
    /// `HostName`, `PublicKey`) before it is written.
    func authorizedKeysLine(host: HostName, key: PublicKey, program: String) -> String {
        "restrict,command=\"\(program) fleet receive --central \(path) \(host)\" \(key.text)"
    }

    /// The registered hosts and their keys, in the order they were added.
    package func hosts() throws -> [(host: HostName, key: PublicKey)] {
        guard let bytes = try FileSystem.readBytes(allowedSigners) else { throw DynixError.fleet(.notCentral(path: path)) }
        return CentralRepository.hosts(inSigners: bytes)
    }

    /// The hosts and keys of an allowed-signers file's text.
    static func hosts(inSigners bytes: [UInt8]) -> [(host: HostName, key: PublicKey)] {
        var seen: Set<HostName> = []
        // A host named twice (a hand edit) counts once, with its first key, as sshd and ssh-keygen read the file.
        return String(decoding: bytes, as: UTF8.self).split(separator: "\n").compactMap { line in
            let words = line.split(separator: " ")
            guard words.count >= 4, let host = try? HostName(String(words[0])),
                let key = try? PublicKey(words[(words.count - 2)...].joined(separator: " ")), seen.insert(host).inserted
            else { return nil }
            return (host, key)
        }
    }

    /// The hosts `names` ask for (all of them when empty), each refused unless registered.
    package func hosts(named names: [String]) throws -> [HostName] {
        let registered = try hosts().map(\.host)
        guard !names.isEmpty else { return registered }
        return try names.map { name in
            guard let host = registered.first(where: { $0.text == name }) else { throw DynixError.fleet(.unknownHost(name, central: path)) }
            return host
        }
    }

    func repository() throws -> GitRepository {
        do { return try GitRepository.open(at: path) } catch let error as GitError { throw error.refusal(at: path) }
    }

    static func randomHex(bytes count: Int) throws -> String {
        let fd = Glibc.open("/dev/urandom", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw DynixError.io(path: "/dev/urandom", errno: errno) }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: count)
        guard read(fd, &bytes, count) == count else { throw DynixError.io(path: "/dev/urandom", errno: errno) }
        return bytes.map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    }
}
