/// `dynix status`: where things stand, and what needs attention.
extension ConfigHistory {
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
        /// How far behind the central copy is; nil when no central side is configured (`etc/dynix/central.json`).
        package let central: CentralLag?
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
            missingTags: try missingGenerationTags(),
            central: try centralLagIfConfigured()
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

    /// nil when no central side is configured; with a central.json that cannot be read, the last push's record
    /// stands (status still answers; `dynix push` names the problem).
    func centralLagIfConfigured() throws -> CentralLag? {
        guard FileSystem.exists(paths.under(CentralConfiguration.relativePath())) else { return nil }
        return try centralLag(url: (try? CentralConfiguration.load(paths))??.url)
    }

    func staticDrift() throws -> (built: String, running: String)? {
        guard case .generation(let live) = try liveState(), let built = live.event.trailers[.staticSystem],
            let running = StaticSystem.read(paths).currentSystem, built != running
        else { return nil }
        return (built, running)
    }
}
