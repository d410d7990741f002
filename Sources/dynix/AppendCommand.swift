import ArgumentParser
import DynixHistory

struct AppendCommand: WritingCommand {
    static let configuration = CommandConfiguration(
        commandName: "append",
        abstract: "Add an entry to the dynamic file and commit it.",
        discussion: "A VALUE that begins with `-` goes after `--`: dynix append services.x.offset -- -5"
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var applyFlags: ApplyFlags

    @Argument(help: ArgumentHelp("The option path, in Nix syntax.", valueName: "OPTION"))
    var option: String

    @Argument(help: ArgumentHelp("The value, read as the option's type.", valueName: "VALUE"))
    var value: String

    @Option(name: .shortAndLong, help: "Why: the commit message.")
    var message: String?

    @Flag var syntax: ValueSyntax?

    @Flag(help: "Apply right after appending.")
    var apply = false

    func run(_ writer: HistoryWriter) throws {
        let result = try writer.append(option: option, value: value, reading: syntax?.reading ?? .inferred, message: message)
        if let covering = result.coveringOption {
            Terminal.writeError(
                "note: \(result.entry.path) is inside the attribute-set option \(covering); its dynamic value replaces the whole set. `dynix show` lists what it will be"
            )
        }
        let rendered = NixSyntax.render(result.entry.value)
        if apply {
            print("appended \(result.entry.path) = \(rendered) (\(result.commit.short))")
            try ApplyCommand.runApply(writer, options: applyFlags.options)
        } else {
            print("appended \(result.entry.path) = \(rendered) (\(result.commit.short)); not live yet, run `dynix apply`")
        }
    }
}
