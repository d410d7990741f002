import ArgumentParser
import DynixHistory

struct RollbackCommand: WritingCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback",
        abstract: "Make an earlier generation's dynamic state current again, and apply it.",
        discussion: "GEN defaults to the generation before the live one (with nothing live: the newest generation)."
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var applyFlags: ApplyFlags

    @Argument(help: ArgumentHelp("The generation to go back to.", valueName: "GEN"), completion: .custom(Completions.generations))
    var generation: Int?

    @Flag(help: "Commit the rollback without applying it.")
    var noApply = false

    @Flag(help: "Say what the rollback would change and which units would restart; commit and change nothing.")
    var dryRun = false

    @Option(name: .shortAndLong, help: "Why: the commit message.")
    var message: String?

    func validate() throws {
        if let generation, generation < 1 { throw ValidationError("generations are numbered from 1") }
    }

    func run(_ writer: HistoryWriter) throws {
        let target = try generation ?? writer.history.defaultRollbackTarget()
        if dryRun {
            var options = applyFlags.options
            options.rollbackOf = target
            options.dryRun = true
            options.content = try writer.history.file(of: .generation(target))?.bytes
            try ApplyCommand.runApply(writer, options: options)
            return
        }
        if let commit = try writer.rollback(to: target, message: message) {
            Terminal.out("rolled the dynamic file back to generation \(target) (\(commit.short))")
        } else {
            Terminal.out("the dynamic file already has generation \(target)'s content")
        }
        if noApply {
            Terminal.out("not live yet, run `dynix apply`")
            return
        }
        var options = applyFlags.options
        options.rollbackOf = target
        try ApplyCommand.runApply(writer, options: options)
    }
}
