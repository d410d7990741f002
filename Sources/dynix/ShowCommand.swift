import ArgumentParser
import DynixHistory

struct ShowCommand: ReadingCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "The effective dynamic values of a generation (default: pending) beside the static values."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("A generation number, `live`, `pending`, `static` or `file` (the file on disk).", valueName: "GEN"))
    var state: ConfigHistory.StateName = .pending

    @Flag(name: .customLong("nix"), help: "Print the committed dynamic file itself.")
    var printFile = false

    @Option(
        help: ArgumentHelp(
            "What was live at TIME instead: the static generation, the dynamic one and the event that made it live, and the values (TIME as --since takes it).",
            valueName: "TIME"))
    var at: PointInTime?

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        if at != nil && state != .pending { throw ValidationError("give GEN or --at TIME, not both") }
    }

    func run(_ history: ConfigHistory) throws {
        if let at {
            try showMoment(history, at: at.seconds)
            return
        }
        if printFile {
            Terminal.out(try history.file(of: state)?.text ?? DynamicFile.rendering([]).text, terminator: "")
            return
        }
        let changes = try history.changes(from: .staticOnly, to: state)
        if json {
            try JSONOutput.print(ShowJSON(state, changes: changes))
            return
        }
        if changes.isEmpty {
            Terminal.out("\(state): no dynamic values; every option has its static value")
            return
        }
        Terminal.page(["\(state):"] + Formatting.changes(changes, indent: "  "))
    }

    /// `show --at TIME`: the state live then, from the history alone, and its values beside the static ones.
    func showMoment(_ history: ConfigHistory, at time: Int64) throws {
        let moment = try history.moment(at: time)
        let state = ConfigHistory.StateName.liveAt(time)
        var changes: [OptionChange] = []
        if case .unknown = moment.live {} else { changes = try history.changes(from: .staticOnly, to: state) }
        if printFile {
            Terminal.out(try history.file(of: state)?.text ?? DynamicFile.rendering([]).text, terminator: "")
            return
        }
        if json {
            var document = ShowJSON(state, changes: changes)
            document.live = StatusJSON.Live(moment.live, withEvent: true)
            document.staticGeneration = moment.staticGeneration
            try JSONOutput.print(document)
            return
        }
        let row = Formatting.row
        var lines = ["at \(Formatting.time(time)):"]
        lines.append(row("static generation", moment.staticGeneration.map(String.init) ?? "unknown"))
        switch moment.live {
        case .generation(let g):
            lines.append(row("dynamic generation", "\(g.number), live since \(Formatting.time(g.event.time)) (\(g.event.user), \(g.event.subject))"))
        case .reset(let event):
            lines.append(row("dynamic generation", "none: the static configuration since \(Formatting.time(event.time)) (\(event.subject))"))
        case .unknown(let event):
            lines.append(Terminal.red(row("dynamic generation", "UNKNOWN since \(Formatting.time(event.time)): \(event.subject)")))
        case .nothing, .rebooted, .resetSpooled:
            lines.append(row("dynamic generation", "none yet"))
        }
        if case .unknown = moment.live {
            lines.append(row("values", "unknown: what ran depends on how far the failed apply got"))
        } else if changes.isEmpty {
            lines.append(row("values", "every option had its static value"))
        } else {
            lines += Formatting.changes(changes, indent: "  ")
        }
        Terminal.page(lines)
    }
}
