import DynixHistory

/// What git users type, made into what argument-parser reads: options before the subcommand
/// (`dynix --root DIR --json status`) move after it, and a mistyped command or a negative VALUE
/// is refused with a hint instead of argument-parser's generic message.
struct CommandLineWords {
    /// Whether an option takes the next word as its value, wherever it stands. A `switch`, not a `Set`: this runs
    /// before every command, and a `Set<String>` costs a scan of the runtime's protocol conformances on first use.
    /// `CommandLineTests` walks every command's options (argument-parser's own description) against this list.
    static func takesValue(_ word: String) -> Bool {
        switch word {
        case "--root", "--file", "--lock-timeout", "--color", "--date", "-n", "-m", "--message", "--since", "--option", "--at", "--until", "-o", "--output",
            "--name", "--import", "--system", "--activation-timeout", "--confirm-timeout", "--central", "--host", "--key", "--bundle", "--identity",
            "--stale-after", "--keys":
            true
        default: false
        }
    }

    enum Problem: Refusal {
        /// A word where a command should be: the word, and the commands closest to it.
        case unknownCommand(String, [String])
        /// A value that begins with `-` given without `--` before it.
        case dashValue(command: String, word: String)
        /// No command at all.
        case noCommand

        var message: String {
            switch self {
            case .noCommand: "no command given"
            case .unknownCommand(let word, _): "`\(word)` is not a dynix command"
            case .dashValue(_, let word): "`\(word)` looks like an option, not a VALUE"
            }
        }

        var hint: String? {
            switch self {
            case .noCommand: "`dynix status` shows where things stand; `dynix help` lists the commands"
            case .unknownCommand(_, let close): (close.isEmpty ? "" : "did you mean \(close.joined(separator: " or "))? ") + "`dynix help` lists the commands"
            case .dashValue(let command, let word): "a value that begins with `-` goes after `--`: dynix \(command) OPTION -- \(word)"
            }
        }

        var exitStatus: Int32 { UsageError.status }
    }

    let arguments: [String]

    /// `commands` is asked for only when the command must be checked: naming them instantiates every command's
    /// configuration, which `--help` and `--version` do not need.
    init(_ words: [String], commands: () -> [String]) throws {
        // `help`, `--help`, `--version`, completion requests: argument-parser's own business.
        if let first = words.first, first.hasPrefix("--generate-") || first.hasPrefix("--experimental-") || first.hasPrefix("---") {
            arguments = words
            return
        }
        if words.first == "help" {
            let commands = commands()
            // `dynix help nope` must not succeed quietly.
            if words.count > 1, !commands.contains(words[1]) {
                let close = commands.map { ($0, EditDistance.between(words[1], $0)) }.filter { $0.1 <= 2 }.sorted { $0.1 < $1.1 }.map(\.0)
                throw Problem.unknownCommand(words[1], close)
            }
            arguments = words
            return
        }
        let words = CommandLineWords.joiningDashValues(words)
        var leading: [String] = []
        var index = 0
        while index < words.count, words[index].hasPrefix("-") {
            let word = words[index]
            if word == "-h" || word == "--help" || word == "--version" {
                arguments = words
                return
            }
            leading.append(word)
            if CommandLineWords.takesValue(word), index + 1 < words.count {
                leading.append(words[index + 1])
                index += 1
            }
            index += 1
        }
        guard index < words.count else { throw Problem.noCommand }
        let command = words[index]
        let commands = commands()
        guard commands.contains(command) else {
            let close = commands.map { ($0, EditDistance.between(command, $0)) }.filter { $0.1 <= 2 }.sorted { $0.1 < $1.1 }.map(\.0)
            throw Problem.unknownCommand(command, close)
        }
        var rest = Array(words[(index + 1)...])
        if command == "log" {
            // `dynix log -3`, as `git log -3`.
            rest = rest.flatMap { word in
                word.count > 1 && word.hasPrefix("-") && word.dropFirst().allSatisfy(\.isNumber) ? ["-n", String(word.dropFirst())] : [word]
            }
        }
        if command == "append" || command == "unset" {
            var previous: String?
            for word in rest {
                if word == "--" { break }
                // `-5` after the option path: a negative number meant as VALUE.
                if word.count > 1, word.hasPrefix("-"), word.dropFirst().first.map({ $0.isNumber || $0 == "." }) == true,
                    !CommandLineWords.takesValue(previous ?? "")
                {
                    throw Problem.dashValue(command: command, word: word)
                }
                previous = word
            }
        }
        rest = leading + rest
        arguments = [command] + rest
    }

    /// An option's value that begins with `-` stays its value: `-m "-2 jobs"` becomes `--message=-2 jobs`,
    /// which argument-parser reads literally (a separate `-…` word it would take for another option).
    static func joiningDashValues(_ words: [String]) -> [String] {
        var joined: [String] = []
        var index = 0
        while index < words.count {
            let word = words[index]
            if word == "--" {
                joined += words[index...]
                break
            }
            if takesValue(word), word != "-n", index + 1 < words.count, words[index + 1].hasPrefix("-") {
                joined.append("\(word == "-m" ? "--message" : word)=\(words[index + 1])")
                index += 2
                continue
            }
            joined.append(word)
            index += 1
        }
        return joined
    }
}
