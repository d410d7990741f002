import Glibc

/// An air-gapped host's `git bundle` and its signature (`BUNDLE.sig`, `ssh-keygen -Y sign -n dynix-bundle`).
struct ImportedBundle {
    let path: String
    /// The bundle's bytes, read once: what the signature is checked on is what the refs are read from.
    let bytes: [UInt8]
    /// The refs the bundle holds, by name, in hex.
    let heads: [String: String]

    var signaturePath: String { path + ".sig" }

    init(path: String) throws {
        self.path = path
        guard let bytes = try FileSystem.readBytes(path) else { throw DynixError.io(path: path, errno: ENOENT) }
        self.bytes = bytes
        heads = BundleHeader.heads(bytes)
    }

    func verifies(for host: HostName, allowedSigners: String) throws -> Bool {
        guard let signature = try FileSystem.readBytes(signaturePath) else { throw DynixError.io(path: signaturePath, errno: ENOENT) }
        return try BundleSignature.verifies(bundle: bytes, signature: signature, host: host, allowedSigners: allowedSigners)
    }
}

/// A bundle's signature is made in a namespace of its own, so no signature made for something else (a git commit,
/// a push) passes for one.
enum BundleSignature {
    static let namespace = "dynix-bundle"

    static func verifies(bundle: [UInt8], signature: [UInt8], host: HostName, allowedSigners: String) throws -> Bool {
        try SSHSignature.verifies(payload: bundle, signature: signature, principal: host, namespace: namespace, allowedSigners: allowedSigners)
    }
}
