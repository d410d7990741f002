import ArgumentParser

/// `dynix --version` and the plain forms of `dynix log` without argument-parser's parse, which reflects
/// over every command's properties and scans the whole (statically linked) runtime's protocol
/// conformances: about 5 M instructions before any work (BENCHMARKS.md). Anything it does not recognise
/// goes to the full parser, which reports errors and help.
enum FastPath {
    static func run(_ arguments: [String]) -> Bool {
        if arguments == ["--version"] {
            Terminal.out(Dynix.configuration.version)
            return true
        }
        guard arguments.first == "log" else { return false }
        var global = GlobalOptions()
        global.root = nil
        global.file = nil
        global.lockTimeout = 30
        global.colour = .auto
        global.noPager = false
        var command = LogCommand()
        command.n = nil
        command.option = nil
        command.since = nil
        command.oneline = false
        command.patch = false
        command.date = .default
        command.json = false
        var rest = arguments.dropFirst()
        while let argument = rest.popFirst() {
            switch argument {
            case "-n", "--root", "--file":
                guard let value = rest.popFirst(), !value.hasPrefix("-") else { return false }
                switch argument {
                case "-n":
                    guard let n = Int(value) else { return false }
                    command.n = n
                case "--root": global.root = value
                default: global.file = value
                }
            case "--json": command.json = true
            case "--oneline": command.oneline = true
            default: return false
            }
        }
        command.global = global
        // An invalid value: the full parser reports it, with the usage line.
        guard (try? global.validate()) != nil, (try? command.validate()) != nil else { return false }
        do {
            try command.run()
        } catch {
            LogCommand.exit(withError: error)
        }
        return true
    }
}
