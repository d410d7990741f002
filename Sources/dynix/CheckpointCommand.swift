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
            Terminal.out("checkpoint: \(counted(result.before, "entry", "entries")) compacted to \(result.after) (\(commit.short)); effective values unchanged")
        } else {
            Terminal.out("nothing to compact (\(counted(result.before, "entry", "entries")))")
        }
        Terminal.out(
            "packed \(result.packedObjects) objects (\(Self.size(result.diskBefore)) → \(Self.size(result.diskAfter)));"
                + " \(result.removedLooseObjects) loose objects removed")
    }

    /// Bytes on disk, as kB below 1 MB and as MB with one decimal above (decimal units, as `du --si`).
    static func size(_ bytes: Int) -> String {
        if bytes < 1_000_000 { return "\((bytes + 500) / 1000) kB" }
        let tenths = (bytes + 50_000) / 100_000
        return "\(tenths / 10).\(tenths % 10) MB"
    }
}
