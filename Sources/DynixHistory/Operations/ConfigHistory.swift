import Glibc

/// The dynamic configuration of one root and its history: the entry point of every dynix operation.
/// Readers open it and read; writers call `beginWriting()` first, which takes the lock and repairs what a crash left.
package final class ConfigHistory {
    package let paths: Paths
    let store: HistoryStore
    package let identity: Identity
    private var cachedManifest: Manifest??
    /// The branch head and its file content, read once per command.
    var committedCache: (ObjectID, [UInt8])?
    var liveStateCache: LiveState?
    /// Every commit's time and id up to this head (`MomentIndex`), read once per command: `show --at` asks twice.
    var momentRecordsCache: (head: ObjectID, records: [MomentIndex.Record])?
    /// Events of the rebuild hook that are waiting in the spool (counted by readers, folded by writers).
    package internal(set) var spooledEvents: [SpooledEvent] = []
    /// A host's history read from a central repository: nothing of this machine (its boot, its files) describes it.
    var isCentralCopy = false

    init(paths: Paths, store: HistoryStore, identity: Identity) {
        self.paths = paths
        self.store = store
        self.identity = identity
    }

    /// Opens an existing history for reading.
    package static func open(_ paths: Paths, identity: Identity) throws -> ConfigHistory {
        guard FileSystem.isDirectory(paths.history) else { throw DynixError.notInitialized(paths.history) }
        let history = ConfigHistory(paths: paths, store: try HistoryStore.open(paths.history), identity: identity)
        history.spooledEvents = Spool(paths: paths).pending()
        return history
    }

    // MARK: reading

    /// The manifest, or nil when this root has none.
    package func manifest() throws -> Manifest? {
        if let cached = cachedManifest { return cached }
        let manifest = try ConfigHistory.readManifest(paths)
        cachedManifest = .some(manifest)
        return manifest
    }

    package static func readManifest(_ paths: Paths) throws -> Manifest? {
        guard let bytes = try FileSystem.readBytes(paths.manifest) else { return nil }
        return try Manifest(json: String(decoding: bytes, as: UTF8.self), path: paths.manifest)
    }

    package func head() throws -> ObjectID {
        guard let head = try store.head() else { throw DynixError.emptyHistory(path: store.path) }
        return head
    }

    /// The committed bytes at the branch head.
    func committedBytes() throws -> [UInt8] {
        let id = try head()
        if let cached = committedCache, cached.0 == id { return cached.1 }
        let bytes = try store.content(at: id)
        committedCache = (id, bytes)
        return bytes
    }

    /// The dynamic file as the history has it at `commit` (default: the branch head).
    package func committedFile(at commit: ObjectID? = nil) throws -> DynamicFile {
        let id = try commit ?? head()
        let bytes = try id == head() ? committedBytes() : store.content(at: id)
        return try DynamicFile(bytes: bytes, source: "\(store.path) at \(id.short)")
    }

    /// The bytes on disk now, or nil when the file is missing.
    package func workingBytes() throws -> [UInt8]? { try FileSystem.readBytes(paths.dynamicFile) }

    /// Whether the file on disk differs from the branch (and no interrupted transaction explains it).
    package func hasDrift() throws -> Bool {
        if FileSystem.exists(paths.transaction) { return false }
        let id = try head()
        let clock = FileVersion.fileClock()
        guard let (working, version) = try FileSystem.readVersioned(paths.dynamicFile) else { return true }
        if let cached = committedCache, cached.0 == id { return !sameBytes(working, cached.1) }
        // Every write checks this, and on a long history the file is a megabyte: a stamp that vouches for this
        // version of the file spares reading the committed copy (FileStamp.swift).
        let tree = try store.commit(id).tree
        if FileStamp.load(paths.fileStamp)?.vouches(for: tree, version) == true {
            committedCache = (id, working)
            return false
        }
        // Else the committed copy, read without re-hashing it: it is only compared here (a damaged object differs
        // from the file anyway), and kept for the command only when it equals the file.
        let committed = try store.content(at: id, verifyingHash: false)
        guard sameBytes(working, committed) else {
            // Before the file is blamed: the committed copy may be what is wrong (another valid object where this
            // one was, a misdirected write). Read with its hash checked, it throws then, naming the damage.
            _ = try store.content(at: id)
            return true
        }
        committedCache = (id, committed)
        if version.isSettled(readAfter: clock) { FileStamp(tree: tree, version: version).store(paths.fileStamp) }
        return false
    }

    // MARK: commit metadata

    var committer: GitSignature { signature(name: "dynix", email: "dynix@localhost", time: Clock.now()) }

    func author(time: Int64 = Clock.now()) -> GitSignature {
        signature(name: identity.user, email: identity.signatureEmail, time: time)
    }

    private func signature(name: String, email: String, time: Int64) -> GitSignature {
        GitSignature(name: name, email: email, time: time, offsetMinutes: Clock.localOffsetMinutes(at: time))
    }

    /// A commit message: subject, optional body, and the trailers every event carries.
    func message(_ kind: EventKind, subject: String, body: String? = nil, trailers extra: Trailers = Trailers(), user: String? = nil) -> String {
        let host = StaticSystem.read(paths)
        var trailers = Trailers()
        trailers.add(.event, kind.rawValue)
        for pair in extra.pairs { trailers.add(pair.key, pair.value) }
        if extra[.staticGeneration] == nil { trailers.add(.staticGeneration, host.generation.map(String.init)) }
        if extra[.staticSystem] == nil { trailers.add(.staticSystem, host.currentSystem) }
        if extra[.bootID] == nil { trailers.add(.bootID, currentBootID()) }
        trailers.add(.user, user ?? identity.user)
        // Split on every line break, CR included ("\r\n" is one Character, so split scalars).
        let subjectLines = String(String.UnicodeScalarView(subject.unicodeScalars.map { $0 == "\r" ? "\n" : $0 })).split(
            separator: "\n", omittingEmptySubsequences: false)
        var text = subjectLines.first.map(String.init) ?? ""
        let rest = subjectLines.dropFirst().joined(separator: "\n").trimmingWhitespace()
        let fullBody = [rest, body ?? ""].filter { !$0.isEmpty }.joined(separator: "\n\n")
        if !fullBody.isEmpty { text += "\n\n" + fullBody }
        return text + "\n\n" + trailers.text + "\n"
    }

    package func currentBootID() -> String? {
        if isCentralCopy { return nil }
        return FileSystem.readText(paths.bootID)?.trimmingWhitespace()
    }
}
