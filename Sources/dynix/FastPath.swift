import ArgumentParser

/// `dynix --version` and the plain forms of `dynix log` and `dynix append` without argument-parser's parse, which
/// reflects over every command's properties and scans the whole (statically linked) runtime's protocol
/// conformances before any work (BENCHMARKS.md, "What was found and done"). It fills the same request values
/// the full parser fills (`LogRequest`, `AppendRequest`, `GlobalSettings`), whose defaults are declared once there.
/// What it does not read (a word its tables decline or do not know, an odd number of words) goes to the full
/// parser, which reports errors and help. `CommandLineTests` checks the tables against every option argument-parser
/// declares for these commands.
enum FastPath {
    /// How the fast path treats one option word: reads it into the request (false: the full parser must read the
    /// whole command line instead, say for a missing or odd value), or leaves the command line to the full parser.
    struct Word<Request>: Sendable {
        let names: [String]
        let read: (@Sendable (inout Request, inout ArraySlice<String>) -> Bool)?

        static func reads(_ names: String..., read: @escaping @Sendable (inout Request, inout ArraySlice<String>) -> Bool) -> Word {
            Word(names: names, read: read)
        }

        static func declines(_ names: String...) -> Word { Word(names: names, read: nil) }
    }

    static let globalWords: [Word<GlobalSettings>] = [
        .reads("--root") { settings, rest in plainValue(&rest).map { settings.root = $0 } != nil },
        .reads("--file") { settings, rest in plainValue(&rest).map { settings.file = $0 } != nil },
        .declines("--lock-timeout", "--color", "--no-pager"),
    ]

    static let logWords: [Word<LogRequest>] = [
        .reads("-n") { request, rest in plainValue(&rest).flatMap { Int($0) }.map { request.n = $0 } != nil },
        .reads("--json") { request, _ in
            request.json = true
            return true
        },
        .reads("--oneline") { request, _ in
            request.oneline = true
            return true
        },
        .declines("--option", "--since", "--at", "-p", "--patch", "--date", "--central", "--host"),
    ]

    static let appendWords: [Word<AppendRequest>] = [
        // A message that begins with `-` goes to the full parser (`CommandLineWords` makes it `--message=…`), and so
        // does a second message (argument-parser takes the last one).
        .reads("-m", "--message") { request, rest in
            guard request.message == nil else { return false }
            return plainValue(&rest).map { request.message = $0 } != nil
        },
        .declines("--json", "--string", "--apply", "--force", "--allow-static-drift", "--activation-timeout", "--confirm-timeout"),
    ]

    /// Whether `run` may take these words, as typed: it still declines what it does not recognise.
    static func mayTake(_ arguments: [String]) -> Bool {
        arguments == ["--version"] || arguments.first == "log" || arguments.first == "append"
    }

    /// What the fast path read, or nil where the full parser must read the words.
    enum Parsed: Equatable {
        case version
        case log(GlobalSettings, LogRequest)
        case append(GlobalSettings, AppendRequest)
    }

    static func parse(_ arguments: [String]) -> Parsed? {
        if arguments == ["--version"] { return .version }
        var global = GlobalSettings()
        var rest = arguments.dropFirst()
        switch arguments.first {
        case "log":
            var request = LogRequest()
            while let word = rest.popFirst() {
                guard read(word, &rest, into: &request, logWords) ?? read(word, &rest, into: &global, globalWords) == true else { return nil }
            }
            return (try? request.validate()) == nil ? nil : .log(global, request)
        case "append":
            var request = AppendRequest(words: [])
            while let word = rest.popFirst() {
                if !word.hasPrefix("-") {
                    request.words.append(word)
                    continue
                }
                if word.hasPrefix("--message=") {
                    // `--message=` with nothing after it is refused by the full parser.
                    guard request.message == nil, word.count > "--message=".count else { return nil }
                    request.message = String(word.dropFirst("--message=".count))
                    continue
                }
                guard read(word, &rest, into: &request, appendWords) ?? read(word, &rest, into: &global, globalWords) == true else { return nil }
            }
            return request.words.isEmpty || (try? request.validate()) == nil ? nil : .append(global, request)
        default:
            return nil
        }
    }

    /// Runs what `parse` read; false when it read nothing, or a value the full parser should refuse with the usage line.
    static func run(_ arguments: [String]) -> Bool {
        switch parse(arguments) {
        case nil:
            return false
        case .version:
            Terminal.out(Dynix.version)
            return true
        case .log(let global, let request):
            return finish(LogCommand.self, global) { try request.run(global.openHistory()) }
        case .append(let global, let request):
            return finish(AppendCommand.self, global) { try request.run(global.openForWriting()) }
        }
    }

    /// nil when `word` is not in `table`; else whether it was read.
    private static func read<Request>(_ word: String, _ rest: inout ArraySlice<String>, into request: inout Request, _ table: [Word<Request>]) -> Bool? {
        guard let entry = table.first(where: { $0.names.contains(word) }) else { return nil }
        return entry.read?(&request, &rest) ?? false
    }

    /// The next word as an option's value, unless it looks like an option itself.
    private static func plainValue(_ rest: inout ArraySlice<String>) -> String? {
        guard let value = rest.first, !value.hasPrefix("-") else { return nil }
        rest.removeFirst()
        return value
    }

    /// Runs the request, or returns false for a value the full parser should refuse with the usage line.
    private static func finish<Command: ParsableCommand>(_ command: Command.Type, _ global: GlobalSettings, run: () throws -> Void) -> Bool {
        guard (try? global.validate()) != nil else { return false }
        do {
            try ErrorVoice.reporting(run)
        } catch {
            Dynix.exit(reporting: error, command: Command._commandName)
        }
        return true
    }
}
