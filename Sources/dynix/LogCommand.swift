import ArgumentParser
import DynixHistory

struct LogCommand: ReadingCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "The timeline, newest first: appends, generations, resets.",
        discussion: "As with git: `dynix log -3` shows three events; --oneline, -p, --date=relative|iso."
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .short, help: "Show at most N events (also -N).")
    var n: Int?

    @Option(
        help: ArgumentHelp("Only events that touched this option, each with the generation that made it live.", valueName: "PATH"),
        completion: .custom(Completions.optionPaths))
    var option: OptionPath?

    @Option(
        help: ArgumentHelp(
            "Only events at or after DATE (2026-11-24, '2026-11-24 14:03', '3 days ago', @EPOCH, 2026-11-24T14:03:05+01:00, now).", valueName: "DATE"))
    var since: PointInTime?

    @Option(
        help: ArgumentHelp(
            "The events around TIME (-n on each side, 5 by default), the one that made TIME's state live marked (TIME as --since takes it).",
            valueName: "TIME"))
    var at: PointInTime?

    @Flag(help: "One line per event: the commit and the subject.")
    var oneline = LogRequest().oneline

    @Flag(name: [.customShort("p"), .long], help: "Show the change each event made to the dynamic file.")
    var patch = LogRequest().patch

    @Option(help: ArgumentHelp("How times are shown: default, relative or iso.", valueName: "STYLE"))
    var date: DateStyle = LogRequest().date

    @Flag(help: "Print JSON.")
    var json = LogRequest().json

    @Option(help: ArgumentHelp("Read HOST's history from this central repository (with --host).", valueName: "DIR"), completion: .directory)
    var central: String?

    @Option(help: ArgumentHelp("The host whose history --central reads.", valueName: "HOST"))
    var host: String?

    var request: LogRequest {
        LogRequest(n: n, option: option, since: since, at: at, oneline: oneline, patch: patch, date: date, json: json)
    }

    func validate() throws {
        try request.validate()
        if (central == nil) != (host == nil) { throw ValidationError("--central and --host go together") }
    }

    /// With --central, the host's history as the central repository holds it, read by the same code.
    func run() throws {
        try ErrorVoice.reporting {
            guard let central, let host else { return try run(try global.openHistory()) }
            try run(try ConfigHistory.openCentral(try CentralRepository.open(central), host: try HostName(host)))
        }
    }

    func run(_ history: ConfigHistory) throws { try request.run(history) }
}

/// What `dynix log` was asked, whichever parser read it (`LogCommand`, `FastPath`); the defaults are these.
struct LogRequest: Equatable {
    var n: Int?
    var option: OptionPath?
    var since: PointInTime?
    var at: PointInTime?
    var oneline = false
    var patch = false
    var date = DateStyle.default
    var json = false

    func validate() throws {
        if let n, n < 0 { throw ValidationError("-n must not be negative") }
        if at != nil && (option != nil || since != nil) { throw ValidationError("--at goes without --option and --since") }
    }

    func run(_ history: ConfigHistory) throws {
        let entries: [(event: HistoryEvent, ended: Int?, liveAs: Int?, story: Bool, clockSetBackBy: Int64?)]
        var madeLive: ObjectID?
        if let at {
            let around = try history.timeline(around: at.seconds, count: n ?? 5)
            madeLive = around.madeLive
            entries = around.entries.map { ($0.event, $0.ended, nil, false, $0.clockSetBackBy) }
        } else if let option {
            entries = try history.optionStory(option, limit: n, since: since?.seconds).map { ($0.event, nil, $0.liveAs, true, nil) }
        } else {
            entries = try history.timeline(limit: n, since: since?.seconds).map { ($0.event, $0.ended, nil, false, $0.clockSetBackBy) }
        }
        if json {
            var document = LogJSON(
                option: option?.description,
                events: entries.map { EventJSON($0.event, ended: $0.ended, liveAs: $0.liveAs, clockSetBackBy: $0.clockSetBackBy) })
            document.at = at.map { Formatting.isoTime($0.seconds) }
            document.madeLive = madeLive?.hex
            try JSONOutput.print(document)
            return
        }
        var lines: [String] = []
        var markedTime = false
        for entry in entries {
            if let at, !markedTime, entry.event.time <= at.seconds {
                lines.append(Terminal.yellow("-------- \(Formatting.time(at.seconds)) --------"))
                markedTime = true
            }
            var line = oneline ? "\(Terminal.cyan(entry.event.commit.short)) \(entry.event.subject)" : line(entry.event, ended: entry.ended)
            if entry.story {
                line += "  [" + (entry.liveAs.map { Terminal.green("live as gen \($0)") } ?? Terminal.dim("never live")) + "]"
            }
            if let madeLive, entry.event.commit == madeLive, let at {
                line += "  " + Terminal.yellow("<- what was live at \(Formatting.time(at.seconds))")
            }
            if let back = entry.clockSetBackBy {
                line += "  " + Terminal.yellow("[the clock was set back \(Formatting.duration(back)) before this commit]")
            }
            lines.append(line)
            if patch, entry.event.changesFile {
                lines += try history.patch(introducedBy: entry.event.commit).split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { text in
                    text.hasPrefix("+") && !text.hasPrefix("+++")
                        ? Terminal.green(String(text)) : text.hasPrefix("-") && !text.hasPrefix("---") ? Terminal.red(String(text)) : String(text)
                }
                lines.append("")
            }
        }
        Terminal.page(lines)
    }

    func line(_ event: HistoryEvent, ended: Int?) -> String {
        let time = date.format(event.time)
        let user = event.user.padded(6)
        switch event.kind {
        case .apply?:
            let label = Terminal.green("gen \(event.generation ?? 0)".padded(8))
            let rollback = event.rollbackOf.map { ", rollback to generation \($0)" } ?? ""
            return "\(label) \(time)  \(user) apply on static \(event.staticGeneration.map(String.init) ?? "?")\(rollback)"
        case .rebuild?, .boot?:
            let label = Terminal.yellow((event.kind?.rawValue ?? "reset").padded(8))
            return "\(label) \(time)  \("".padded(6)) \(event.subject)" + (ended.map { "; generation \($0) no longer live" } ?? "")
        case .applyFailed?:
            return "\(Terminal.red("failed".padded(8))) \(time)  \(user) \(event.subject)"
        default:
            var text = event.subject
            let options = event.trailers.all(.option)
            let values = event.trailers.all(.value)
            if event.kind == .append, !options.isEmpty, options.count == values.count {
                let generated = zip(options, values).map { "set \($0) = \($1)" }.joined(separator: ", ")
                text = text == generated ? generated : "\(generated): \(text)"
            }
            return "\(Terminal.cyan(event.commit.short.padded(8))) \(time)  \(user) \(text)"
        }
    }
}
