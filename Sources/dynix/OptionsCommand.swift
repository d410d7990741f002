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
        try reportingErrors {
            let rows = try global.openHistory().optionRows()
            if json {
                print(JSON.serialize(.list(rows.map { row in
                    .attrs([
                        "option": .string(row.option.path.description),
                        "type": .string(row.option.type.description),
                        "static": row.option.staticValue ?? .null,
                        "live": row.live ?? .null,
                        "pending": row.pending ?? .null,
                    ])
                }), pretty: true))
                return
            }
            let width = rows.map { $0.option.path.description.count }.max() ?? 0
            Terminal.page(rows.map { row in
                var line = row.option.path.description.padded(width) + "  " + Formatting.value(row.option.staticValue) + " (static)"
                if let live = row.live { line += "  live " + NixSyntax.render(live) }
                if row.pending != row.live { line += Terminal.yellow("  pending " + Formatting.value(row.pending)) }
                return line + Terminal.dim("  — " + row.option.type.description)
            })
        }
    }
}
