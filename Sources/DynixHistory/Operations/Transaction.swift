/// The write protocol: objects, then the txn record (fsync), then the file (temp, fsync, rename, fsync
/// of the directory), then the branch (compare-and-swap), then the record goes. A crash at any point is
/// finished or undone by `recoverTransaction` (Recovery.swift). See ARCHITECTURE.md "The write protocol and crash recovery".
extension HistoryWriter {
    /// Commits a new content of the dynamic file: objects, then the txn record, then the file, then the branch.
    /// `effective`, when the caller knows it, is what `bytes` fold to: stored in the effective-value cache.
    @discardableResult
    func commitFileChange(_ bytes: [UInt8], message: String, author: GitSignature? = nil, effective: EffectiveValues? = nil) throws -> ObjectID {
        let old = try store.head()
        let new = try store.makeCommit(
            parent: old, content: bytes, message: try withLiveEvent(message, parent: old), author: author ?? history.author(), committer: history.committer)
        FaultInjection.reach(.objectsWritten)
        try FileSystem.writeAtomically(paths.transaction, Array(TransactionRecord(old: old, new: new).text.utf8), mode: 0o600, faultSteps: .txn)
        // What the file holds now (the branch's content, cached by the drift check, or a hand edit `adopt` records):
        // what a refusal puts back.
        let before = fileMatchedBranch && old != nil ? try history.committedBytes() : try history.workingBytes()
        let written: FileVersion?
        do {
            written = try FileSystem.writeSettled(paths.dynamicFile, bytes, faultSteps: .file)
            try FaultInjection.refuse(.branchUpdate, path: store.path + "/" + HistoryStore.branch)
            try store.advance(from: old, to: new, reason: "dynix")
        } catch let refusal as DynixError {
            try putBack(before, old: old, new: new, after: refusal)
            throw refusal
        }
        history.committedCache = (new, bytes)
        FaultInjection.reach(.branchMoved)
        FileSystem.remove(paths.transaction)
        FaultInjection.reach(.txnRemoved)
        // Derived data, after the protocol is done: a crash before this only leaves the cache to a reader to fill,
        // and the drift check to compare the file once.
        if let tree = try? store.commit(new).tree {
            if let written { FileStamp(tree: tree, version: written).store(paths.fileStamp) }
            if let effective { history.storeEffective(effective, tree: tree) }
        }
        return new
    }

    /// A write refused after the txn record (a full disk, a read-only remount: dynix still runs, unlike after a
    /// crash): the file gets back what it held (unless the refusal came before it changed) and the record goes, so
    /// that the refusal's exit 1 means that nothing changed. When the file cannot be put back, the record stays,
    /// the next command finishes the change, and the refusal says so; when the branch moved after all, the change
    /// is recorded, and that is said.
    private func putBack(_ before: [UInt8]?, old: ObjectID?, new: ObjectID, after refusal: DynixError) throws {
        let head = try? store.head()
        if head == new {
            FileSystem.remove(paths.transaction)
            throw DynixError.recordedDespite(cause: refusal, commit: new.hex)
        }
        guard head == old else { throw refusal }  // moved by someone else: the record's recovery sorts it out
        do {
            if try history.workingBytes() != before {
                try FaultInjection.refuse(.putBack, path: paths.dynamicFile)
                if let before { _ = try FileSystem.writeSettled(paths.dynamicFile, before) } else { FileSystem.remove(paths.dynamicFile) }
            }
            FileSystem.remove(paths.transaction)
        } catch {
            throw DynixError.writtenNotRecorded(path: paths.dynamicFile, cause: refusal)
        }
    }

    /// Commits an event that changes no file (apply, rebuild, boot, apply-failed).
    @discardableResult
    func commitEvent(message: String, author: GitSignature? = nil) throws -> ObjectID {
        // An event needs a history to belong to: the first commit is always `init`'s, with the file.
        guard let old = try store.head() else { throw DynixError.notInitialized(store.path) }
        let new = try store.makeCommit(
            parent: old, content: nil, message: try withLiveEvent(message, parent: old), author: author ?? history.author(), committer: history.committer)
        try store.advance(from: old, to: new, reason: "dynix")
        history.liveStateCache = nil
        return new
    }

    /// Adds `Live-Event:` to a message whose event is not itself a liveness event (ARCHITECTURE.md "The history format": what was live when).
    func withLiveEvent(_ message: String, parent: ObjectID?) throws -> String {
        let parsed = Trailers.parse(message: message)
        let kind = parsed.trailers[.event].flatMap(EventKind.init(rawValue:))
        if HistoryEvent.isLiveness(kind, restored: parsed.trailers[.restored].flatMap(RestoreOutcome.init(rawValue:))) { return message }
        let base = message.hasSuffix("\n") ? String(message.dropLast()) : message
        return base + "\nLive-Event: " + (try history.liveEventPointer(parent: parent)) + "\n"
    }
}
