import ArgumentParser
import DynixHistory

struct LogCommand: ReadingCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "The timeline, newest first: appends, generations, resets."
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .short, help: "Show at most N events.")
    var n: Int?

    @Option(
        help: ArgumentHelp("Only events that touched this option, each with the generation that made it live.", valueName: "PATH"),
        completion: .custom(Completions.optionPaths))
    var option: OptionPath?

    @Option(help: ArgumentHelp("Only events after DATE (2026-11-24, '2026-11-24 14:03', '3 days ago', @EPOCH).", valueName: "DATE"))
    var since: PointInTime?

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        if let n, n < 0 { throw ValidationError("-n must not be negative") }
    }

    func run(_ history: ConfigHistory) throws {
        if let option {
            let story = try history.optionStory(option, limit: n, since: since?.seconds)
            if json {
                try JSONOutput.print(LogJSON(option: option.description, events: story.map { EventJSON($0.event, liveAs: $0.liveAs) }))
                return
            }
            Terminal.page(
                story.map { item in
                    let live = item.liveAs.map { Terminal.green("live as gen \($0)") } ?? Terminal.dim("never live")
                    return LogCommand.line(item.event, ended: nil) + "  [\(live)]"
                })
            return
        }
        let timeline = try history.timeline(limit: n, since: since?.seconds)
        if json {
            try JSONOutput.print(LogJSON(option: nil, events: timeline.map { EventJSON($0.event, ended: $0.ended) }))
            return
        }
        Terminal.page(timeline.map { LogCommand.line($0.event, ended: $0.ended) })
    }

    static func line(_ event: HistoryEvent, ended: Int?) -> String {
        let time = Formatting.time(event.time)
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
