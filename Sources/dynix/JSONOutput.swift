import DynixHistory

/// Every `--json` output, defined once (README "JSON output" documents it). Rules: each document is
/// an object with `schemaVersion`; generations are integers; times are ISO 8601 strings with the
/// offset; option types are the manifest's form; a value that is not set has `"set": false` and no
/// `value` key (so `"value": null` always means the Nix value null).
enum JSONOutput {
    static let schemaVersion = 1

    static func print(_ document: some Encodable) throws {
        Terminal.write(Array((JSON.serialize(try ValueEncoder.encode(document), pretty: true) + "\n").utf8), toStandardError: false)
    }
}

/// A named state: `{"kind": "generation", "generation": 3}`, `{"kind": "live"}`, `pending`, `static`, `file`.
struct StateJSON: Encodable {
    let kind: String
    let generation: Int?
    /// For `live-at`: the moment asked about.
    var at: String? = nil

    init(_ state: ConfigHistory.StateName) {
        switch state {
        case .live: (kind, generation) = ("live", nil)
        case .pending: (kind, generation) = ("pending", nil)
        case .staticOnly: (kind, generation) = ("static", nil)
        case .working: (kind, generation) = ("file", nil)
        case .generation(let n): (kind, generation) = ("generation", n)
        case .liveAt(let time): (kind, generation, at) = ("live-at", nil, Formatting.isoTime(time))
        }
    }
}

/// One side of an option: set dynamically, or the static value (which may itself be unknown: unset).
struct ValueJSON: Encodable {
    let set: Bool
    let value: NixValue?
    let isStatic: Bool

    enum CodingKeys: String, CodingKey {
        case set, value
        case isStatic = "static"
    }

    init(_ side: OptionChange.Side) {
        switch side {
        case .dynamic(let v): (set, value, isStatic) = (true, v, false)
        case .staticValue(let v): (set, value, isStatic) = (v != nil, v, true)
        }
    }

    init(dynamic value: NixValue?) {
        (set, self.value, isStatic) = (value != nil, value, false)
    }

    init(staticValue value: NixValue?) {
        (set, self.value, isStatic) = (value != nil, value, true)
    }
}

struct ChangeJSON: Encodable {
    let option: String
    let from: ValueJSON
    let to: ValueJSON

    init(_ change: OptionChange) {
        option = change.option.description
        from = ValueJSON(change.from)
        to = ValueJSON(change.to)
    }
}

struct EventJSON: Encodable {
    let commit: String
    let event: String
    let time: String
    let recorded: String
    let user: String
    let subject: String
    let body: String
    let generation: Int?
    let staticGeneration: Int?
    let rollbackOf: Int?
    /// For a rebuild or boot: the generation it ended, when one was live.
    let ended: Int?
    /// For `log --option`: the generation that made this change live, if one did.
    let liveAs: Int?
    /// Seconds the clock went back since the commit before this one.
    let clockSetBackBy: Int64?
    let options: [String]
    let trailers: [String: [String]]

    init(_ event: HistoryEvent, ended: Int? = nil, liveAs: Int? = nil, clockSetBackBy: Int64? = nil) {
        commit = event.commit.hex
        self.event = event.kind?.rawValue ?? "foreign"
        time = Formatting.isoTime(event.time)
        recorded = Formatting.isoTime(event.recordedAt)
        user = event.user
        subject = event.subject
        body = event.body
        generation = event.generation
        staticGeneration = event.staticGeneration
        rollbackOf = event.rollbackOf
        self.ended = ended
        self.liveAs = liveAs
        self.clockSetBackBy = clockSetBackBy
        options = event.options
        trailers = Dictionary(grouping: event.trailers.pairs, by: \.key).mapValues { $0.map(\.value) }
    }
}

struct LogJSON: Encodable {
    let schemaVersion = JSONOutput.schemaVersion
    let option: String?
    let events: [EventJSON]
    /// For `log --at`: the moment, and the commit of the event that made its state live.
    var at: String? = nil
    var madeLive: String? = nil
}

struct GenerationJSON: Encodable {
    let generation: Int
    let time: String
    let staticGeneration: Int?
    let user: String
    let commit: String
    let appliedCommit: String?
    let subject: String
    let rollbackOf: Int?
    let live: Bool
}

struct GenerationsJSON: Encodable {
    let schemaVersion = JSONOutput.schemaVersion
    let generations: [GenerationJSON]
}

struct ShowJSON: Encodable {
    let schemaVersion = JSONOutput.schemaVersion
    let state: StateJSON
    /// The effective dynamic value of every option set in this state.
    let values: [String: NixValue]
    let changes: [ChangeJSON]
    /// For `show --at`: what was live then, as `status --json` says it of now, and the static generation then.
    var live: StatusJSON.Live? = nil
    var staticGeneration: Int? = nil

    /// The values are the dynamic sides of `changes` (against the static configuration).
    init(_ state: ConfigHistory.StateName, changes: [OptionChange]) {
        self.state = StateJSON(state)
        values = Dictionary(
            uniqueKeysWithValues: changes.compactMap { change in change.to.isDynamic ? (change.option.description, change.to.value ?? .null) : nil })
        self.changes = changes.map(ChangeJSON.init)
    }
}

