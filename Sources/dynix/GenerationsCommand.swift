import ArgumentParser
import DynixHistory

struct GenerationsCommand: ReadingCommand {
    static let configuration = CommandConfiguration(
        commandName: "generations",
        abstract: "One line per dynamic generation; the live one is marked."
    )

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print JSON.")
    var json = false

    func run(_ history: ConfigHistory) throws {
        let generations = try history.generations()
        let live = try history.liveGeneration()?.number
        if json {
            try JSONOutput.print(
                GenerationsJSON(
                    generations: generations.map { g in
                        GenerationJSON(
                            generation: g.number, time: Formatting.isoTime(g.event.time), staticGeneration: g.event.staticGeneration,
                            user: g.event.user, commit: g.commit.hex, appliedCommit: g.appliedCommit?.hex, subject: history.summary(of: g),
                            rollbackOf: g.event.rollbackOf, live: g.number == live)
                    }))
            return
        }
        if generations.isEmpty {
            print("no generations yet; `dynix apply` makes the first")
            return
        }
        Terminal.page(
            generations.reversed().map { g in
                let marker = g.number == live ? Terminal.green("  (live)") : ""
                let staticText = "static " + (g.event.staticGeneration.map(String.init) ?? "?")
                let rollback = g.event.rollbackOf.map { "  rollback to \($0)" } ?? ""
                return
                    "\(String(g.number).padded(5)) \(Formatting.time(g.event.time))  \(staticText.padded(10)) \(g.event.user.padded(8)) \(history.summary(of: g))\(rollback)\(marker)"
            })
    }
}
