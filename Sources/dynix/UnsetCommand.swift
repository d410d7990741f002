import ArgumentParser
import DynixHistory

struct UnsetCommand: WritingCommand {
    static let configuration = CommandConfiguration(
        commandName: "unset",
        abstract: "Return options to their static values (the history keeps what they were).",
        discussion: "The dynamic file is rewritten without the options, in one commit; `dynix apply` makes that live."
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var applyFlags: ApplyFlags

    @Argument(help: ArgumentHelp("The option paths, in Nix syntax.", valueName: "OPTION"), completion: .custom(Completions.setOptions))
    var options: [String]

    @Option(name: .shortAndLong, help: "Why: the commit message.")
    var message: String?

    @Flag(help: "Apply right after unsetting.")
    var apply = false

    func run(_ writer: HistoryWriter) throws {
        let result = try writer.unset(options, message: message)
        for (path, option) in result.insideSetOptions {
            Terminal.writeError(
                "note: \(path) is inside the attribute-set option \(option), whose dynamic value replaces the whole set: \(path) does not get its static value back, it is just absent; `dynix unset \(option)` returns the whole set to its static value"
            )
        }
        for (option, value) in result.removed {
            Terminal.out("unset \(option) (was \(NixSyntax.render(value))) (\(result.commit.short))")
        }
        if apply {
            try ApplyCommand.runApply(writer, options: applyFlags.options)
        } else {
            Terminal.out("not live yet, run `dynix apply`")
        }
    }
}
