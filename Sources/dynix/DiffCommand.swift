import ArgumentParser
import DynixHistory

struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "What changes between two states: effective values by default, the file with --patch.",
        discussion: "A and B are generation numbers, `live`, `pending`, `static` or `file` (the file on disk); A defaults to live, B to pending."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The older state.", valueName: "A"))
    var from: String = "live"

    @Argument(help: ArgumentHelp("The newer state.", valueName: "B"))
    var to: String = "pending"

    @Flag(help: "Show the diff of the dynamic file, as git does.")
    var patch = false

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        for text in [from, to] where ConfigHistory.StateName(text) == nil {
            throw ValidationError("'\(text)' is not a generation number, `live`, `pending`, `static` or `file`")
        }
    }

    func run() throws {
        try reportingErrors {
            let history = try global.openHistory()
            let a = ConfigHistory.StateName(from)!, b = ConfigHistory.StateName(to)!
            if patch {
                let text = try history.patch(from: a, to: b)
                if json { print(JSON.serialize(.attrs(["from": .string(a.description), "to": .string(b.description), "patch": .string(text)]), pretty: true)); return }
                Terminal.page(text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { line in
                    line.hasPrefix("+") && !line.hasPrefix("+++") ? Terminal.green(String(line))
                        : line.hasPrefix("-") && !line.hasPrefix("---") ? Terminal.red(String(line)) : String(line)
                })
                return
            }
            let changes = try history.changes(from: a, to: b)
            if json {
                print(JSON.serialize(.attrs(["from": .string(a.description), "to": .string(b.description), "changes": .list(changes.map(Formatting.changeJSON))]), pretty: true))
                return
            }
            if changes.isEmpty { print("no difference between \(a) and \(b)"); return }
            let width = changes.map { $0.option.description.count }.max() ?? 0
            Terminal.page(changes.map { Formatting.change($0, width: width) })
        }
    }
}
