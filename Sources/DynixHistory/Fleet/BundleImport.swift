import Glibc

/// `fleet import`: an air-gapped host's signed bundle, taken in through receive-pack like a push, so every hook's
/// rule holds for it; its signature stands in for the push certificate.
extension CentralRepository {
    /// Whether any central ref changed.
    package func importBundle(_ file: String, host: HostName) throws -> Bool {
        try checkOwner()
        guard try hosts().contains(where: { $0.host == host }) else { throw DynixError.fleet(.unknownHost(host.text, central: path)) }
        let scratch = try TemporaryDirectory.makePrivate(prefix: "dynix-import-")
        defer { removeTree(scratch) }
        // One private copy, read once: what the signature was checked on is what the hooks and the receipt take in.
        guard let bytes = try FileSystem.readBytes(file) else { throw DynixError.io(path: file, errno: ENOENT) }
        guard let signature = try FileSystem.readBytes(file + ".sig") else {
            throw DynixError.fleet(.bundleSignature(path: file, output: "\(file).sig is missing"))
        }
        try FileSystem.writeAtomically(scratch + "/bundle", bytes, mode: 0o600, durable: false)
        try FileSystem.writeAtomically(scratch + "/bundle.sig", signature, mode: 0o600, durable: false)
        let bundle = try ImportedBundle(path: scratch + "/bundle")
        guard try bundle.verifies(for: host, allowedSigners: allowedSigners) else {
            throw DynixError.fleet(.bundleSignature(path: file, output: "it is not signed by \(host)'s key"))
        }
        let staging = GitCommand(gitDirectory: scratch + "/staging.git")
        _ = try staging.output(["init", "--bare", "--quiet"])
        _ = try staging.output(["fetch", "--quiet", "--no-tags", bundle.path, "refs/heads/main:refs/heads/main", "refs/tags/*:refs/tags/*"])
        let (argv, environment) = ReceivePack.invocation(central: self, host: host, extraEnvironment: ["\(PushPolicy.importVariable)=\(bundle.path)"])
        let receivePack = (["env", "-i"] + environment + argv.dropLast()).map(ShellWord.quote).joined(separator: " ")
        let result = try staging.run(
            [
                "push", "--atomic", "--porcelain", "--receive-pack=\(receivePack)", "file://\(path)", "refs/heads/main:refs/heads/main",
                "refs/tags/gen/*:refs/tags/gen/*",
            ])
        guard result.succeeded else { throw DynixError.fleet(.pushRefused(ConfigHistory.reason(result).replacing("refused: ", with: ""))) }
        return result.stdoutText.split(separator: "\n").contains { $0.first == "*" || $0.first == " " }
    }

    private func removeTree(_ directory: String) {
        _ = try? GitCommand.runProgram(["rm", "-rf", "--", directory], environment: GitCommand.baseEnvironment(gitDirectory: nil), input: nil, timeout: 30)
    }
}
