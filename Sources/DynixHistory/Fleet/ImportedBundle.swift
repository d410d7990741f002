import Glibc

/// An air-gapped host's `git bundle` and its signature (`BUNDLE.sig`, `ssh-keygen -Y sign -n dynix-bundle`).
struct ImportedBundle {
    let path: String
    /// The refs the bundle holds, by name, in hex.
    let heads: [String: String]

    var signaturePath: String { path + ".sig" }

    init(path: String) throws {
        self.path = path
        guard let bytes = try FileSystem.readBytes(path) else { throw DynixError.io(path: path, errno: ENOENT) }
        heads = BundleHeader.heads(bytes)
    }

    func verifies(for host: HostName, allowedSigners: String) throws -> Bool {
        guard let bundle = try FileSystem.readBytes(path) else { throw DynixError.io(path: path, errno: ENOENT) }
        guard let signature = try FileSystem.readBytes(signaturePath) else { throw DynixError.io(path: signaturePath, errno: ENOENT) }
        return try SSHSignature.verifies(
            payload: bundle, signature: signature, principal: host, namespace: BundleSignature.namespace, allowedSigners: allowedSigners)
    }
}

/// The namespace of a bundle's signature, so no signature made for something else (a git commit, a push) passes
/// for one.
enum BundleSignature {
    static let namespace = "dynix-bundle"
}
