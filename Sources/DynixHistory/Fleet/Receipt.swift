/// The central side's record of one accepted push or import (`refs/receipts/HOST`, a chain of commits): when the
/// server took it, the ref updates, and what vouched for them (the push certificate, or the bundle and its
/// signature), so `fleet verify` can check every current ref offline, long after the push.
package struct Receipt: Sendable {
    package let commit: ObjectID
    /// The server's clock when it took the push.
    package let received: Int64
    package let receivedOffsetMinutes: Int32
    let updates: [RefUpdate]
    let certificate: [UInt8]?
    let bundle: [UInt8]?
    let bundleSignature: [UInt8]?

    static let updatesFile = "updates"
    static let certificateFile = "push-certificate"
    static let bundleFile = "bundle"
    static let bundleSignatureFile = "bundle.sig"
}

extension CentralRepository {
    /// `host`'s receipts, oldest first; `withProof` also reads the certificates and bundles.
    package func receipts(of host: HostName, withProof: Bool = false) throws -> [Receipt] {
        let repository = try repository()
        guard let head = try repository.target(of: host.receiptsRef) else { return [] }
        var receipts: [Receipt] = []
        try repository.walkFirstParent(from: head) { commit in
            func file(_ name: String) throws -> [UInt8]? { try repository.fileContent(tree: commit.tree, fileName: name) }
            let updates = String(decoding: try file(Receipt.updatesFile) ?? [], as: UTF8.self).split(separator: "\n").compactMap { RefUpdate(line: $0) }
            receipts.append(
                Receipt(
                    commit: commit.id, received: commit.committer.time, receivedOffsetMinutes: Int32(commit.committer.offsetMinutes),
                    updates: updates, certificate: withProof ? try file(Receipt.certificateFile) : nil,
                    bundle: withProof ? try file(Receipt.bundleFile) : nil, bundleSignature: withProof ? try file(Receipt.bundleSignatureFile) : nil))
            return true
        }
        return receipts.reversed()
    }
}

extension PushPolicy {
    /// pre-receive, once the push is judged: the receipt's tree, written into the push's quarantine, so that a
    /// central side that cannot store it (a full disk) refuses the push rather than take it without a receipt.
    /// post-receive, which runs after the refs moved and whose failure git ignores, only commits it.
    func prepareReceipt(_ updates: [RefUpdate]) throws {
        let tree = try receiptTree(updates, git: git)
        try FileSystem.makeDirectory(central.pendingReceipts, mode: 0o755)
        // What a push that failed after pre-receive left (its refs did not move) is no one's after an hour.
        for name in FileSystem.listDirectory(central.pendingReceipts) {
            let file = central.pendingReceipts + "/" + name
            if let changed = FileSystem.linkModificationTime(file), Clock.now() - changed > 3600 { FileSystem.remove(file) }
        }
        try FileSystem.writeAtomically(pendingFile(updates), Array((tree + "\n").utf8), mode: 0o644, durable: false)
    }

    /// post-receive: stores the receipt of the push just accepted. Two pushes of one host at once both land (the
    /// second moves the receipts ref from where the first left it).
    func recordReceipt(_ updates: [RefUpdate]) throws {
        let git = GitCommand(gitDirectory: central.path)
        let pending = pendingFile(updates)
        defer { FileSystem.remove(pending) }
        let prepared = FileSystem.readText(pending)?.trimmingWhitespace()
        // The prepared tree is taken when it records these very updates (a push that took fewer than it sent, not
        // atomic, gets its own).
        let expected = updates.map { $0.line + "\n" }.joined()
        let tree =
            try prepared.flatMap { try git.run(["cat-file", "blob", "\($0):\(Receipt.updatesFile)"]).stdoutText == expected ? $0 : nil }
            ?? receiptTree(updates, git: git)
        let signer = ["GIT_AUTHOR_NAME=dynix fleet", "GIT_AUTHOR_EMAIL=dynix@central", "GIT_COMMITTER_NAME=dynix fleet", "GIT_COMMITTER_EMAIL=dynix@central"]
        let committing = GitCommand(gitDirectory: central.path, extraEnvironment: signer)
        let subject = bundle == nil ? "push from \(host)" : "import of \(host)'s signed bundle"
        for _ in 0..<10 {
            let old = try git.run(["rev-parse", "--verify", "--quiet", host.receiptsRef])
            let parent = old.succeeded ? old.stdoutText.trimmingWhitespace() : nil
            let commit = try committing.output(["commit-tree", tree] + (parent.map { ["-p", $0] } ?? []) + ["-m", subject]).trimmingWhitespace()
            if try git.run(["update-ref", "-m", subject, host.receiptsRef, commit, parent ?? RefUpdate.none]).succeeded { return }
        }
        throw DynixError.fleet(.gitFailed(command: "git update-ref \(host.receiptsRef)", output: "the receipts ref kept moving"))
    }

    /// `updates`, and the certificate or the bundle and its signature that vouch for them.
    private func receiptTree(_ updates: [RefUpdate], git: GitCommand) throws -> String {
        var entries: [(name: String, blob: String)] = []
        func store(_ bytes: [UInt8]) throws -> String { try git.output(["hash-object", "-w", "--stdin"], input: bytes).trimmingWhitespace() }
        entries.append((Receipt.updatesFile, try store(Array(updates.map { $0.line + "\n" }.joined().utf8))))
        if let bundle {
            entries.append((Receipt.bundleFile, try git.output(["hash-object", "-w", "--", bundle]).trimmingWhitespace()))
            entries.append((Receipt.bundleSignatureFile, try git.output(["hash-object", "-w", "--", bundle + ".sig"]).trimmingWhitespace()))
        } else if let certificate = ProcessEnvironment.value("GIT_PUSH_CERT"), !certificate.isEmpty {
            entries.append((Receipt.certificateFile, certificate))
        }
        let listing = entries.sorted { $0.name < $1.name }.map { "100644 blob \($0.blob)\t\($0.name)\n" }.joined()
        return try git.output(["mktree"], input: Array(listing.utf8)).trimmingWhitespace()
    }

    /// Where pre-receive leaves the tree for post-receive: named by the host, the updates and what vouches for
    /// them, which both hooks of one push see alike.
    private func pendingFile(_ updates: [RefUpdate]) -> String {
        let proof = bundle ?? ProcessEnvironment.value("GIT_PUSH_CERT") ?? ""
        let key = Array((updates.map(\.line).joined(separator: "\n") + "\n" + proof).utf8)
        return central.pendingReceipts + "/\(host)-" + String(Checksum.fnv1a(key[...]), radix: 16)
    }
}
