import ArgumentParser
import DynixHistory

struct FleetLiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "live",
        abstract: "What was live on each host at TIME, by the rules of `dynix show --at` on the host.",
        discussion:
            "A generation, the static configuration (after a switch, a boot or a restored failure), unknown (a failed apply whose restore failed), or absent (before the host's history here starts)."
    )

    @OptionGroup var options: CentralOptions

    @Option(help: ArgumentHelp("The moment, in every form `log --since` takes (@EPOCH included).", valueName: "TIME"))
    var at: PointInTime

    @Option(name: .customLong("host"), help: ArgumentHelp("Only this host (repeatable; default: every host).", valueName: "HOST"))
    var hosts: [String] = []

    @Flag(help: "Print JSON: {\"hosts\":[{\"host\":H,\"live\":{…}}]}, `live` shaped as `dynix status --json`'s.")
    var json = false

    func run() throws {
        try ErrorVoice.reporting {
            let central = try options.open()
            let states = try central.live(at: at.seconds, of: try central.hosts(named: hosts))
            if json {
                try JSONOutput.print(FleetLiveJSON(at: Formatting.isoTime(at.seconds), hosts: states.map { .init(host: $0.host.text, live: .init($0.live)) }))
                return
            }
            let width = states.map(\.host.text.count).max() ?? 0
            Terminal.page(states.map { "\($0.host.text.padded(width))  \(FleetText.live($0.live))" })
        }
    }
}

struct FleetStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Per host: the head, what is live, generations, accepted pushes and when the last one arrived; who is stale or skewed.")

    @OptionGroup var options: CentralOptions

    @Flag(help: "Print JSON.")
    var json = false

    @Flag(help: "Print Prometheus text: dynix_fleet_last_received_timestamp_seconds{host=\"H\"}, and the stale and clock-skew flags.")
    var prometheus = false

    @Option(help: ArgumentHelp("A host not heard from for this long is stale (default: 3600).", valueName: "SECONDS"))
    var staleAfter: Int64 = 3600

    func validate() throws {
        if json && prometheus { throw ValidationError("give one of --json and --prometheus") }
        if staleAfter < 1 { throw ValidationError("--stale-after must be at least 1") }
    }

    func run() throws {
        try ErrorVoice.reporting {
            let central = try options.open()
            let now = Clock.now()
            let rows = try central.overview(of: try central.hosts(named: [])).map { FleetStatusJSON.Host($0, now: now, staleAfter: staleAfter) }
            if json { return try JSONOutput.print(FleetStatusJSON(hosts: rows)) }
            if prometheus { return Terminal.out(FleetText.prometheus(rows), terminator: "") }
            let width = rows.map(\.host.count).max() ?? 0
            Terminal.page(
                rows.map { row in
                    var flags: [String] = []
                    if row.stale { flags.append(Terminal.yellow("stale")) }
                    if row.clockSkew { flags.append(Terminal.yellow("clock skew: its newest event is later than its last receipt")) }
                    let head = row.head.map { String($0.prefix(7)) } ?? "-------"
                    return "\(row.host.padded(width))  \(head)  \(FleetText.live(row.liveState))  "
                        + "\(counted(row.generations, "generation", "generations")), \(counted(row.pushes, "push", "pushes"))"
                        + (row.received.map { ", last \($0)" } ?? ", never heard from") + (flags.isEmpty ? "" : "  " + flags.joined(separator: "; "))
                })
        }
    }
}

struct FleetTimelineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "timeline",
        abstract: "One self-contained page: a row per host, a bar per interval of what was live, a mark per accepted push.")

    @OptionGroup var options: CentralOptions

    @Flag(help: "Write the HTML page (the only form for now).")
    var html = false

    @Option(help: ArgumentHelp("From DATE (as log --since takes it); default: the first event of any host.", valueName: "DATE"))
    var since: PointInTime?

    @Option(help: ArgumentHelp("Until DATE; default: now.", valueName: "DATE"))
    var until: PointInTime?

    @Option(name: .shortAndLong, help: ArgumentHelp("Write to FILE instead of standard output.", valueName: "FILE"))
    var output: String?

    func validate() throws {
        if !html { throw ValidationError("give --html") }
        if let since, let until, until.seconds < since.seconds { throw ValidationError("--until is before --since") }
    }

    func run() throws {
        try ErrorVoice.reporting {
            let central = try options.open()
            let rows = try central.timelines(of: try central.hosts(named: []), since: since?.seconds, until: until?.seconds)
            let page = FleetTimelinePicture(rows: rows, until: until?.seconds ?? Clock.now(), since: since?.seconds).html()
            if let output { try TimelineCommand.write(page, to: output) } else { Terminal.out(page, terminator: "") }
        }
    }
}

