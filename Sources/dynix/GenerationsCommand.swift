import ArgumentParser
import DynixHistory

struct GenerationsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generations",
        abstract: "One line per dynamic generation; the live one is marked."
    )

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        try reportingErrors {
            let history = try global.openHistory()
            let generations = try history.generations()
            let live = try history.liveGeneration()?.number
            if json {
                print(JSON.serialize(.list(generations.map { g in
                    .attrs([
                        "generation": .int(Int64(g.number)),
                        "time": .string(Formatting.isoTime(g.event.time)),
                        "staticGeneration": g.event.staticGeneration.map { .int(Int64($0)) } ?? .null,
                        "user": .string(g.event.user),
                        "commit": .string(g.commit.hex),
                        "subject": .string(history.summary(of: g)),
                        "rollbackOf": g.event.rollbackOf.map { .int(Int64($0)) } ?? .null,
                        "live": .bool(g.number == live),
                    ])
                }), pretty: true))
                return
            }
            if generations.isEmpty { print("no generations yet; `dynix apply` makes the first"); return }
            Terminal.page(generations.reversed().map { g in
                let marker = g.number == live ? Terminal.green("  (live)") : ""
                let staticText = "static " + (g.event.staticGeneration.map(String.init) ?? "?")
                let rollback = g.event.rollbackOf.map { "  rollback to \($0)" } ?? ""
                return "\(String(g.number).padded(5)) \(Formatting.time(g.event.time))  \(staticText.padded(10)) \(g.event.user.padded(8)) \(history.summary(of: g))\(rollback)\(marker)"
            })
        }
    }
}
