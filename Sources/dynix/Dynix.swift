import ArgumentParser
import DynixHistory
import Glibc

@main
struct Dynix: ParsableCommand {
    static let version = "0.1.0"
    static let configuration = CommandConfiguration(
        commandName: "dynix",
        abstract: "Change selected NixOS service settings at run time, with an auditable git history.",
        discussion: """
            Entries go into /etc/nixos/dynamic.nix, one git commit each; `dynix apply` makes them live as dynamic generation N; a `nixos-rebuild switch` or a boot resets services to their static settings.
            """,
        version: version,
        subcommands: [
            InitCommand.self, AppendCommand.self, ApplyCommand.self, StatusCommand.self, LogCommand.self,
            GenerationsCommand.self, ShowCommand.self, DiffCommand.self, TimelineCommand.self, RollbackCommand.self, UnsetCommand.self,
            CheckpointCommand.self, AdoptCommand.self, OptionsCommand.self, PushCommand.self, FleetCommand.self, RebuildHookCommand.self,
        ]
    )

    /// Global options may come before the subcommand, as with git (`dynix --root DIR log`): argument-parser
    /// wants them after it, so `CommandLineWords` moves them there, and refuses what it would misreport.
    /// What `FastPath` takes (the plain forms of `log` and `append`, `--version`) holds nothing `CommandLineWords`
    /// would rewrite, since it declines any word that begins with `-` but its own options, so it goes first.
    static func main() {
        // Whatever umask root's shell has, nothing dynix creates (or libgit2 creates for it, or a program it starts)
        // is writable by group or others: under umask 000 another user could write the history's config. A
        // stricter umask (077) stays as it is.
        umask(umask(0o022) | 0o022)
        let words = Array(CommandLine.arguments.dropFirst())
        let fast = FastPath.mayTake(words)
        if fast {
            startWatchdog()
            if FastPath.run(words) { return }
        }
        // `--color` holds for a refusal of the command line too, which comes before any command has read it.
        if let color = requestedColor(words) { Terminal.colorMode = color }
        let arguments: [String]
        do {
            arguments = try CommandLineWords(words) {
                configuration.subcommands.map { $0._commandName } + ["help"]
            }.arguments
        } catch {
            if case CommandLineWords.Problem.noCommand = error { Terminal.writeError(helpMessage()) }
            exit(reporting: error, command: nil)
        }
        if !fast, arguments.first != "rebuild-hook" { startWatchdog() }
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch {
            exit(reporting: error, command: commandPath(arguments))
        }
    }

    /// The command a refused command line was for, as its help names it: `log`, or `fleet live`.
    static func commandPath(_ arguments: [String]) -> String? {
        guard let first = arguments.first, !first.hasPrefix("-") else { return nil }
        guard let group = configuration.subcommands.first(where: { $0._commandName == first }), arguments.count > 1,
            group.configuration.subcommands.contains(where: { $0._commandName == arguments[1] })
        else { return first }
        return first + " " + arguments[1]
    }

    /// The last `--color WHEN` or `--color=WHEN` before `--`, if WHEN is one.
    static func requestedColor(_ words: [String]) -> Terminal.ColorMode? {
        var color: Terminal.ColorMode?
        for (index, word) in words.enumerated() {
            if word == "--" { break }
            if word == "--color", index + 1 < words.count, let mode = Terminal.ColorMode(rawValue: words[index + 1]) { color = mode }
            if word.hasPrefix("--color="), let mode = Terminal.ColorMode(rawValue: String(word.dropFirst("--color=".count))) { color = mode }
        }
        return color
    }

    /// Every way out with an error: through `ErrorVoice`, or argument-parser's own for help and `--version`.
    static func exit(reporting error: Error, command: String?) -> Never {
        guard let status = ErrorVoice.report(error, command: command) else { exit(withError: error) }
        exit(withError: ExitCode(status))
    }

    private static func startWatchdog() {
        let seconds = UInt32(ProcessEnvironment.value("DYNIX_WATCHDOG") ?? "") ?? 120
        let refusal = GaveUp(seconds: seconds)
        Watchdog.start(seconds: seconds, exitStatus: refusal.exitStatus, message: ErrorVoice.text(refusal, colored: false) + "\n")
    }
}
