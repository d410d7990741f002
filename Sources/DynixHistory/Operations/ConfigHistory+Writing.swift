/// The write path of DESIGN.md "Crash safety": lock, recover, refuse drift, then one transaction per file change.
extension ConfigHistory {
    /// Takes the writer lock and brings the state to a consistent point: finishes or undoes an
    /// interrupted transaction and folds spooled rebuild-hook events into the history.
    /// `allowDrift` is for `adopt`, which exists to record drift.
    public func beginWriting(lockTimeout: Double, allowDrift: Bool = false) throws {
        try ConfigHistory.checkWritable(paths)
        if lock == nil { lock = try WriterLock.acquire(paths.lock, timeout: lockTimeout) }
        try recoverTransaction()
        try foldSpool()
        if !allowDrift, try hasDrift() { throw DynixError.drift(path: paths.dynamicFile) }
    }

    /// For reading commands: when a crash or the rebuild hook left work behind and nobody holds the lock,
    /// finish it now, so "the next command" of any kind records it. Never waits, never fails the reader.
    public func repairIfIdle() {
        guard lock == nil, FileSystem.exists(paths.transaction) || FileSystem.exists(paths.activating) || !spooledEvents.isEmpty || hasCrashLeftovers() else { return }
        guard (try? ConfigHistory.checkWritable(paths)) != nil, let idle = WriterLock.tryAcquire(paths.lock) else { return }
        lock = idle
        defer { lock = nil }
        try? recoverTransaction()
        try? foldSpool()
    }

    /// Refuses, before anything is touched, a user who cannot write the state directory or the file's directory.
    static func checkWritable(_ paths: Paths) throws {
        for directory in [paths.stateDirectory, FileSystem.directoryName(paths.dynamicFile)] where !FileSystem.canWrite(directory) {
            throw DynixError.permissionDenied(path: directory)
        }
        for file in [paths.history, paths.lock] where FileSystem.exists(file) && !FileSystem.canWrite(file) {
            throw DynixError.permissionDenied(path: file)
        }
    }

    /// Finishes (file already new) or drops (file still old) a transaction a crash interrupted.
    func recoverTransaction() throws {
        removeCrashLeftovers()
        try recoverFileTransaction()
        try recoverInterruptedActivation()
    }

    /// An activation that was running when dynix died, its outcome unrecorded: record what the marker knows
    /// (how restoring went, if it got that far), else that nobody knows what runs now.
    func recoverInterruptedActivation() throws {
        guard FileSystem.exists(paths.activating) else { return }
        guard let marker = ActivationMarker.read(paths) else {
            ActivationMarker.remove(paths)  // torn before its fsync: nothing had been activated yet
            return
        }
        if let head = try store.head(), head != marker.head {
            let newest = try event(head)
            if (newest.kind == .apply || newest.kind == .applyFailed) && newest.activation == marker.program {
                ActivationMarker.remove(paths)  // the outcome made it into the history; only the cleanup was left
                return
            }
        }
        var trailers = Trailers()
        trailers.add("Activation", marker.program)
        trailers.add("Restored", marker.outcome ?? "no")
        let subject = marker.outcome == nil
            ? "apply interrupted: dynix stopped while activating; the running state is unknown"
            : "apply failed; dynix stopped before recording it (restored: \(marker.outcome!))"
        try commitEvent(message: message(.applyFailed, subject: subject, trailers: trailers))
        ActivationMarker.remove(paths)
    }

    private func recoverFileTransaction() throws {
        guard let text = FileSystem.readText(paths.transaction) else { return }
        guard let record = TransactionRecord(text: text) else {
            // A record torn before its fsync: the file was not touched yet, since the record comes first.
            FileSystem.remove(paths.transaction)
            return
        }
        let branch = try store.head()
        if branch == record.new {
            try finishApply(record.new)
            FileSystem.remove(paths.transaction)  // crashed after moving the branch: only the cleanup was left
            return
        }
        let working = try workingBytes()
        guard store.contains(record.new) else {
            FileSystem.remove(paths.transaction)
            return
        }
        // An apply changes no file, so whatever the file holds now, its commit can be finished.
        let isApply = HistoryEvent(try store.commit(record.new), changesFile: false).kind == .apply
        if try branch == record.old && (isApply || working == store.content(at: record.new)) {
            try finishApply(record.new)
            try store.advance(from: record.old, to: record.new, reason: "dynix: recover interrupted transaction")
        }
        // Equal to the old content: the change never reached the file; anything else is drift, reported by the caller.
        FileSystem.remove(paths.transaction)
    }

