import ArgumentParser
import DynixHistory

@main
struct Dynix: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dynix",
        abstract: "Change selected NixOS service settings at run time, with an auditable git history.",
        discussion: """
            Entries go into /etc/nixos/dynamic.nix, one git commit each; `dynix apply` makes them live as
            dynamic generation N; a `nixos-rebuild switch` or a boot resets services to their static settings.
            """,
        version: "0.1.0",
        subcommands: [
            InitCommand.self, AppendCommand.self, ApplyCommand.self, StatusCommand.self, LogCommand.self,
            GenerationsCommand.self, ShowCommand.self, DiffCommand.self, RollbackCommand.self,
            CheckpointCommand.self, AdoptCommand.self, OptionsCommand.self, RebuildHookCommand.self,
        ]
    )

    /// Global options may come before the subcommand, as with git (`dynix --root DIR log`):
    /// argument-parser wants them after it, so they are moved there.
    static func main() {
        var arguments = Array(CommandLine.arguments.dropFirst())
        var leading: [String] = []
        let takesValue: Set<String> = ["--root", "--file", "--lock-timeout"]
        while let first = arguments.first {
            if takesValue.contains(first), arguments.count >= 2 {
                leading += arguments.prefix(2)
                arguments.removeFirst(2)
            } else if let name = first.split(separator: "=").first, takesValue.contains(String(name)), first.contains("=") {
                leading.append(first)
                arguments.removeFirst()
            } else {
                break
            }
        }
        if !leading.isEmpty, let subcommand = arguments.first, !subcommand.hasPrefix("-") {
            arguments = [subcommand] + leading + arguments.dropFirst()
        } else {
            arguments = leading + arguments
        }
        if arguments.first != "rebuild-hook" {
            let seconds = UInt32(ProcessEnvironment.values["DYNIX_WATCHDOG"] ?? "") ?? 120
            Watchdog.start(
                seconds: seconds, exitStatus: 1,
                message:
                    "dynix: error: gave up after \(seconds) s of its own work (waiting for the lock or for build and activation does not count)\nhint: the history repository may be damaged: `git --git-dir ROOT/var/lib/dynix/history.git fsck --full` (ROOT: / or --root)\n"
            )
        }
        main(arguments)
    }
}
