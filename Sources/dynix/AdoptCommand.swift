import ArgumentParser
import DynixHistory

struct AdoptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "adopt",
        abstract: "Record an edit of the dynamic file made outside dynix, once it parses."
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .shortAndLong, help: "The commit message.")
    var message: String?

    func run() throws {
        try reportingErrors {
            if let commit = try global.openForWriting(allowDrift: true).adopt(message: message) {
                print("adopted the edit of \(global.paths.dynamicFile) (\(commit.short)); not live yet, run `dynix apply`")
            } else {
                print("nothing to adopt: the file matches the history")
            }
        }
    }
}
