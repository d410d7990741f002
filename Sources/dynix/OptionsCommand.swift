import ArgumentParser
import DynixHistory

struct OptionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "options",
        abstract: "The dynamic options of this system, with their types, static, live and pending values."
    )

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        try ErrorVoice.reporting { try list(try ConfigHistory.optionRows(global.paths, identity: global.identity)) }
    }

    private func list(_ rows: [ConfigHistory.OptionRow]) throws {
        if json {
            try JSONOutput.print(
                OptionsJSON(
                    options: rows.map { row in
                        OptionJSON(
                            option: row.option.path.description, type: row.option.type.manifestForm,
                            min: row.option.type.bounds.min, max: row.option.type.bounds.max, description: row.option.type.description,
                            staticValue: ValueJSON(staticValue: row.option.staticValue), live: ValueJSON(dynamic: row.live),
                            pending: ValueJSON(dynamic: row.pending))
                    }))
            return
        }
        let width = rows.map { Terminal.displayWidth($0.option.path.description) }.max() ?? 0
        Terminal.page(
            rows.map { row in
                var line = row.option.path.description.padded(width) + "  " + Formatting.value(row.option.staticValue) + " (static)"
                if let live = row.live { line += "  live " + NixSyntax.render(live) }
                if row.pending != row.live { line += Terminal.yellow("  pending " + Formatting.value(row.pending)) }
                return line + Terminal.dim("  — " + row.option.type.description)
            })
    }
}
