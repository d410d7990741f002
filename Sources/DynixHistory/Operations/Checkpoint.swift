import CSignals

/// What `dynix checkpoint` did: the file compaction (a commit, or none when the file was already compact)
/// and the packing of the history.
package struct CheckpointResult: Sendable {
    /// The compaction commit; nil when the file already held one entry per option.
    package let commit: ObjectID?
    /// Entries in the file before and after.
    package let before: Int
    package let after: Int
    /// Objects in the new pack.
    package let packedObjects: Int
    /// Loose objects deleted because the pack holds them.
    package let removedLooseObjects: Int
    /// Bytes on disk under `history.git/objects` before and after.
    package let diskBefore: Int
    package let diskAfter: Int
}

/// `dynix checkpoint`: the file compacted to its effective entries, then the history packed.
extension HistoryWriter {
    /// `dynix checkpoint`: rewrites the file to its effective entries, one per option (the fold is proven
    /// unchanged), then packs the history, even when the file was already compact.
    package func checkpoint(message userMessage: String?) throws -> CheckpointResult {
        let old = try history.committedFile()
        let compact = DynamicFile.rendering(try compactEntries(old.effective))
        guard compact.effective == old.effective else {
            throw DynixError.internalInconsistency("checkpoint would change effective values")
        }
        var commit: ObjectID?
        if compact.bytes != old.bytes {
            let subject = userMessage ?? "checkpoint: \(counted(old.entries.count, "entry", "entries")) compacted to \(compact.entries.count)"
            commit = try commitFileChange(compact.bytes, message: history.message(.checkpoint, subject: subject))
        }
        let diskBefore = store.objectsDiskUsage()
        let pack: (objects: Int, removed: Int)
        do {
            try FaultInjection.refuse(.pack, path: store.path + "/objects/pack")
            pack = try packHistory()
        } catch let refusal as DynixError {
            // The compaction is recorded: a plain refusal (exit 1: nothing changed) would not be true.
            guard let commit else { throw refusal }
            throw DynixError.packingFailedAfterCompaction(commit: commit.hex, cause: refusal)
        }
        return CheckpointResult(
            commit: commit, before: old.entries.count, after: commit == nil ? old.entries.count : compact.entries.count,
            packedObjects: pack.objects, removedLooseObjects: pack.removed, diskBefore: diskBefore, diskAfter: store.objectsDiskUsage())
    }

    /// Packs every object the references reach into one pack, then deletes the loose copies and the older
    /// packs it makes redundant. Crash- and power-safe at every point: `writePack` returns only once the
    /// `.pack`, its `.idx`, `objects/pack/` and `objects/` are fsync'd, and only then is any loose object
    /// deleted (only those the new pack holds); each touched `objects/XX/` and `objects/` are synced after.
    /// A crash before the pack is durable leaves the loose objects (and perhaps libgit2's temporary files,
    /// removed by the next checkpoint); a crash after leaves an object in the pack, loose, or both.
    func packHistory() throws -> (objects: Int, removed: Int) {
        let pack = try withPackingBound { try store.writePack() }
        FaultInjection.reach(.packWritten)
        let removed = try store.removeLooseObjects(packedIn: pack.name)
        _ = try store.removeRedundantPacks(keeping: pack.name)
        return (pack.objects, removed)
    }

    /// Packing is dynix's own work, so the hang guard (§2 of ARCHITECTURE.md, 120 s) still watches it: libgit2
    /// 1.5 can spin on a truncated object, and the packbuilder reads every one. But it takes time in proportion
    /// to the history (about 60 s single-threaded for 20,000 entries on a loaded machine), so for the packing
    /// alone the guard gets a bound of its own, 30 minutes; afterwards what was left of the command's is given
    /// back, as `Watchdog.paused` does.
    private func withPackingBound<T>(_ body: () throws -> T) rethrows -> T {
        let left = dynix_watchdog_pause()  // 0: no watchdog armed, or an absolute one (never paused, never extended)
        if left > 0 { dynix_watchdog_resume(max(left, 30 * 60)) }
        defer {
            if left > 0 {
                _ = dynix_watchdog_pause()
                dynix_watchdog_resume(left)
            }
        }
        return try body()
    }

    /// Effective entries: one per declared option when there is a manifest (attrs options stay whole), else one per leaf.
    func compactEntries(_ effective: EffectiveValues) throws -> [Entry] {
        guard let manifest = try history.manifest() else { return effective.leafEntries }
        var entries: [Entry] = []
        var covered = EffectiveValues(entries: [])
        for path in manifest.options.keys.sorted() {
            if let value = effective.value(at: path) {
                entries.append(Entry(path: path, value: value))
            }
        }
        covered = EffectiveValues(entries: entries)
        // Anything the manifest does not declare (an older manifest, say) is kept leaf by leaf rather than lost.
        for leaf in effective.leafEntries where covered.value(at: leaf.path) != leaf.value {
            entries.append(leaf)
        }
        return entries
    }
}
