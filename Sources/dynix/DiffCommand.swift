import ArgumentParser
import DynixHistory

struct DiffCommand: ReadingCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "What changes between two states: effective values by default, the file with --patch.",
        discussion: "A and B are generation numbers, `live`, `pending`, `static` or `file` (the file on disk); A defaults to live, B to pending."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The older state.", valueName: "A"))
    var from: ConfigHistory.StateName = .live

    @Argument(help: ArgumentHelp("The newer state.", valueName: "B"))
    var to: ConfigHistory.StateName = .pending

    @Option(
        help: ArgumentHelp(
            "Compare what was live at TIME instead (twice: two moments; once: that moment and live now). TIME as --since takes it, or `now`.",
            valueName: "TIME"))
    var at: [PointInTime] = []

    @Flag(help: "Show the diff of the dynamic file, as git does.")
    var patch = false

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        guard !at.isEmpty else { return }
        if at.count > 2 { throw ValidationError("--at takes at most two moments") }
        if from != .live || to != .pending { throw ValidationError("give A and B or --at TIME, not both") }
    }

    func run(_ history: ConfigHistory) throws {
        var from = self.from
        var to = self.to
        if let first = at.first {
            from = .liveAt(first.seconds)
            to = at.count == 2 ? .liveAt(at[1].seconds) : .live
        }
        if patch {
            let text = try history.patch(from: from, to: to)
            if json {
                try JSONOutput.print(DiffJSON(from: StateJSON(from), to: StateJSON(to), changes: nil, patch: text))
                return
            }
            Terminal.page(
                text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { line in
                    line.hasPrefix("+") && !line.hasPrefix("+++")
                        ? Terminal.green(String(line))
                        : line.hasPrefix("-") && !line.hasPrefix("---") ? Terminal.red(String(line)) : String(line)
                })
            return
        }
        let changes = try history.changes(from: from, to: to)
        if json {
            try JSONOutput.print(DiffJSON(from: StateJSON(from), to: StateJSON(to), changes: changes.map(ChangeJSON.init), patch: nil))
            return
        }
        if changes.isEmpty {
            Terminal.out("no difference between \(from) and \(to)")
            return
        }
        Terminal.page(Formatting.changes(changes))
    }
}
