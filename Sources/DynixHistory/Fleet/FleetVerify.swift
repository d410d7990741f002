/// `fleet verify`: every current ref of every host must be where a stored signature of that host put it. The push
/// certificates and bundle signatures in the receipts are checked again, offline, and replayed in order; a ref the
/// central administrator moved, made or deleted by hand is named.
extension CentralRepository {
    package struct Verification: Sendable {
        package let hosts: Int
        package let receipts: Int
        package let references: Int
    }

    package func verify() throws -> Verification {
        let repository = try repository()
        var problems: [String] = []
        var receiptCount = 0
        var referenceCount = 0
        for (host, _) in try hosts() {
            var vouched: [String: String] = [:]
            for receipt in try receipts(of: host, withProof: true) {
                receiptCount += 1
                if let why = try problem(with: receipt, of: host) {
                    problems.append("host \(host): receipt \(receipt.commit.short): \(why)")
                    continue
                }
                for update in receipt.updates { vouched[update.ref] = update.new }
            }
            let current = try repository.references(matching: host.refPrefix + "*").map { (String($0.name.dropFirst(host.refPrefix.count)), $0.target.hex) }
            referenceCount += current.count
            for (ref, target) in current.sorted(by: { $0.0 < $1.0 }) where vouched[ref] != target {
                problems.append(
                    "host \(host): \(ref) is \(target.prefix(12)), "
                        + (vouched[ref].map { "but the last signed push left it at \($0.prefix(12))" } ?? "and no signed push made it"))
            }
            for ref in vouched.keys.sorted() where !current.contains(where: { $0.0 == ref }) {
                problems.append("host \(host): \(ref) is gone, but a signed push made it")
            }
        }
        guard problems.isEmpty else { throw DynixError.fleet(.unvouchedReferences(problems)) }
        return Verification(hosts: try hosts().count, receipts: receiptCount, references: referenceCount)
    }

    /// Why `receipt`'s proof does not vouch for its updates, or nil when it does.
    private func problem(with receipt: Receipt, of host: HostName) throws -> String? {
        if let bundle = receipt.bundle, let signature = receipt.bundleSignature {
            guard
                try SSHSignature.verifies(
                    payload: bundle, signature: signature, principal: host, namespace: BundleSignature.namespace, allowedSigners: allowedSigners)
            else { return "the bundle's signature is not \(host)'s" }
            let heads = BundleHeader.heads(bundle)
            if let update = receipt.updates.first(where: { heads[$0.ref] != $0.new }) { return "\(update.ref) is not what the signed bundle holds" }
            return nil
        }
        guard let bytes = receipt.certificate, let certificate = PushCertificate(bytes) else { return "it holds no push certificate" }
        guard try certificate.verifies(for: host, allowedSigners: allowedSigners) else { return "its push certificate is not signed by \(host)'s key" }
        guard certificate.updates.map(\.line).sorted() == receipt.updates.map(\.line).sorted() else {
            return "its push certificate names other updates"
        }
        return nil
    }
}

/// The refs a git bundle's header lists (`# v2 git bundle` or v3): `OID REF` lines up to the first empty line.
enum BundleHeader {
    static func heads(_ bytes: [UInt8]) -> [String: String] {
        var heads: [String: String] = [:]
        var index = bytes.startIndex
        var first = true
        while index < bytes.endIndex {
            let end = bytes[index...].firstIndex(of: 0x0a) ?? bytes.endIndex
            let line = String(decoding: bytes[index..<end], as: UTF8.self)
            index = end + 1
            if first {
                guard line.hasPrefix("# v2 git bundle") || line.hasPrefix("# v3 git bundle") else { return [:] }
                first = false
                continue
            }
            if line.isEmpty { break }
            if line.hasPrefix("-") || line.hasPrefix("@") { continue }
            let words = line.split(separator: " ", maxSplits: 1)
            if words.count == 2 { heads[String(words[1])] = String(words[0]) }
        }
        return heads
    }
}
