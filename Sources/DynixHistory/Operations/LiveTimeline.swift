/// What was live over a stretch of time, for `dynix timeline`: the static generations, the intervals of the dynamic
/// state, every event, and each option that was ever dynamic with its live value over time. At every moment the
/// state is the one `show --at` gives (Moment.swift); where the clock was set back, the step is listed.
extension ConfigHistory {
    package struct LiveTimeline: Sendable {
        package enum State: Equatable, Sendable {
            case generation(Int)
            /// The static configuration: no dynamic generation yet, or since a switch, a boot or a restored failure.
            case staticConfiguration
            /// A failed apply whose restore failed too.
            case unknown

            /// `gen:N`, `static` or `unknown` (the page's `data-state`).
            package var label: String {
                switch self {
                case .generation(let n): return "gen:\(n)"
                case .staticConfiguration: return "static"
                case .unknown: return "unknown"
                }
            }
        }

        package struct Interval: Sendable {
            package let state: State
            package let from: Int64
            package let to: Int64
            /// The event that began it (nil: the start of the history, or of the stretch asked for).
            package let event: HistoryEvent?
        }

        package struct StaticBand: Sendable {
            package let generation: Int?
            package let from: Int64
            package let to: Int64
        }

        /// One option's live value over an interval: dynamic (with the generation), or its static value. A
        /// generation live for less than the `detail` asked for is not read (`resolved` false): at that scale its
        /// values could not be told apart anyway, and reading each would cost a parse of the file it had.
        package struct Segment: Sendable {
            package let value: NixValue?
            package let isStatic: Bool
            package let generation: Int?
            package let from: Int64
            package let to: Int64
            package var resolved = true
        }

        package let from: Int64
        package let to: Int64
        package let intervals: [Interval]
        package let staticBands: [StaticBand]
        /// Every commit in the stretch, oldest first (commit order).
        package let events: [HistoryEvent]
        package let lanes: [(option: String, segments: [Segment])]
        /// Where the clock was set back: the commit made after the step, and by how many seconds.
        package let clockSteps: [(event: HistoryEvent, seconds: Int64)]
    }

    /// The timeline from `since` (default: the first commit) to `until` (default: now). `detail`, given the
    /// stretch's length: the shortest generation whose values the option lanes show, in seconds (nil: no lanes).
    package func liveTimeline(since: Int64? = nil, until: Int64? = nil, detail: ((_ span: Int64) -> Int64)? = nil) throws -> LiveTimeline {
        var all: [HistoryEvent] = []
        try store.walk { event in
            all.append(event)
            return true
        }
        all.reverse()
        let end = until ?? Clock.now()
        let start = since ?? all.map(\.time).min() ?? end
        // What was live after each commit, in commit order, and the event that made it live.
        var after: [(state: LiveTimeline.State, event: HistoryEvent?)] = []
        var steps: [(event: HistoryEvent, seconds: Int64)] = []
        var current: (state: LiveTimeline.State, event: HistoryEvent?) = (.staticConfiguration, nil)
        for (index, event) in all.enumerated() {
            if index > 0, let seconds = event.clockSetBack(since: all[index - 1]), event.time >= start, event.time <= end {
                steps.append((event, seconds))
            }
            if event.isLivenessEvent {
                switch LiveState(madeBy: event) {
                case .generation(let generation): current = (.generation(generation.number), event)
                case .unknown: current = (.unknown, event)
                default: current = (.staticConfiguration, event)
                }
            }
            after.append(current)
        }
        // At each moment, what `show --at` says: the state after the newest commit, in commit order, made at or
        // before it. That commit only moves forward as time does, so a sweep over the commits by time gives each
        // interval; a commit made with the clock set back answers for the times it claims, as in `show --at`.
        var intervals: [LiveTimeline.Interval] = []
        var bands: [LiveTimeline.StaticBand] = []
        var newest = -1
        var open: (state: LiveTimeline.State, event: HistoryEvent?, from: Int64)?
        var band: (generation: Int?, from: Int64)?
        for index in all.indices.sorted(by: { (all[$0].time, $0) < (all[$1].time, $1) }) {
            guard index > newest else { continue }
            newest = index
            let at = all[index].time
            let now = after[index]
            if open == nil || open!.state != now.state || open!.event?.commit != now.event?.commit {
                if let open, open.from < at { intervals.append(.init(state: open.state, from: open.from, to: at, event: open.event)) }
                open = (now.state, now.event, at)
            }
            let generation = all[index].staticGeneration ?? band?.generation
            if band == nil || band!.generation != generation {
                if let band, band.from < at { bands.append(.init(generation: band.generation, from: band.from, to: at)) }
                band = (generation, at)
            }
        }
        if let open { intervals.append(.init(state: open.state, from: open.from, to: max(open.from, end), event: open.event)) }
        if let band { bands.append(.init(generation: band.generation, from: band.from, to: max(band.from, end))) }
        // Within [start, end] only.
        intervals = intervals.compactMap { item in
            guard item.to > start || (item.to == start && item.from == start), item.from <= end else { return nil }
            return .init(state: item.state, from: max(item.from, start), to: min(item.to, end), event: item.event)
        }
        bands = bands.compactMap { item in
            guard item.to > start || item.from >= start, item.from <= end else { return nil }
            return .init(generation: item.generation, from: max(item.from, start), to: min(item.to, end))
        }
        let shown = all.filter { $0.time >= start && $0.time <= end }
        return LiveTimeline(
            from: start, to: end, intervals: intervals, staticBands: bands, events: shown,
            lanes: try detail.map { try lanes(intervals, detail: $0(end - start)) } ?? [], clockSteps: steps)
    }

