import ArgumentParser
import DynixHistory

struct AdoptCommand: WritingCommand {
    static let configuration = CommandConfiguration(
        commandName: "adopt",
        abstract: "Record an edit of the dynamic file made outside dynix, once it parses."
    )
    static let recordsDrift = true

    @OptionGroup var global: GlobalOptions

    @Option(name: .shortAndLong, help: "The commit message.")
    var message: String?

    func run(_ writer: HistoryWriter) throws {
        if let commit = try writer.adopt(message: message) {
            Terminal.out("adopted the edit of \(writer.history.paths.dynamicFile) (\(commit.short)); not live yet, run `dynix apply`")
        } else {
            Terminal.out("nothing to adopt: the file matches the history")
        }
    }
}
