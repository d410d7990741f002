/// Reading the history as a timeline: generations, resets, and what was live when.
extension ConfigHistory {
    package struct Generation: Sendable {
        package let number: Int
        package let event: HistoryEvent
        package var commit: ObjectID { event.commit }
        /// The commit that was made live (the branch head when it was applied).
        package var appliedCommit: ObjectID? { event.trailers[.appliedCommit].flatMap(ObjectID.init(hex:)) }
    }

    /// The subject of the change a generation made live: what people remember it by.
    package func summary(of generation: Generation) -> String {
        guard let id = generation.appliedCommit, let commit = try? store.commit(id) else { return generation.event.subject }
        return Trailers.parse(message: commit.message).subject
    }

    /// What is live now: the last apply, unless a rebuild or boot came after it (or the machine booted since).
    package enum LiveState: Sendable {
        case generation(Generation)
        case reset(HistoryEvent)
        case rebooted(since: Generation)
        /// An apply failed and so did restoring what was live: nobody knows what runs.
        case unknown(HistoryEvent)
        /// The rebuild hook spooled a reset after the last apply; the next writing command records it.
        case resetSpooled(SpooledEvent)
        case nothing

        /// What a liveness event (`HistoryEvent.isLivenessEvent`) makes live: its generation, the static
        /// configuration, or, after a failed apply whose restore failed too, nobody knows what.
        init(madeBy event: HistoryEvent) {
            switch event.kind {
            case .apply?: self = .generation(Generation(number: event.generation ?? 0, event: event))
            case .applyFailed? where event.restored == .no: self = .unknown(event)
            default: self = .reset(event)
            }
        }

        /// The event that made it live, where there is one in the history.
        package var event: HistoryEvent? {
            switch self {
            case .generation(let generation): return generation.event
            case .reset(let event), .unknown(let event): return event
            case .rebooted, .resetSpooled, .nothing: return nil
            }
        }
    }

    package func generation(_ number: Int) throws -> Generation {
        guard let tag = try store.generationTags().first(where: { $0.number == number }) else { throw DynixError.noSuchGeneration(number) }
        return Generation(number: number, event: try event(tag.commit))
    }

    package func generations() throws -> [Generation] {
        try store.generationTags().map { Generation(number: $0.number, event: try event($0.commit)) }
    }

    func event(_ id: ObjectID) throws -> HistoryEvent {
        HistoryEvent(try store.commit(id), changesFile: false)
    }

    /// Read off the head commit: a liveness event itself, or the `Live-Event:` trailer every other commit
    /// carries, so this costs one or two object reads however long the history (older histories are walked).
    package func liveState() throws -> LiveState {
        if let cached = liveStateCache { return cached }
        var result = LiveState.nothing
        var found: HistoryEvent?
        if let head = try store.head() {
            let newest = try event(head)
            if newest.isLivenessEvent {
                found = newest
            } else if let pointer = newest.trailers[.liveEvent] {
                found = try ObjectID(hex: pointer).map(event)
            } else {
                try store.walk { event in
                    if event.isLivenessEvent { found = event }
                    return found == nil
                }
            }
        }
        if let event = found {
            result = LiveState(madeBy: event)
            // The machine booted since that apply, and the hook has not recorded the boot.
            if case .generation(let generation) = result, let recorded = event.bootID, let boot = currentBootID(), recorded != boot {
                result = .rebooted(since: generation)
            }
        }
        // A reset the hook could not record yet still ended what was live: it will be committed on top of
        // everything there is now (readers cannot fold the spool), so it wins whatever its time.
        if let spooled = spooledEvents.last {
            if case .reset = result {} else { result = .resetSpooled(spooled) }
        }
        liveStateCache = result
        return result
    }

    /// The `Live-Event:` trailer for a commit on top of `parent`: the nearest liveness event at or before it.
    func liveEventPointer(parent: ObjectID?) throws -> String {
        guard let parent else { return "none" }
        let event = try event(parent)
        if event.isLivenessEvent { return parent.hex }
        if let pointer = event.trailers[.liveEvent] { return pointer }
        var found = "none"
        try store.walk { event in
            if event.isLivenessEvent { found = event.commit.hex }
            return found == "none"
        }
        return found
    }

    /// The live generation, if any.
    package func liveGeneration() throws -> Generation? {
        if case .generation(let generation) = try liveState() { return generation }
        return nil
    }

    /// An event of the timeline; a rebuild or boot names the generation it ended.
    package struct TimelineEntry: Sendable {
        package let event: HistoryEvent
        /// For a reset: the generation that was live until it (nil: nothing dynamic was live).
        package internal(set) var ended: Int?
        /// Seconds the clock went back between the commit before this one and this one (`HistoryEvent.clockSetBack`).
        package internal(set) var clockSetBackBy: Int64?
    }

    /// The newest events, optionally only those that happened at or after a time. `since` filters the whole
    /// history: a commit made while the clock was set back does not hide older commits with later times. A reset's
    /// `ended` is found even when the apply it ended lies beyond `limit`, so a line does not depend on how many are
    /// shown.
    package func timeline(limit: Int?, since: Int64? = nil) throws -> [TimelineEntry] {
        var result: [TimelineEntry] = []
        var unresolved: [Int] = []
        var collecting = limit.map { $0 > 0 } ?? true
        // The entry shown just before, still waiting for the commit before it (for `clockSetBackBy`).
        var newer: Int?
        try store.walk { event in
            if let index = newer { result[index].clockSetBackBy = result[index].event.clockSetBack(since: event) }
            newer = nil
            let isApply = event.kind == .apply
            let isReset = event.kind?.isReset == true
            if isApply || isReset {
                for index in unresolved where isApply { result[index].ended = event.generation }
                unresolved = []
            }
            if collecting, since.map({ event.time >= $0 }) ?? true {
                result.append(TimelineEntry(event: event, ended: nil))
                newer = result.count - 1
                if isReset { unresolved.append(result.count - 1) }
                if let limit, result.count >= limit { collecting = false }
            }
            return collecting || !unresolved.isEmpty || newer != nil
        }
        return result
    }

    /// "Who changed this option, when, and was it live": each change with the generation that made it live, if any.
    package func optionStory(_ option: OptionPath, limit: Int?, since: Int64?) throws -> [(event: HistoryEvent, liveAs: Int?)] {
        var result: [(HistoryEvent, Int?)] = []
        // Walking newest first: the oldest apply seen since the last (newer) change is the one that made a change live.
        var applyAfter: Int?
        try store.walk { event in
            switch event.kind {
            case .apply?:
                applyAfter = event.generation
            case .rebuild?, .boot?:
                break
            default:
                let touched = event.options.contains { text in
                    guard let path = try? OptionPath(parsing: text) else { return false }
                    return path.hasPrefix(option) || option.hasPrefix(path)
                }
                guard touched || event.kind == .`import` || event.kind == .`init` else { return true }
                // A filter over the whole history, as for `timeline`. A change left out still ends what the apply
                // after it made live, so an older change shown is not said to be live as that generation.
                if let since, event.time < since {
                    applyAfter = nil
                    return true
                }
                result.append((event, applyAfter))
                applyAfter = nil
            }
            return limit.map { result.count < $0 } ?? true
        }
        // A typo must not look like an option nobody ever changed: with a manifest, an undeclared option
        // that no event ever touched is refused, naming the close ones.
        if let manifest = try manifest(), manifest.option(covering: option) == nil,
            !result.contains(where: { $0.0.kind != .`init` && $0.0.kind != .`import` })
        {
            throw DynixError.unknownOption(option.description, suggestions: manifest.suggestions(for: option))
        }
        return result
    }
}