/// Words shared by the fleet's reading commands.
enum FleetText {
    static func live(_ live: ConfigHistory.LiveState?) -> String {
        guard let live else { return Terminal.dim("absent") }
        switch live {
        case .generation(let g): return Terminal.green("gen \(g.number)") + " since \(Formatting.time(g.event.time))"
        case .reset(let e): return "static (\(e.kind?.rawValue ?? "reset") \(Formatting.time(e.time)))"
        case .unknown(let e): return Terminal.red("UNKNOWN") + " (failed apply \(Formatting.time(e.time)))"
        case .rebooted(let g): return "static (rebooted since gen \(g.number))"
        case .resetSpooled(let e): return "static (reset \(Formatting.time(e.time)))"
        case .nothing: return "static (no generation yet)"
        }
    }

    static func prometheus(_ rows: [FleetStatusJSON.Host]) -> String {
        // A host never heard from says 0: `time() - x > age` alerts on it as on any stale host.
        var text = "# HELP dynix_fleet_last_received_timestamp_seconds When the central side last accepted a push from the host (0: never).\n"
        text += "# TYPE dynix_fleet_last_received_timestamp_seconds gauge\n"
        for row in rows { text += "dynix_fleet_last_received_timestamp_seconds{host=\"\(row.host)\"} \(row.receivedSeconds ?? 0)\n" }
        text += "# HELP dynix_fleet_generations Dynamic generations of the host's history held centrally.\n# TYPE dynix_fleet_generations gauge\n"
        for row in rows { text += "dynix_fleet_generations{host=\"\(row.host)\"} \(row.generations)\n" }
        text += "# HELP dynix_fleet_stale 1 when the host was not heard from for the set age.\n# TYPE dynix_fleet_stale gauge\n"
        for row in rows { text += "dynix_fleet_stale{host=\"\(row.host)\"} \(row.stale ? 1 : 0)\n" }
        text += "# HELP dynix_fleet_clock_skew 1 when the host's newest event is later than its last receipt.\n# TYPE dynix_fleet_clock_skew gauge\n"
        for row in rows { text += "dynix_fleet_clock_skew{host=\"\(row.host)\"} \(row.clockSkew ? 1 : 0)\n" }
        return text
    }
}

struct FleetLiveJSON: Encodable {
    struct Host: Encodable {
        let host: String
        let live: FleetLive
    }

    let schemaVersion = JSONOutput.schemaVersion
    let at: String
    let hosts: [Host]
}

/// `status --json`'s `live`, or `{"state": "absent"}` before a host's history starts.
struct FleetLive: Encodable {
    let state: StatusJSON.Live?

    init(_ live: ConfigHistory.LiveState?) { state = live.map { StatusJSON.Live($0) } }

    func encode(to encoder: Encoder) throws {
        if let state { return try state.encode(to: encoder) }
        var container = encoder.singleValueContainer()
        try container.encode(["state": "absent"])
    }
}

struct FleetStatusJSON: Encodable {
    struct Host: Encodable {
        let host: String
        let head: String?
        let live: FleetLive
        let generations: Int
        let pushes: Int
        let received: String?
        let stale: Bool
        let clockSkew: Bool

        let liveState: ConfigHistory.LiveState?
        let receivedSeconds: Int64?

        enum CodingKeys: String, CodingKey { case host, head, live, generations, pushes, received, stale, clockSkew }

        /// Every key, `head` and `received` null for a host not heard from yet: readers index them by name.
        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(host, forKey: .host)
            try container.encode(head, forKey: .head)
            try container.encode(live, forKey: .live)
            try container.encode(generations, forKey: .generations)
            try container.encode(pushes, forKey: .pushes)
            try container.encode(received, forKey: .received)
            try container.encode(stale, forKey: .stale)
            try container.encode(clockSkew, forKey: .clockSkew)
        }

        init(_ overview: CentralRepository.HostOverview, now: Int64, staleAfter: Int64) {
            host = overview.host.text
            head = overview.head?.hex
            live = FleetLive(overview.live)
            liveState = overview.live
            generations = overview.generations
            pushes = overview.receipts.count
            receivedSeconds = overview.receipts.last?.received
            received = receivedSeconds.map(Formatting.isoTime)
            stale = receivedSeconds.map { now - $0 > staleAfter } ?? true
            if let newest = overview.newestEvent, let received = receivedSeconds {
                clockSkew = newest > received
            } else {
                clockSkew = false
            }
        }
    }

    let schemaVersion = JSONOutput.schemaVersion
    let hosts: [Host]
}
