import Glibc

/// `dynix init`: the state directory, the repository, and the first commit.
extension ConfigHistory {
    package struct InitResult: Sendable {
        package let created: Bool
        package let commit: ObjectID
        package let entries: Int
    }

    /// Creates the history (idempotent). With `importing`, its entries become the file; without, an existing
    /// dynamic file written by hand or by the prototype is taken over as it is (after it parses).
    /// `importing`: a Nix file evaluated with `nix-instantiate` whose entries become the file.
    package static func initialize(_ paths: Paths, identity: Identity, importing importedFrom: String? = nil, lockTimeout: Double) throws -> (
        HistoryWriter, InitResult
    ) {
        try checkWritable(paths)
        let manifest = try readManifest(paths)
        let importing = try importedFrom.map { try NixEvaluator.entries(ofFile: $0, manifest: manifest) }
        if let importing { try check(importing, manifest: manifest) }
        // Everything that can be refused is checked before anything is created.
        let existed = FileSystem.isDirectory(paths.history) && !HistoryStore.isUnfinished(paths.history)
        let takeOver = existed || importing != nil ? nil : try existingFile(paths, manifest: manifest)
        let stateExisted = FileSystem.isDirectory(paths.stateDirectory)
        try FileSystem.makeDirectory(paths.stateDirectory, mode: 0o755)
        if !stateExisted { _ = chmodState(paths.stateDirectory) }
        let lock = try WriterLock.acquire(paths.lock, timeout: lockTimeout)
        let store = existed ? try HistoryStore.open(paths.history) : try HistoryStore.create(paths.history)
        let history = ConfigHistory(paths: paths, store: store, identity: identity)
        let writer = HistoryWriter(history, holding: lock)
        try writer.recoverTransaction()
        if let head = try store.head() {
            if let importing {
                // Importing into an existing history is an ordinary file change, recorded as `import`.
                if try history.hasDrift() { throw DynixError.drift(path: paths.dynamicFile) }
                let file = DynamicFile.rendering(importing)
                let id = try writer.commitFileChange(
                    file.bytes,
                    message: history.message(.`import`, subject: "import \(importedFrom ?? "entries") (\(counted(importing.count, "entry", "entries")))"))
                try writer.foldSpool()
                return (writer, InitResult(created: false, commit: id, entries: importing.count))
            }
            try writer.foldSpool()
            return (writer, InitResult(created: false, commit: head, entries: try history.committedFile().entries.count))
        }
        try FileSystem.makeDirectory(FileSystem.directoryName(paths.dynamicFile), mode: 0o755)
        let file: DynamicFile
        let kind: EventKind
        let subject: String
        if let importing {
            file = DynamicFile.rendering(importing)
            kind = .`import`
            subject = "import \(importedFrom ?? "entries") (\(counted(importing.count, "entry", "entries")))"
        } else if let takeOver {
            file = takeOver
            kind = .`import`
            subject = "take over \(paths.dynamicFile) (\(counted(file.entries.count, "entry", "entries")))"
        } else {
            file = DynamicFile.rendering([])
            kind = .`init`
            subject = "start the dynamic configuration history"
        }
        let id = try writer.commitFileChange(file.bytes, message: history.message(kind, subject: subject))
        try writer.foldSpool()
        return (writer, InitResult(created: true, commit: id, entries: file.entries.count))
    }

    /// A dynamic file already on disk (hand-written, or the prototype's), once it parses and passes the checks.
    private static func existingFile(_ paths: Paths, manifest: Manifest?) throws -> DynamicFile? {
        guard let existing = try FileSystem.readBytes(paths.dynamicFile), !existing.isEmpty else { return nil }
        let file: DynamicFile
        do {
            file = try DynamicFile(bytes: existing)
        } catch DynixError.fileUnparsable(nil, let line, let column, let why) {
            throw DynixError.cannotTakeOver(path: paths.dynamicFile, line: line, column: column, why)
        }
        try check(file.entries, manifest: manifest)
        return file
    }

    private static func chmodState(_ path: String) -> Bool {
        // mkdir honours the umask; the history is an audit trail only root may write (and anyone may read).
        path.withCString { chmod($0, 0o755) } == 0
    }
}
