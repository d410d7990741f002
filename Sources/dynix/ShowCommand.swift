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

    @Flag(help: "Print JSON.")
    var json = false

    func run(_ history: ConfigHistory) throws {
        if printFile {
            Terminal.out(try history.file(of: state)?.text ?? DynamicFile.rendering([]).text, terminator: "")
            return
        }
        let changes = try history.changes(from: .staticOnly, to: state)
        if json {
            let values = Dictionary(
                uniqueKeysWithValues: changes.compactMap { change in
                    change.to.isDynamic ? (change.option.description, change.to.value ?? .null) : nil
                })
            try JSONOutput.print(ShowJSON(state: StateJSON(state), values: values, changes: changes.map(ChangeJSON.init)))
            return
        }
        if changes.isEmpty {
            Terminal.out("\(state): no dynamic values; every option has its static value")
            return
        }
        let width = changes.map { Terminal.displayWidth($0.option.description) }.max() ?? 0
        Terminal.page(["\(state):"] + changes.map { "  " + Formatting.change($0, width: width) })
    }
}
