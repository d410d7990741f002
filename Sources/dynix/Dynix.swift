import ArgumentParser

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
}
