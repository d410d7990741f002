import ArgumentParser
import DynixHistory

struct CheckpointCommand: WritingCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint",
        abstract: "Compact the dynamic file to one entry per option; effective values stay the same."
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .shortAndLong, help: "The commit message.")
    var message: String?

    func run(_ writer: HistoryWriter) throws {
        let result = try writer.checkpoint(message: message)
        if let commit = result.commit {
            Terminal.out("checkpoint: \(result.before) entries compacted to \(result.after) (\(commit.short)); effective values unchanged")
        } else {
            Terminal.out("nothing to compact (\(result.before) entries)")
        }
    }
}