    /// Under dynix's own lock, a libgit2 `*.lock` file or a half-written temporary file can only be
    /// what a killed dynix left behind; left alone, a ref lock would block every later write.
    private var leftoverLocations: [(directory: String, prefix: String)] {
        [(paths.stateDirectory, ".txn.dynix-"), (FileSystem.directoryName(paths.dynamicFile), "." + FileSystem.baseName(paths.dynamicFile) + ".dynix-")]
    }

    func hasCrashLeftovers() -> Bool {
        FileSystem.exists(store.path + "/refs/heads/main.lock")
            || leftoverLocations.contains { location in FileSystem.listDirectory(location.directory).contains { $0.hasPrefix(location.prefix) } }
    }

    func removeCrashLeftovers() {
        let refLocks = [store.path + "/refs/heads/main.lock", store.path + "/packed-refs.lock", store.path + "/HEAD.lock"]
            + FileSystem.listDirectory(store.path + "/refs/tags/gen").filter { $0.hasSuffix(".lock") }.map { store.path + "/refs/tags/gen/" + $0 }
        for path in refLocks where FileSystem.exists(path) { FileSystem.remove(path) }
        for (directory, prefix) in leftoverLocations {
            for name in FileSystem.listDirectory(directory) where name.hasPrefix(prefix) { FileSystem.remove(directory + "/" + name) }
        }
    }

    /// An interrupted apply's commit gets the `gen/N` tag the crash kept it from; its activation is recorded,
    /// so the in-progress marker goes.
    private func finishApply(_ id: ObjectID) throws {
        let event = HistoryEvent(try store.commit(id), changesFile: false)
        guard event.kind == .apply else { return }
        ActivationMarker.remove(paths)
        guard let number = event.generation, try !store.generationTags().contains(where: { $0.number == number }) else { return }
        try store.tagGeneration(number, commit: id, tagger: committer, message: try store.commit(id).message)
    }

    /// Commits a new content of the dynamic file: objects, then the txn record, then the file, then the branch.
    @discardableResult
    func commitFileChange(_ bytes: [UInt8], message: String, author: GitSignature? = nil) throws -> ObjectID {
        let old = try store.head()
        let new = try store.makeCommit(parent: old, content: bytes, message: try withLiveEvent(message, parent: old), author: author ?? self.author(), committer: committer)
        FaultInjection.reach("objects-written")
        try FileSystem.writeAtomically(paths.transaction, Array(TransactionRecord(old: old, new: new).text.utf8), mode: 0o600, faultStep: "txn")
        try FileSystem.writeAtomically(paths.dynamicFile, bytes, faultStep: "file")
        try store.advance(from: old, to: new, reason: "dynix")
        committedCache = (new, bytes)
        FaultInjection.reach("branch-moved")
        FileSystem.remove(paths.transaction)
        FaultInjection.reach("txn-removed")
        return new
    }

    /// Commits an event that changes no file (apply, rebuild, boot, apply-failed).
    @discardableResult
    func commitEvent(message: String, author: GitSignature? = nil) throws -> ObjectID {
        // An event needs a history to belong to: the first commit is always `init`'s, with the file.
        guard let old = try store.head() else { throw DynixError.notInitialised(store.path) }
        let new = try store.makeCommit(parent: old, content: nil, message: try withLiveEvent(message, parent: old), author: author ?? self.author(), committer: committer)
        try store.advance(from: old, to: new, reason: "dynix")
        liveStateCache = nil
        return new
    }

    /// Adds `Live-Event:` to a message whose event is not itself a liveness event (DESIGN: "what was live when").
    func withLiveEvent(_ message: String, parent: ObjectID?) throws -> String {
        let parsed = Trailers.parse(message: message)
        let probe = parsed.trailers["Dynix-Event"].flatMap(EventKind.init(rawValue:))
        let restored = parsed.trailers["Restored"]
        let isLiveness = probe == .apply || probe == .rebuild || probe == .boot || (probe == .applyFailed && (restored == "no" || restored == "static"))
        if isLiveness { return message }
        let base = message.hasSuffix("\n") ? String(message.dropLast()) : message
        return base + "\nLive-Event: " + (try liveEventPointer(parent: parent)) + "\n"
    }
}
