import ArgumentParser
import DynixHistory

struct AppendCommand: WritingCommand {
    static let configuration = CommandConfiguration(
        commandName: "append",
        abstract: "Add entries to the dynamic file, in one commit.",
        discussion: "Several OPTION VALUE pairs make one commit. A VALUE that begins with `-` goes after `--`: dynix append services.x.offset -- -5"
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var applyFlags: ApplyFlags

    @Argument(
        help: ArgumentHelp("Option paths (in Nix syntax) and values (read as the option's type), in pairs.", valueName: "OPTION VALUE"),
        completion: .custom(Completions.optionOrValue))
    var words: [String]

    @Option(name: .shortAndLong, help: "Why: the commit message.")
    var message: String?

    @Flag var syntax: ValueSyntax?

    @Flag(help: "Apply right after appending.")
    var apply = AppendRequest(words: []).apply

    var request: AppendRequest { AppendRequest(words: words, message: message, syntax: syntax, apply: apply, applyOptions: applyFlags.options) }

    func validate() throws { try request.validate() }

    func run(_ writer: HistoryWriter) throws { try request.run(writer) }
}

/// What `dynix append` was asked, whichever parser read it (`AppendCommand`, `FastPath`); the defaults are these.
struct AppendRequest: Equatable {
    var words: [String]
    var message: String?
    var syntax: ValueSyntax?
    var apply = false
    var applyOptions = HistoryWriter.ApplyOptions()

    func validate() throws {
        guard words.count % 2 == 0 else {
            throw ValidationError("`\(words.last ?? "")` has no VALUE: give OPTION VALUE pairs (a VALUE that begins with `-` goes after `--`)")
        }
    }

    func run(_ writer: HistoryWriter) throws {
        let pairs = stride(from: 0, to: words.count, by: 2).map { (option: words[$0], value: words[$0 + 1]) }
        let results = try writer.append(pairs: pairs, reading: syntax?.reading ?? .inferred, message: message)
        for result in results {
            if let covering = result.coveringOption {
                Terminal.writeError(
                    "note: \(result.entry.path) is inside the attribute-set option \(covering); its dynamic value replaces the whole set. `dynix show` lists what it will be"
                )
            }
        }
        let appended = results.map { "\($0.entry.path) = \(NixSyntax.render($0.entry.value))" }.joined(separator: ", ")
        let commit = results.first.map { $0.commit.short } ?? ""
        if apply {
            Terminal.out("appended \(appended) (\(commit))")
            try ApplyCommand.runApply(writer, options: applyOptions)
        } else {
            Terminal.out("appended \(appended) (\(commit)); not live yet, run `dynix apply`")
        }
    }
}
