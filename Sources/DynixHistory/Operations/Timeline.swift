/// Reading the history as a timeline: generations, resets, and what was live when.
extension ConfigHistory {
    public struct Generation: Sendable {
        public let number: Int
        public let event: HistoryEvent
        public var commit: ObjectID { event.commit }
    }

    /// What is live now: the last apply, unless a rebuild or boot came after it (or the machine booted since).
    public enum LiveState: Sendable {
        case generation(Generation)
        case reset(HistoryEvent)
        case rebooted(since: Generation)
        case nothing
    }

    public func generation(_ number: Int) throws -> Generation {
        guard let tag = try store.generationTags().first(where: { $0.number == number }) else { throw DynixError.noSuchGeneration(number) }
        return Generation(number: number, event: try event(tag.commit))
    }

    public func generations() throws -> [Generation] {
        try store.generationTags().map { Generation(number: $0.number, event: try event($0.commit)) }
    }

    func event(_ id: ObjectID) throws -> HistoryEvent {
        HistoryEvent(try store.commit(id), changesFile: false)
    }

    public func liveState() throws -> LiveState {
        var result = LiveState.nothing
        try store.walk { event in
            switch event.kind {
            case .apply?:
                let generation = Generation(number: event.generation ?? 0, event: event)
                let boot = currentBootID()
                if let recorded = event.bootID, let boot, recorded != boot {
                    result = .rebooted(since: generation)
                } else {
                    result = .generation(generation)
                }
                return false
            case .rebuild?, .boot?:
                result = .reset(event)
                return false
            default:
                return true
            }
        }
        return result
    }

    /// The live generation, if any.
    public func liveGeneration() throws -> Generation? {
        if case .generation(let generation) = try liveState() { return generation }
        return nil
    }

    /// The newest events, optionally only those that touched an option (prefix match either way) or came after a time.
    public func events(limit: Int?, option: OptionPath? = nil, since: Int64? = nil) throws -> [HistoryEvent] {
        var result: [HistoryEvent] = []
        try store.walk { event in
            if let since, event.time < since { return false }
            if let option, !ConfigHistory.touches(event, option) { return true }
            result.append(event)
            return limit.map { result.count < $0 } ?? true
        }
        return result
    }

    static func touches(_ event: HistoryEvent, _ option: OptionPath) -> Bool {
        if event.kind == .apply || event.kind == .rebuild || event.kind == .boot || event.kind == .rollback || event.kind == .`import` || event.kind == .checkpoint {
            // Events that change every option at once (or make them live) matter to each option's story.
            return event.kind != .checkpoint
        }
        return event.options.contains { text in
            guard let path = try? OptionPath(parsing: text) else { return false }
            return path.hasPrefix(option) || option.hasPrefix(path)
        }
    }

    /// "Who changed this option, when, and was it live": each change with the generation that made it live, if any.
    public func optionStory(_ option: OptionPath, limit: Int?, since: Int64?) throws -> [(event: HistoryEvent, liveAs: Int?)] {
        var result: [(HistoryEvent, Int?)] = []
        // Walking newest first: the oldest apply seen since the last (newer) change is the one that made a change live.
        var applyAfter: Int?
        var resetAfter = false
        try store.walk { event in
            if let since, event.time < since { return false }
            switch event.kind {
            case .apply?:
                applyAfter = event.generation
                resetAfter = false
            case .rebuild?, .boot?:
                resetAfter = true
            default:
                let touched = event.options.contains { text in
                    guard let path = try? OptionPath(parsing: text) else { return false }
                    return path.hasPrefix(option) || option.hasPrefix(path)
                }
                guard touched || event.kind == .`import` || event.kind == .`init` else { return true }
                result.append((event, applyAfter))
                _ = resetAfter
                applyAfter = nil
            }
            return limit.map { result.count < $0 } ?? true
        }
        return result
    }
}
