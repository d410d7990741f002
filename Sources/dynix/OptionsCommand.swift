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
                // A key is left out when there is no such value, so `null` always means the value null.
                print(JSON.serialize(.list(rows.map { row in
                    var fields: [String: NixValue] = [
                        "option": .string(row.option.path.description),
                        "type": .string(row.option.type.description),
                    ]
                    fields["static"] = row.option.staticValue
                    fields["live"] = row.live
                    fields["pending"] = row.pending
                    return .attrs(fields)
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
