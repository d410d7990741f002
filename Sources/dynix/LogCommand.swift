import ArgumentParser
import DynixHistory

struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "The timeline, newest first: appends, generations, resets."
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .short, help: "Show at most N events.")
    var n: Int?

    @Option(help: ArgumentHelp("Only events that touched this option, each with the generation that made it live.", valueName: "PATH"))
    var option: String?

    @Option(help: ArgumentHelp("Only events after DATE (2026-11-24, '2026-11-24 14:03', '3 days ago', @EPOCH).", valueName: "DATE"))
    var since: String?

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        if let n, n < 0 { throw ValidationError("-n must not be negative") }
        if let since, Formatting.parseDate(since) == nil { throw ValidationError("cannot read the date '\(since)'") }
        if let option, (try? OptionPath(parsing: option)) == nil { throw ValidationError("'\(option)' is not an option path") }
    }

    func run() throws {
        try reportingErrors {
            let history = try global.openHistory()
            let optionPath = try option.map { try OptionPath(parsing: $0) }
            let sinceTime = since.flatMap { Formatting.parseDate($0) }
            if let optionPath {
                let story = try history.optionStory(optionPath, limit: n, since: sinceTime)
                if json {
                    print(JSON.serialize(.list(story.map { item in
                        var value = LogCommand.json(item.event)
                        if case .attrs(var set) = value { set["liveAs"] = item.liveAs.map { .int(Int64($0)) } ?? .null; value = .attrs(set) }
                        return value
                    }), pretty: true))
                    return
                }
                Terminal.page(story.map { item in
                    let live = item.liveAs.map { Terminal.green("live as gen \($0)") } ?? Terminal.dim("never live")
                    return LogCommand.line(item.event, resetNote: nil) + "  [\(live)]"
                })
                return
            }
            let events = try history.events(limit: n, since: sinceTime)
            if json { print(JSON.serialize(.list(events.map(LogCommand.json)), pretty: true)); return }
            var lines: [String] = []
            for (index, event) in events.enumerated() {
                var note: String?
                if event.kind?.isReset == true {
                    // The generation a reset ended: the nearest older apply, unless another reset came first.
                    if let older = events[(index + 1)...].first(where: { $0.kind == .apply || $0.kind?.isReset == true }), older.kind == .apply {
                        note = "generation \(older.generation ?? 0) no longer live"
                    }
                }
                lines.append(LogCommand.line(event, resetNote: note))
            }
            Terminal.page(lines)
        }
    }

    static func line(_ event: HistoryEvent, resetNote: String?) -> String {
        let time = Formatting.time(event.time)
        let user = event.user.padded(6)
        switch event.kind {
        case .apply?:
            let label = Terminal.green("gen \(event.generation ?? 0)".padded(8))
            let rollback = event.rollbackOf.map { ", rollback to generation \($0)" } ?? ""
            return "\(label) \(time)  \(user) apply on static \(event.staticGeneration.map(String.init) ?? "?")\(rollback)"
        case .rebuild?, .boot?:
            let label = Terminal.yellow((event.kind == .boot ? "boot" : "reset").padded(8))
            return "\(label) \(time)  \("".padded(6)) \(event.subject)" + (resetNote.map { "; " + $0 } ?? "")
        case .applyFailed?:
            return "\(Terminal.red("failed".padded(8))) \(time)  \(user) \(event.subject)"
        default:
            var text = event.subject
            if let option = event.trailers["Dynix-Option"], let value = event.trailers["Dynix-Value"], event.kind == .append {
                let generated = "set \(option) = \(value)"
                text = text == generated ? generated : "\(generated): \(text)"
            }
            return "\(Terminal.cyan(event.commit.short.padded(8))) \(time)  \(user) \(text)"
        }
    }

    static func json(_ event: HistoryEvent) -> NixValue {
        var trailers: [String: NixValue] = [:]
        for pair in event.trailers.pairs {
            if case .list(let items)? = trailers[pair.key] {
                trailers[pair.key] = .list(items + [.string(pair.value)])
            } else if let existing = trailers[pair.key] {
                trailers[pair.key] = .list([existing, .string(pair.value)])
            } else {
                trailers[pair.key] = .string(pair.value)
            }
        }
        return .attrs([
            "commit": .string(event.commit.hex),
            "event": .string(event.kind?.rawValue ?? "unknown"),
            "time": .string(Formatting.isoTime(event.time)),
            "timestamp": .int(event.time),
            "user": .string(event.user),
            "subject": .string(event.subject),
            "body": .string(event.body),
            "generation": event.generation.map { .int(Int64($0)) } ?? .null,
            "staticGeneration": event.staticGeneration.map { .int(Int64($0)) } ?? .null,
            "rollbackOf": event.rollbackOf.map { .int(Int64($0)) } ?? .null,
            "options": .list(event.options.map(NixValue.string)),
            "trailers": .attrs(trailers),
        ])
    }
}
