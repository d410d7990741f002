import ArgumentParser
import DynixHistory

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "The effective dynamic values of a generation (default: pending) beside the static values."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("A generation number, `live`, `pending`, `static` or `file` (the file on disk).", valueName: "GEN"))
    var state: String = "pending"

    @Flag(name: .customLong("nix"), help: "Print the committed dynamic file itself.")
    var printFile = false

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        guard ConfigHistory.StateName(state) != nil else { throw ValidationError("'\(state)' is not a generation number, `live`, `pending`, `static` or `file`") }
    }

    func run() throws {
        try reportingErrors {
            let history = try global.openHistory()
            let name = ConfigHistory.StateName(state)!
            if printFile {
                print(try history.file(of: name)?.text ?? DynamicFile.rendering([]).text, terminator: "")
                return
            }
            let changes = try history.changes(from: .staticOnly, to: name)
            if json {
                print(JSON.serialize(.attrs([
                    "state": .string(name.description),
                    "values": .attrs(Dictionary(uniqueKeysWithValues: changes.map { ($0.option.description, $0.to.value ?? .null) })),
                    "changes": .list(changes.map(Formatting.changeJSON)),
                ]), pretty: true))
                return
            }
            if changes.isEmpty { print("\(name): no dynamic values; every option has its static value"); return }
            let width = changes.map { $0.option.description.count }.max() ?? 0
            Terminal.page(["\(name):"] + changes.map { "  " + Formatting.change($0, width: width) })
        }
    }
}
