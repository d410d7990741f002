import ArgumentParser

/// `dynix --version` and the plain forms of `dynix log` and `dynix append` without argument-parser's parse, which
/// reflects over every command's properties and scans the whole (statically linked) runtime's protocol
/// conformances before any work (its cost: BENCHMARKS.md, "What was found and done"). Anything it
/// does not recognise (another option, a word that begins with `-`, an odd number of words) goes to the full
/// parser, which reports errors and help.
enum FastPath {
    /// Whether `run` may take these words, as typed: it still declines what it does not recognise.
    static func mayTake(_ arguments: [String]) -> Bool {
        arguments == ["--version"] || arguments.first == "log" || arguments.first == "append"
    }

    static func run(_ arguments: [String]) -> Bool {
        if arguments == ["--version"] {
            Terminal.out(Dynix.version)
            return true
        }
        switch arguments.first {
        case "log": return log(arguments.dropFirst())
        case "append": return append(arguments.dropFirst())
        default: return false
        }
    }

    private static func log(_ arguments: ArraySlice<String>) -> Bool {
        var global = plainGlobalOptions()
        var command = LogCommand()
        command.n = nil
        command.option = nil
        command.since = nil
        command.at = nil
        command.oneline = false
        command.patch = false
        command.date = .default
        command.json = false
        var rest = arguments
        while let argument = rest.popFirst() {
            switch argument {
            case "-n":
                guard let value = rest.popFirst(), let n = Int(value), !value.hasPrefix("-") else { return false }
                command.n = n
            case "--json": command.json = true
            case "--oneline": command.oneline = true
            default: guard takeGlobal(argument, &rest, &global) else { return false }
            }
        }
        command.global = global
        return finish(command, global)
    }

    private static func append(_ arguments: ArraySlice<String>) -> Bool {
        var global = plainGlobalOptions()
        var command = AppendCommand()
        var flags = ApplyFlags()
        flags.force = false
        flags.allowStaticDrift = false
        flags.activationTimeout = 300
        flags.confirmTimeout = 30
        command.applyFlags = flags
        command.message = nil
        command.syntax = nil
        command.apply = false
        var words: [String] = []
        var rest = arguments
        while let argument = rest.popFirst() {
            switch argument {
            case "-m", "--message":
                // A message that begins with `-` goes to the full parser (`CommandLineWords` makes it `--message=…`).
                guard command.message == nil, let value = rest.popFirst(), !value.hasPrefix("-") else { return false }
                command.message = value
            case _ where argument.hasPrefix("--message="):
                // `--message=` with nothing after it is refused by the full parser.
                guard command.message == nil, argument.count > "--message=".count else { return false }
                command.message = String(argument.dropFirst("--message=".count))
            case _ where !argument.hasPrefix("-"): words.append(argument)
            default: guard takeGlobal(argument, &rest, &global) else { return false }
            }
        }
        guard !words.isEmpty, words.count % 2 == 0 else { return false }
        command.words = words
        command.global = global
        return finish(command, global)
    }

    private static func plainGlobalOptions() -> GlobalOptions {
        var global = GlobalOptions()
        global.root = nil
        global.file = nil
        global.lockTimeout = 30
        global.colour = .auto
        global.noPager = false
        return global
    }

    /// `--root DIR` and `--file FILE`; false for anything else.
    private static func takeGlobal(_ argument: String, _ rest: inout ArraySlice<String>, _ global: inout GlobalOptions) -> Bool {
        guard argument == "--root" || argument == "--file", let value = rest.popFirst(), !value.hasPrefix("-") else { return false }
        if argument == "--root" { global.root = value } else { global.file = value }
        return true
    }

    private static func finish<Command: ParsableCommand>(_ command: Command, _ global: GlobalOptions) -> Bool {
        var command = command
        // An invalid value: the full parser reports it, with the usage line.
        guard (try? global.validate()) != nil, (try? command.validate()) != nil else { return false }
        do {
            try command.run()
        } catch {
            Command.exit(withError: error)
        }
        return true
    }
}
