/// A push certificate as git stores it (`GIT_PUSH_CERT`): the signed text, then the signature.
struct PushCertificate: Equatable {
    let payload: [UInt8]
    let signature: [UInt8]
    /// The ref updates it vouches for, as the pusher named them (inside its namespace).
    let updates: [RefUpdate]

    static let signatureStart = Array("-----BEGIN SSH SIGNATURE-----".utf8)

    init?(_ bytes: [UInt8]) {
        var start: Int?
        var index = 0
        while index < bytes.count {
            let lineEnd = bytes[index...].firstIndex(of: 0x0a) ?? bytes.count
            if Array(bytes[index..<lineEnd]) == PushCertificate.signatureStart {
                start = index
                break
            }
            index = lineEnd + 1
        }
        guard let start else { return nil }
        payload = Array(bytes[..<start])
        signature = Array(bytes[start...])
        let text = String(decoding: payload, as: UTF8.self)
        guard let blank = text.firstRange(of: "\n\n") else { return nil }
        updates = text[blank.upperBound...].split(separator: "\n").compactMap { RefUpdate(line: $0) }
    }

    func verifies(for host: HostName, allowedSigners: String) throws -> Bool {
        try SSHSignature.verifies(payload: payload, signature: signature, principal: host, namespace: "git", allowedSigners: allowedSigners)
    }
}
