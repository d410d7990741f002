/// The one way to change a history. `ConfigHistory.beginWriting` makes it after taking the writer lock
/// and repairing what a crash left; it holds that lock for its whole life, and every operation that
/// writes (a commit, the file, a tag, a recovery) is a method of it. A `ConfigHistory` alone can only read.
package final class HistoryWriter {
    package let history: ConfigHistory
    let lock: WriterLock
    /// The file was found equal to the branch when writing began (every writer but `adopt`'s): what it holds is
    /// then the committed content, which a refused write puts back without reading the file again.
    var fileMatchedBranch = false

    /// Only code that holds a `WriterLock` can make one.
    init(_ history: ConfigHistory, holding lock: WriterLock) {
        self.history = history
        self.lock = lock
    }

    var paths: Paths { history.paths }
    var store: HistoryStore { history.store }
}

extension ConfigHistory {
    /// Takes the writer lock and brings the state to a consistent point: finishes or undoes an
    /// interrupted transaction and folds spooled rebuild-hook events into the history.
    /// `allowDrift` is for `adopt`, which exists to record drift.
    package func beginWriting(lockTimeout: Double, allowDrift: Bool = false) throws -> HistoryWriter {
        try ConfigHistory.checkWritable(paths)
        let writer = HistoryWriter(self, holding: try WriterLock.acquire(paths.lock, timeout: lockTimeout))
        try writer.recoverTransaction()
        try writer.foldSpool()
        if !allowDrift, try hasDrift() {
            throw try workingBytes() == nil ? DynixError.fileMissing(paths.dynamicFile) : DynixError.drift(path: paths.dynamicFile)
        }
        writer.fileMatchedBranch = !allowDrift
        return writer
    }

    /// For reading commands: when a crash or the rebuild hook left work behind and nobody holds the lock,
    /// finish it now, so "the next command" of any kind records it. Never waits, never fails the reader.
    package func repairIfIdle() {
        guard FileSystem.exists(paths.transaction) || FileSystem.exists(paths.activating) || !spooledEvents.isEmpty || hasCrashLeftovers() else { return }
        guard (try? ConfigHistory.checkWritable(paths)) != nil, let idle = WriterLock.tryAcquire(paths.lock) else { return }
        let writer = HistoryWriter(self, holding: idle)
        try? writer.recoverTransaction()
        _ = try? writer.foldSpool()
    }

    /// Refuses, before anything is touched, a user who cannot write the state directory or the file's directory.
    static func checkWritable(_ paths: Paths) throws {
        // `access` leaves its reason in errno: no permission, or a read-only file system (which root meets too).
        for directory in [paths.stateDirectory, FileSystem.directoryName(paths.dynamicFile)] where !FileSystem.canWrite(directory) {
            throw FileSystem.failure(path: directory)
        }
        for file in [paths.history, paths.lock] where FileSystem.exists(file) && !FileSystem.canWrite(file) {
            throw FileSystem.failure(path: file)
        }
    }
}
