import Glibc

/// An OpenSSH public key as `authorized_keys` and `allowed_signers` hold it: `TYPE BASE64`. A comment is dropped
/// and no options are taken, so nothing but the key itself reaches the lines dynix writes.
package struct PublicKey: Equatable, Sendable {
    package let type: String
    package let data: String

    static let types: Set<String> = [
        "ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
        "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com",
    ]

    /// The key in `text` (the contents of a `.pub` file, or the key itself).
    package init(_ text: String) throws {
        let lines = text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).filter { !$0.allSatisfy { $0 == " " || $0 == "\t" } }
        guard lines.count == 1 else { throw DynixError.fleet(.invalidPublicKey("expected one key on one line, found \(lines.count) lines")) }
        let words = lines[0].split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard words.count >= 2, PublicKey.types.contains(words[0]) else {
            throw DynixError.fleet(.invalidPublicKey("expected `TYPE BASE64 [COMMENT]` with TYPE one of \(PublicKey.types.sorted().joined(separator: ", "))"))
        }
        let base64 = words[1].utf8.allSatisfy {
            ($0 >= 0x41 && $0 <= 0x5a) || ($0 >= 0x61 && $0 <= 0x7a) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2b || $0 == 0x2f || $0 == 0x3d
        }
        guard base64, words[1].count >= 16 else { throw DynixError.fleet(.invalidPublicKey("the key's data is not base64")) }
        type = words[0]
        data = words[1]
    }

    /// `value` is the key itself when it begins like one, else the path of a `.pub` file.
    package init(fileOrKey value: String) throws {
        if PublicKey.types.contains(where: { value.hasPrefix($0 + " ") }) {
            try self.init(value)
            return
        }
        guard let bytes = try FileSystem.readBytes(value) else { throw DynixError.io(path: value, errno: ENOENT) }
        try self.init(String(decoding: bytes, as: UTF8.self))
    }

    package var text: String { "\(type) \(data)" }
}