    /// Each option set in any generation of `intervals`, with its value in each interval (consecutive equal ones merged).
    private func lanes(_ intervals: [LiveTimeline.Interval], detail: Int64) throws -> [(option: String, segments: [LiveTimeline.Segment])] {
        let manifest = try manifest()
        var values: [Int: [String: OptionChange]] = [:]
        // The last generation is always read, so the lanes name the options even when every generation is narrow.
        let last = intervals.lastIndex { if case .generation = $0.state { return true } else { return false } }
        for (index, interval) in intervals.enumerated() where interval.to - interval.from >= detail || index == last {
            guard case .generation(let number) = interval.state, values[number] == nil, let event = interval.event else { continue }
            let changes = OptionChange.between(EffectiveValues(entries: []), try effective(atCommit: event.commit), manifest: manifest)
            values[number] = Dictionary(changes.map { ($0.option.description, $0) }, uniquingKeysWith: { first, _ in first })
        }
        var statics: [String: NixValue?] = [:]
        for changes in values.values {
            for (option, change) in changes { statics[option] = change.from.value }
        }
        return statics.keys.sorted().map { option in
            var segments: [LiveTimeline.Segment] = []
            for interval in intervals {
                var segment = LiveTimeline.Segment(
                    value: statics[option] ?? nil, isStatic: true, generation: nil, from: interval.from, to: interval.to)
                switch interval.state {
                case .generation(let number):
                    if values[number] == nil {
                        segment = .init(value: nil, isStatic: false, generation: number, from: interval.from, to: interval.to, resolved: false)
                    } else if let change = values[number]?[option], change.to.isDynamic {
                        segment = .init(value: change.to.value, isStatic: false, generation: number, from: interval.from, to: interval.to)
                    }
                case .unknown:
                    segment = .init(value: nil, isStatic: false, generation: nil, from: interval.from, to: interval.to)
                case .staticConfiguration:
                    break
                }
                if let last = segments.last, last.resolved, segment.resolved, last.value == segment.value, last.isStatic == segment.isStatic,
                    last.to == segment.from, segment.generation == nil || last.generation != nil
                {
                    segments[segments.count - 1] = .init(
                        value: last.value, isStatic: last.isStatic, generation: last.generation, from: last.from, to: segment.to)
                } else {
                    segments.append(segment)
                }
            }
            return (option, segments)
        }
    }
}
