import ArgumentParser
import DynixHistory

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create the history (idempotent); take over or import an existing dynamic file."
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .customLong("import"), help: ArgumentHelp("Evaluate FILE with nix-instantiate and import its entries.", valueName: "FILE"))
    var importFile: String?

    func run() throws {
        try ErrorVoice.reporting {
            let (writer, result) = try ConfigHistory.initialize(global.paths, identity: global.identity, importing: importFile, lockTimeout: global.lockTimeout)
            let history = writer.history.paths.history
            if result.created {
                Terminal.out("initialized dynix history at \(history) (\(counted(result.entries, "entry", "entries")), \(result.commit.short))")
            } else if let importFile {
                Terminal.out("imported \(counted(result.entries, "entry", "entries")) from \(importFile) (\(result.commit.short))")
            } else {
                Terminal.out("dynix history already exists at \(history) (\(counted(result.entries, "entry", "entries")))")
            }
        }
    }
}
