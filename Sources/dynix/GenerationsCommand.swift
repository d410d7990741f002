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
            Terminal.out("no generations yet; `dynix apply` makes the first")
            return
        }
        // As `nixos-rebuild list-generations`: a header row, newest first, the live one marked.
        let rows = generations.reversed().map { g in
            [
                String(g.number), Formatting.time(g.event.time), g.event.staticGeneration.map(String.init) ?? "?", g.event.user,
                g.event.rollbackOf.map { "rollback to \($0)" } ?? "", g.number == live ? "live" : "", history.summary(of: g),
            ]
        }
        let header = ["Generation", "Applied", "Static", "User", "Rollback", "Current", "Change"]
        Terminal.page(
            Formatting.table(header: header, rows: rows).enumerated().map { index, line in
                index > 0 && rows[index - 1][5] == "live" ? Terminal.green(line) : line
            })
    }
}
