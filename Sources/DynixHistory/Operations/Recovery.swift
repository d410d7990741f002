/// What a crash (or a power cut) left behind, finished or undone before anything else is written:
/// the txn record of a file change, the marker of an activation, leftover lock and temporary files.
extension HistoryWriter {
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
            let newest = try history.event(head)
            if (newest.kind == .apply || newest.kind == .applyFailed) && newest.activation == marker.program {
                ActivationMarker.remove(paths)  // the outcome made it into the history; only the cleanup was left
                return
            }
        }
        var trailers = Trailers()
        trailers.add(.activation, marker.program)
        trailers.add(.restored, (marker.outcome ?? .no).rawValue)
        let subject =
            marker.outcome == nil
            ? "apply interrupted: dynix stopped while activating; the running state is unknown"
            : "apply failed; dynix stopped before recording it (restored: \(marker.outcome!.rawValue))"
        try commitEvent(message: history.message(.applyFailed, subject: subject, trailers: trailers))
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
        let working = try history.workingBytes()
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

    func removeCrashLeftovers() {
        let store = history.store
        let refLocks =
            [store.path + "/refs/heads/main.lock", store.path + "/packed-refs.lock", store.path + "/HEAD.lock"]
            + FileSystem.listDirectory(store.path + "/refs/tags/gen").filter { $0.hasSuffix(".lock") }.map { store.path + "/refs/tags/gen/" + $0 }
        for path in refLocks where FileSystem.exists(path) { FileSystem.remove(path) }
        for (directory, prefix) in history.leftoverLocations {
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
        try store.tagGeneration(number, commit: id, tagger: history.committer, message: try store.commit(id).message)
    }
}

extension ConfigHistory {
    /// Under dynix's own lock, a libgit2 `*.lock` file or a half-written temporary file can only be
    /// what a killed dynix left behind; left alone, a ref lock would block every later write.
    var leftoverLocations: [(directory: String, prefix: String)] {
        [
            (paths.stateDirectory, ".txn.dynix-"), (paths.stateDirectory, ".moments.dynix-"),
            (FileSystem.directoryName(paths.dynamicFile), "." + FileSystem.baseName(paths.dynamicFile) + ".dynix-"),
        ]
    }

    func hasCrashLeftovers() -> Bool {
        FileSystem.exists(store.path + "/refs/heads/main.lock")
            || leftoverLocations.contains { location in FileSystem.listDirectory(location.directory).contains { $0.hasPrefix(location.prefix) } }
    }
}
