/// `dynix status`, `show` and `diff`: the effective values of named states, side by side.
extension ConfigHistory {
    /// A state of the dynamic configuration that can be named on the command line.
    package enum StateName: Equatable, Sendable, CustomStringConvertible {
        case live, pending, staticOnly
        /// The file on disk, which differs from `pending` only when edited outside dynix.
        case working
        case generation(Int)
        /// What was live at a moment (`--at TIME`), read from the history (Moment.swift).
        case liveAt(Int64)

        /// `live`, `pending` (or `head`), `static`, `file`, or a generation number (`7` or `gen/7`).
        package init?(_ text: String) {
            switch text {
            case "live": self = .live
            case "pending", "head", "HEAD": self = .pending
            case "static": self = .staticOnly
            case "file": self = .working
            default:
                let digits = text.hasPrefix("gen/") ? String(text.dropFirst(4)) : text
                guard let n = Int(digits), n > 0 else { return nil }
                self = .generation(n)
            }
        }

        package var description: String {
            switch self {
            case .live: return "live"
            case .pending: return "pending"
            case .staticOnly: return "static"
            case .working: return "the file on disk"
            case .generation(let n): return "generation \(n)"
            case .liveAt(let time): return "live at \(Clock.localText(time))"
            }
        }
    }

    /// The committed file of a named state (nil: nothing dynamic, only the static configuration).
    package func file(of state: StateName) throws -> DynamicFile? {
        switch state {
        case .pending: return try committedFile()
        case .staticOnly: return nil
        case .working:
            guard let bytes = try workingBytes() else { return nil }
            return try DynamicFile(bytes: bytes, source: paths.dynamicFile)
        case .generation(let n): return try committedFile(at: generation(n).commit)
        case .live:
            guard let live = try liveGeneration() else { return nil }
            return try committedFile(at: live.commit)
        case .liveAt(let time):
            guard let commit = try generationCommit(at: time) else { return nil }
            return try committedFile(at: commit)
        }
    }

    /// The apply commit of the generation live at `time`; nil when the static configuration was.
    private func generationCommit(at time: Int64) throws -> ObjectID? {
        switch try moment(at: time).live {
        case .generation(let generation): return generation.commit
        case .unknown: throw DynixError.unknownAt(time: time)
        default: return nil
        }
    }

    /// Committed states come from the effective-value cache when it has their content (EffectiveCache.swift).
    package func effective(_ state: StateName) throws -> EffectiveValues {
        switch state {
        case .pending: return try effective(atCommit: head())
        case .generation(let n): return try effective(atCommit: generation(n).commit)
        case .live:
            guard let live = try liveGeneration() else { return EffectiveValues(entries: []) }
            return try effective(atCommit: live.commit)
        case .liveAt(let time):
            guard let commit = try generationCommit(at: time) else { return EffectiveValues(entries: []) }
            return try effective(atCommit: commit)
        case .staticOnly, .working: return try file(of: state)?.effective ?? EffectiveValues(entries: [])
        }
    }

    package func changes(from a: StateName, to b: StateName) throws -> [OptionChange] {
        OptionChange.between(try effective(a), try effective(b), manifest: try manifest())
    }

    /// The file diff between two states, as git prints it.
    /// The diff of the file a commit made (against its parent), as `git log -p` shows it; "" for an event.
    package func patch(introducedBy commit: ObjectID) throws -> String {
        let parents = try store.commit(commit).parents
        let old = try parents.first.map { try store.content(at: $0) } ?? []
        return try store.patch(old: old, new: store.content(at: commit))
    }

    package func patch(from a: StateName, to b: StateName) throws -> String {
        try store.patch(old: rawBytes(of: a), new: rawBytes(of: b))
    }

    /// Bytes for a file diff: the file on disk as it is, even when it does not parse.
    private func rawBytes(of state: StateName) throws -> [UInt8] {
        if state == .working { return try workingBytes() ?? [] }
        return try file(of: state)?.bytes ?? []
    }

