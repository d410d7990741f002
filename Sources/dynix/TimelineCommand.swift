import ArgumentParser
import DynixHistory
import Glibc

struct TimelineCommand: ReadingCommand {
    static let configuration = CommandConfiguration(
        commandName: "timeline",
        abstract: "What was live, when: the intervals of the dynamic state, as text, or as a picture (--html, --svg).",
        discussion: "The page is self-contained (no script, link, image or outside address): it opens from a mail attachment."
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("From DATE (as log --since takes it); default: the first event.", valueName: "DATE"))
    var since: PointInTime?

    @Option(help: ArgumentHelp("Until DATE; default: now.", valueName: "DATE"))
    var until: PointInTime?

    @Flag(help: "Write one self-contained HTML page with the picture.")
    var html = false

    @Flag(help: "Write the picture as an SVG file.")
    var svg = false

    @Flag(help: "Print JSON: the intervals, the static generations and where the clock was set back.")
    var json = false

    @Option(name: .shortAndLong, help: ArgumentHelp("Write to FILE instead of standard output.", valueName: "FILE"))
    var output: String?

    @Option(help: ArgumentHelp("The host's name in the picture's heading (default: this host's name).", valueName: "NAME"))
    var name: String?

    func validate() throws {
        if [html, svg, json].filter({ $0 }).count > 1 { throw ValidationError("give one of --html, --svg and --json") }
        if output != nil && !html && !svg { throw ValidationError("-o writes a picture: give --html or --svg") }
        if let since, let until, until.seconds < since.seconds { throw ValidationError("--until is before --since") }
    }

    func run(_ history: ConfigHistory) throws {
        // The option lanes show a generation's values when it is at least a few pixels wide (TimelinePicture).
        let detail: ((Int64) -> Int64)? = html || svg ? { TimelinePicture.detail(span: $0) } : nil
        let timeline = try history.liveTimeline(since: since?.seconds, until: until?.seconds, detail: detail)
        if html || svg {
            let picture = TimelinePicture(timeline: timeline, host: name ?? Self.hostName())
            let text = html ? picture.html() : "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + picture.svg(standalone: true)
            if let output {
                try Self.write(text, to: output)
            } else {
                Terminal.out(text, terminator: "")
            }
            return
        }
        if json {
            try JSONOutput.print(TimelineJSON(timeline))
            return
        }
        var lines: [String] = []
        for interval in timeline.intervals {
            // The state is padded to line up the events after it; a line without an event ends with the state.
            let width = interval.event == nil ? 0 : 8
            let state: String
            switch interval.state {
            case .generation(let n): state = Terminal.green("gen \(n)".padded(width))
            case .staticConfiguration: state = "static".padded(width)
            case .unknown: state = Terminal.red("UNKNOWN".padded(width))
            }
            let event = interval.event.map { "  \($0.commit.short) \($0.user): \($0.subject)" } ?? ""
            lines.append("\(Formatting.time(interval.from)) → \(Formatting.time(interval.to))  \(state)\(event)")
        }
        for step in timeline.clockSteps {
            lines.append(Terminal.yellow("the clock was set back \(Formatting.duration(step.seconds)) before \(step.event.commit.short)"))
        }
        Terminal.page(lines)
    }

    static func hostName() -> String { Identity.hostName() ?? "this host" }

    /// A page for people to open: readable by all, whatever the umask (dynix's own is 022).
    static func write(_ text: String, to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else { throw DynixError.io(path: path, errno: errno) }
        defer { close(fd) }
        guard Terminal.writeAll(Array(text.utf8), to: fd) else { throw DynixError.io(path: path, errno: errno) }
    }
}
