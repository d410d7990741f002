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
            CheckpointCommand.self, AdoptCommand.self, OptionsCommand.self, RebuildHookCommand.self,
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
        let arguments: [String]
        do {
            arguments = try CommandLineWords(words) {
                configuration.subcommands.map { $0._commandName } + ["help"]
            }.arguments
        } catch let problem as CommandLineWords.Problem {
            switch problem {
            case .noCommand:
                Terminal.writeError(helpMessage())
                Terminal.writeError("dynix: error: no command given\nhint: `dynix status` shows where things stand; `dynix help` lists the commands")
            case .unknownCommand(let word, let close):
                Terminal.writeError("dynix: error: `\(word)` is not a dynix command")
                Terminal.writeError("hint: " + (close.isEmpty ? "" : "did you mean \(close.joined(separator: " or "))? ") + "`dynix help` lists the commands")
            case .dashValue(let command, let word):
                Terminal.writeError("dynix: error: `\(word)` looks like an option, not a VALUE")
                Terminal.writeError("hint: a value that begins with `-` goes after `--`: dynix \(command) OPTION -- \(word)")
            }
            exit(withError: ExitCode(64))
        } catch {
            exit(withError: error)
        }
        if !fast, arguments.first != "rebuild-hook" { startWatchdog() }
        main(arguments)
    }

    private static func startWatchdog() {
        let seconds = UInt32(ProcessEnvironment.value("DYNIX_WATCHDOG") ?? "") ?? 120
        Watchdog.start(
            seconds: seconds, exitStatus: 1,
            message:
                "dynix: error: gave up after \(seconds) s of its own work (waiting for the lock or for build and activation does not count)\nhint: the history repository may be damaged: `git --git-dir ROOT/var/lib/dynix/history.git fsck --full` (ROOT: / or --root)\n"
        )
    }
}