    package struct Status: Sendable {
        package let staticSystem: StaticSystem
        package let live: LiveState
        package let head: ObjectID
        /// Committed but not live: the difference between live and pending.
        package let pending: [OptionChange]
        /// What is live now against the static configuration.
        package let liveValues: [OptionChange]
        package let drift: Bool
        /// The dynamic file is gone from disk (a kind of drift with its own remedy).
        package let fileMissing: Bool
        package let interruptedTransaction: Bool
        package let spooled: [SpooledEvent]
        /// The last apply, when it failed (and no apply or reset came after it).
        package let lastFailure: HistoryEvent?
        /// The running static system differs from the one the live generation was built on, and no
        /// reset was recorded: the rebuild hook did not run.
        package let staticDrift: (built: String, running: String)?
        package let hasManifest: Bool
        /// Generations whose `gen/N` tag is gone.
        package let missingTags: [MissingTag]
    }

    package func status() throws -> Status {
        // The live values are read once for both comparisons (from the cache, or the file parsed: it can be long before a checkpoint).
        let live = try effective(.live)
        let manifest = try manifest()
        let drift = try hasDrift()
        return Status(
            staticSystem: StaticSystem.read(paths),
            live: try liveState(),
            head: try head(),
            pending: OptionChange.between(live, try effective(.pending), manifest: manifest),
            liveValues: OptionChange.between(EffectiveValues(entries: []), live, manifest: manifest),
            drift: drift,
            fileMissing: !FileSystem.existsFollowingLinks(paths.dynamicFile),
            interruptedTransaction: FileSystem.exists(paths.transaction),
            spooled: spooledEvents,
            lastFailure: try lastFailedApply(),
            staticDrift: try staticDrift(),
            hasManifest: manifest != nil,
            missingTags: try missingGenerationTags()
        )
    }

    /// The newest apply outcome, if it was a failure: an apply or a reset after it clears it. Only the
    /// commits since the liveness event in force are read (`status` must stay cheap on a long history):
    /// a failure before that event was followed by an apply or a reset.
    func lastFailedApply() throws -> HistoryEvent? {
        let boundary: HistoryEvent
        switch try liveState() {
        case .generation(let generation), .rebooted(let generation): boundary = generation.event
        case .reset(let event), .unknown(let event): boundary = event
        case .resetSpooled, .nothing: return nil
        }
        var failure: HistoryEvent?
        try store.walk { event in
            // Stopped on purpose and put back (a generation or the static configuration): not a failure.
            if event.kind == .applyFailed, event.trailers[.interrupted] == nil || event.restored == .no {
                failure = event
                return false
            }
            return event.commit != boundary.commit
        }
        return failure
    }

    func staticDrift() throws -> (built: String, running: String)? {
        guard case .generation(let live) = try liveState(), let built = live.event.trailers[.staticSystem],
            let running = StaticSystem.read(paths).currentSystem, built != running
        else { return nil }
        return (built, running)
    }

    /// Each declared option with its static, live and pending value.
    package struct OptionRow: Sendable {
        package let option: Manifest.Option
        package let live: NixValue?
        package let pending: NixValue?
    }

    /// Before `init` there is no history, but the manifest already says what is dynamic: the first thing a
    /// newcomer asks. Then no value is live or pending.
    package static func optionRows(_ paths: Paths, identity: Identity) throws -> [OptionRow] {
        guard FileSystem.isDirectory(paths.history) else {
            guard let manifest = try readManifest(paths) else { throw DynixError.noManifest(paths.manifest) }
            return manifest.options.keys.sorted().map { OptionRow(option: manifest.options[$0]!, live: nil, pending: nil) }
        }
        let history = try open(paths, identity: identity)
        history.repairIfIdle()
        return try history.optionRows()
    }

    package func optionRows() throws -> [OptionRow] {
        guard let manifest = try manifest() else { throw DynixError.noManifest(paths.manifest) }
        let live = try effective(.live)
        let pending = try effective(.pending)
        return manifest.options.keys.sorted().map { path in
            OptionRow(option: manifest.options[path]!, live: live.value(at: path), pending: pending.value(at: path))
        }
    }
}
