import ArgumentParser
import DynixHistory

struct AppendCommand: ParsableCommand {
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

    @Flag(help: "Read VALUE as JSON.")
    var json = false

    @Flag(help: "Read VALUE as a string, whatever it looks like.")
    var string = false

    @Flag(help: "Apply right after appending.")
    var apply = false

    func validate() throws {
        if json && string { throw ValidationError("--json and --string exclude each other") }
    }

    func run() throws {
        try reportingErrors {
            let history = try global.openForWriting()
            let entry = try Entry.from(option: option, value: value, reading: json ? .json : (string ? .string : .inferred), manifest: try history.manifest())
            let manifest = try history.manifest()
            let result = try history.append(entry, message: message)
            if let covering = manifest?.option(covering: entry.path), covering.path != entry.path {
                // The module layers dynamic values over the option as a whole: the static contents of the set do not show through.
                Terminal.writeError("note: \(entry.path) is inside the attribute-set option \(covering.path); its dynamic value replaces the whole set. `dynix show` lists what it will be")
            }
            let rendered = NixSyntax.render(entry.value)
            if apply {
                print("appended \(entry.path) = \(rendered) (\(result.commit.short))")
                try ApplyCommand.runApply(history, options: applyFlags.options)
            } else {
                print("appended \(entry.path) = \(rendered) (\(result.commit.short)); not live yet, run `dynix apply`")
            }
        }
    }
}
