import Glibc

/// `fleet verify`: every current ref of every host must be where a stored signature of that host put it. The push
/// certificates and bundle signatures in the receipts are checked again, offline, and replayed in order; a ref the
/// central administrator moved, made or deleted by hand is named.
extension CentralRepository {
    package struct Verification: Sendable {
        package let hosts: Int
        package let receipts: Int
        package let references: Int
    }

    /// `keys`: an allowed-signers file kept outside the repository (the NixOS configuration's, say), so that whoever
    /// can write the repository cannot also choose the keys its signatures are checked against; by default,
    /// `fleet/allowed-signers`.
    package func verify(keys: String? = nil) throws -> Verification {
        let signers = keys ?? allowedSigners
        guard let signerBytes = try FileSystem.readBytes(signers) else { throw DynixError.io(path: signers, errno: ENOENT) }
        let repository = try repository()
        var problems: [String] = []
        var receiptCount = 0
        var referenceCount = 0
        let hosts = CentralRepository.hosts(inSigners: signerBytes).map(\.host)
        for host in hosts {
            let receipts = try receipts(of: host, withProof: true)
            receiptCount += receipts.count
            var signed: [String: [RefUpdate]] = [:]
            for receipt in receipts {
                if let why = try problem(with: receipt, of: host, signers: signers) {
                    problems.append("host \(host): receipt \(receipt.commit.short): \(why)")
                    continue
                }
                for update in receipt.updates { signed[update.ref, default: []].append(update) }
            }
            problems += try receiptsMovedBack(host, holding: Set(receipts.map(\.commit.hex)))
            let current = Dictionary(
                try repository.references(matching: host.refPrefix + "*").map { (String($0.name.dropFirst(host.refPrefix.count)), $0.target.hex) },
                uniquingKeysWith: { first, _ in first })
            referenceCount += current.count
            for ref in Set(current.keys).union(signed.keys).sorted() {
                let vouched = CentralRepository.follow(signed[ref] ?? [])
                let now = current[ref] ?? RefUpdate.none
                guard now != vouched else { continue }
                if now == RefUpdate.none {
                    problems.append("host \(host): \(ref) is gone, but signed pushes left it at \(vouched.prefix(12))")
                } else if vouched == RefUpdate.none {
                    problems.append("host \(host): \(ref) is \(now.prefix(12)), and no signed push made it")
                } else {
                    problems.append("host \(host): \(ref) is \(now.prefix(12)), but signed pushes left it at \(vouched.prefix(12))")
                }
            }
        }
        // A namespace no registered host has: refs nobody's key could have pushed.
        let strays = Set(
            try repository.references(matching: "refs/namespaces/*").compactMap { ref -> String? in
                let name = ref.name.dropFirst("refs/namespaces/".count).prefix { $0 != "/" }
                return hosts.contains { $0.text == name } ? nil : String(name)
            })
        for name in strays.sorted() { problems.append("host \(name): refs under refs/namespaces/\(name), and no such host is registered") }
        guard problems.isEmpty else { throw DynixError.fleet(.unvouchedReferences(problems)) }
        return Verification(hosts: hosts.count, receipts: receiptCount, references: referenceCount)
    }

    /// Where the signed updates of one ref leave it: each moves it on from where it stands (the first from nothing),
    /// in whatever order their receipts were stored (two pushes' post-receive hooks may finish the other way round).
    static func follow(_ updates: [RefUpdate]) -> String {
        var at = RefUpdate.none
        var left = updates
        while let next = left.firstIndex(where: { $0.old == at }) {
            at = left[next].new
            left.remove(at: next)
        }
        return at
    }

    /// The receipts ref only ever grows; its reflog (kept forever, `fleet init`) names every receipt it held.
    private func receiptsMovedBack(_ host: HostName, holding receipts: Set<String>) throws -> [String] {
        guard let log = FileSystem.readText(path + "/logs/" + host.receiptsRef) else { return [] }
        return log.split(separator: "\n").compactMap { line in
            let words = line.split(separator: " ", maxSplits: 2)
            guard words.count >= 2, words[1] != Substring(RefUpdate.none), !receipts.contains(String(words[1])) else { return nil }
            return "host \(host): \(host.receiptsRef) once held receipt \(words[1].prefix(12)), which it no longer has"
        }
    }

    /// Why `receipt`'s proof does not vouch for its updates, or nil when it does.
    private func problem(with receipt: Receipt, of host: HostName, signers: String) throws -> String? {
        if let bundle = receipt.bundle, let signature = receipt.bundleSignature {
            guard try BundleSignature.verifies(bundle: bundle, signature: signature, host: host, allowedSigners: signers)
            else { return "the bundle's signature is not \(host)'s" }
            let heads = BundleHeader.heads(bundle)
            if let update = receipt.updates.first(where: { heads[$0.ref] != $0.new }) { return "\(update.ref) is not what the signed bundle holds" }
            return nil
        }
        guard let bytes = receipt.certificate, let certificate = PushCertificate(bytes) else { return "it holds no push certificate" }
        guard try certificate.verifies(for: host, allowedSigners: signers) else { return "its push certificate is not signed by \(host)'s key" }
        // A push made without --atomic may have taken fewer updates than it signed, never others.
        guard Set(receipt.updates.map(\.line)).isSubset(of: certificate.updates.map(\.line)) else {
            return "its push certificate names other updates"
        }
        return nil
    }
}
