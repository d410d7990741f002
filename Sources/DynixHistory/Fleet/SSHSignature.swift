import Glibc

/// `ssh-keygen -Y`: signatures made with a host's ssh key, checked against the central repository's
/// allowed-signers file for one principal (the host), so a valid signature by any other key does not count.
enum SSHSignature {
    /// Whether `signature` is `principal`'s over `payload`, in `namespace` (git's push certificates use "git").
    static func verifies(payload: [UInt8], signature: [UInt8], principal: HostName, namespace: String, allowedSigners: String) throws -> Bool {
        let directory = try TemporaryDirectory.makePrivate(prefix: "dynix-verify-")
        defer {
            FileSystem.remove(directory + "/signature")
            rmdir(directory)
        }
        try FileSystem.writeAtomically(directory + "/signature", signature, mode: 0o600, durable: false)
        let result = try GitCommand.runProgram(
            ["ssh-keygen", "-Y", "verify", "-f", allowedSigners, "-I", principal.text, "-n", namespace, "-s", directory + "/signature"],
            environment: GitCommand.baseEnvironment(gitDirectory: nil), input: payload, timeout: 30)
        return result.succeeded
    }

    /// Signs `file` with the private key `identity`, writing `file.sig` (replacing an older one).
    static func sign(file: String, identity: String, namespace: String) throws {
        FileSystem.remove(file + ".sig")
        let result = try GitCommand.runProgram(
            ["ssh-keygen", "-q", "-Y", "sign", "-f", identity, "-n", namespace, file], environment: GitCommand.baseEnvironment(gitDirectory: nil),
            input: nil, timeout: 30)
        guard result.succeeded else { throw DynixError.fleet(.gitFailed(command: "ssh-keygen -Y sign -f \(identity)", output: result.tail)) }
    }
}
