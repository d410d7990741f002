import ArgumentParser
import DynixHistory

struct PushCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "push",
        abstract: "Send this host's history (main and every gen/N) to the central side: one atomic, signed git push over ssh.",
        discussion:
            "The central side is etc/dynix/central.json (the NixOS module writes it); dynix-push.service runs this after each change and every 15 minutes. Nothing on the apply path touches the network."
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("Write the history to FILE (a git bundle) and FILE.sig instead, for `dynix fleet import`.", valueName: "FILE"))
    var bundle: String?

    @Option(help: ArgumentHelp("The private key that signs the bundle (default: central.json's identityFile).", valueName: "FILE"))
    var identity: String?

    func validate() throws {
        if identity != nil && bundle == nil { throw ValidationError("--identity signs a bundle: give --bundle FILE") }
    }

    func run() throws {
        try ErrorVoice.reporting {
            let history = try global.openHistory()
            let central = try CentralConfiguration.load(global.paths)
            if let bundle {
                guard let key = identity ?? central?.identityFile else {
                    throw DynixError.fleet(.noCentralConfiguration(path: global.paths.under(CentralConfiguration.relativePath())))
                }
                try history.writeBundle(to: bundle, identity: key)
                Terminal.out("dynix: wrote \(bundle) and \(bundle).sig (main at \(try history.head().short))")
                return
            }
            guard let central else { throw DynixError.fleet(.noCentralConfiguration(path: global.paths.under(CentralConfiguration.relativePath()))) }
            let outcome = try history.push(to: central)
            for warning in outcome.warnings { Terminal.writeError(Terminal.yellow("dynix: warning: ") + warning) }
            Terminal.out(
                outcome.changed
                    ? "dynix: pushed to \(central.url) (main at \(try history.head().short))" : "dynix: \(central.url) already holds everything")
        }
    }
}
