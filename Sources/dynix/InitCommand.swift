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
        try reportingErrors {
            let paths = global.paths
            var entries: [Entry]?
            if let importFile {
                let manifest = try? ConfigHistory.readManifest(paths)
                entries = try NixEvaluator.entries(ofFile: importFile, manifest: manifest ?? nil)
            }
            let (history, result) = try ConfigHistory.initialise(paths, identity: global.identity, importing: entries, importedFrom: importFile, lockTimeout: global.lockTimeout)
            if result.created {
                print("initialised dynix history at \(history.paths.history) (\(result.entries) entries, \(result.commit.short))")
            } else if importFile != nil {
                print("imported \(result.entries) entries from \(importFile!) (\(result.commit.short))")
            } else {
                print("dynix history already exists at \(history.paths.history) (\(result.entries) entries)")
            }
        }
    }
}