struct DiffJSON: Encodable {
    let schemaVersion = JSONOutput.schemaVersion
    let from: StateJSON
    let to: StateJSON
    let changes: [ChangeJSON]?
    let patch: String?
}

struct OptionJSON: Encodable {
    let option: String
    let type: NixValue
    let min: Int64?
    let max: Int64?
    let description: String
    let staticValue: ValueJSON
    let live: ValueJSON
    let pending: ValueJSON

    enum CodingKeys: String, CodingKey {
        case option, type, min, max, description
        case staticValue = "static"
        case live, pending
    }
}

struct OptionsJSON: Encodable {
    let schemaVersion = JSONOutput.schemaVersion
    let options: [OptionJSON]
}

struct StatusJSON: Encodable {
    struct Live: Encodable {
        /// generation, rebuild, boot, apply-failed (the static configuration restored), rebooted, unknown, reset-spooled, none
        let state: String
        let generation: Int?
        let since: String?
        let user: String?
        /// For `rebooted`: the generation that was live before the boot.
        var lastGeneration: Int? = nil
        /// The commit of the event that made it live (for `show --at`).
        var event: String? = nil

        init(state: String, generation: Int?, since: String?, user: String?, lastGeneration: Int? = nil) {
            self.state = state
            self.generation = generation
            self.since = since
            self.user = user
            self.lastGeneration = lastGeneration
        }

        /// One mapping from the library's live state, for `status` (now) and `show --at` (then).
        init(_ live: ConfigHistory.LiveState, withEvent: Bool = false) {
            switch live {
            case .generation(let g): self.init(state: "generation", generation: g.number, since: Formatting.isoTime(g.event.time), user: g.event.user)
            case .reset(let e): self.init(state: e.kind?.rawValue ?? "reset", generation: nil, since: Formatting.isoTime(e.time), user: e.user)
            case .rebooted(let g): self.init(state: "rebooted", generation: nil, since: nil, user: nil, lastGeneration: g.number)
            case .unknown(let e): self.init(state: "unknown", generation: nil, since: Formatting.isoTime(e.time), user: e.user)
            case .resetSpooled(let e): self.init(state: "reset-spooled", generation: nil, since: Formatting.isoTime(e.time), user: e.user)
            case .nothing: self.init(state: "none", generation: nil, since: nil, user: nil)
            }
            if withEvent { event = live.event?.commit.hex }
        }
    }

    let schemaVersion = JSONOutput.schemaVersion
    let staticGeneration: Int?
    let staticSystem: String?
    let live: Live
    let head: String
    let pending: [ChangeJSON]
    let liveValues: [ChangeJSON]
    let drift: Bool
    let fileMissing: Bool
    let interruptedTransaction: Bool
    let spooledEvents: Int
    /// The last apply, when it failed and nothing came after it.
    let lastFailure: EventJSON?
    let staticDrift: StaticDrift?
    /// Generations whose `gen/N` tag is gone, with their apply commit when the history has it.
    let missingTags: [MissingTag]
    /// When a central side is configured: commits not pushed yet, and when the last push was acknowledged; null
    /// when none is (a reader tells "not configured" from a missing key of an older dynix).
    let central: Central

    struct Central: Encodable {
        let lag: (unpushed: Int, lastPush: String?)?

        enum CodingKeys: String, CodingKey { case unpushed, lastPush }

        func encode(to encoder: Encoder) throws {
            guard let lag else {
                var container = encoder.singleValueContainer()
                return try container.encodeNil()
            }
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(lag.unpushed, forKey: .unpushed)
            try container.encode(lag.lastPush, forKey: .lastPush)
        }
    }

    struct StaticDrift: Encodable {
        let built: String
        let running: String
    }

    struct MissingTag: Encodable {
        let generation: Int
        let commit: String?
    }
}

/// `dynix timeline --json`: what the picture draws, but the option lanes.
struct TimelineJSON: Encodable {
    struct Interval: Encodable {
        /// `gen:N`, `static` or `unknown`, as the page's `data-state`.
        let state: String
        let generation: Int?
        let from: String
        let to: String
        /// The commit of the event that began it (none for the start of the history or of the stretch asked for).
        let event: String?
    }

    struct StaticBand: Encodable {
        let staticGeneration: Int?
        let from: String
        let to: String
    }

    struct ClockStep: Encodable {
        let commit: String
        let seconds: Int64
    }

    let schemaVersion = JSONOutput.schemaVersion
    let from: String
    let to: String
    let intervals: [Interval]
    let staticGenerations: [StaticBand]
    let clockSteps: [ClockStep]

    init(_ timeline: ConfigHistory.LiveTimeline) {
        from = Formatting.isoTime(timeline.from)
        to = Formatting.isoTime(timeline.to)
        intervals = timeline.intervals.map { interval in
            var generation: Int?
            if case .generation(let n) = interval.state { generation = n }
            return Interval(
                state: interval.state.label, generation: generation, from: Formatting.isoTime(interval.from), to: Formatting.isoTime(interval.to),
                event: interval.event?.commit.hex)
        }
        staticGenerations = timeline.staticBands.map {
            StaticBand(staticGeneration: $0.generation, from: Formatting.isoTime($0.from), to: Formatting.isoTime($0.to))
        }
        clockSteps = timeline.clockSteps.map { ClockStep(commit: $0.event.commit.hex, seconds: $0.seconds) }
    }
}
