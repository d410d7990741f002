import ArgumentParser
import DynixHistory
import Glibc

/// The options every command takes, as values: where the system is, how long to wait for the lock, how to write.
/// Both parsers fill it (`GlobalOptions` for argument-parser, `FastPath`), and the defaults are these.
struct GlobalSettings: Equatable {
    var root: String?
    var file: String?
    var lockTimeout: Double = 30
    var color: Terminal.ColorMode = .auto
    var noPager = false

    var paths: Paths { Paths(root: root ?? ProcessEnvironment.value("DYNIX_ROOT") ?? "/", dynamicFile: file) }

    var identity: Identity { Identity.current(sudoUser: ProcessEnvironment.value("SUDO_USER")) }

    /// Opens the history for a reading command (which also finishes a crashed write or spooled events when idle).
    func openHistory() throws -> ConfigHistory {
        let history = try ConfigHistory.open(paths, identity: identity)
        history.repairIfIdle()
        return history
    }

    /// Opens the history for a command that changes it: lock, recovery, drift check.
    func openForWriting(allowDrift: Bool = false) throws -> HistoryWriter {
        try ConfigHistory.open(paths, identity: identity).beginWriting(lockTimeout: lockTimeout, allowDrift: allowDrift)
    }

    /// Checks the values and sets the output rules, which hold for the whole process: nothing is written yet.
    func validate() throws {
        guard lockTimeout >= 0 else { throw ValidationError("--lock-timeout must not be negative") }
        Terminal.colorMode = color
        Terminal.pagerAllowed = !noPager
    }
}

/// `GlobalSettings` as argument-parser reads it.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Resolve every system path under DIR (default: $DYNIX_ROOT or /).", valueName: "DIR"), completion: .directory)
    var root: String?

    @Option(name: .long, help: ArgumentHelp("The dynamic file (default: ROOT/etc/nixos/dynamic.nix).", valueName: "FILE"), completion: .file())
    var file: String?

    @Option(name: .long, help: ArgumentHelp("Seconds to wait for another dynix to finish.", valueName: "SECONDS"))
    var lockTimeout: Double = GlobalSettings().lockTimeout

    @Option(help: ArgumentHelp("Color: auto (on a terminal, not with NO_COLOR), always or never.", valueName: "WHEN"))
    var color: Terminal.ColorMode = GlobalSettings().color

    @Flag(help: "Do not page long output (also: DYNIX_PAGER=cat).")
    var noPager = GlobalSettings().noPager

    var settings: GlobalSettings { GlobalSettings(root: root, file: file, lockTimeout: lockTimeout, color: color, noPager: noPager) }

    var paths: Paths { settings.paths }
    var identity: Identity { settings.identity }
    func openHistory() throws -> ConfigHistory { try settings.openHistory() }
    func openForWriting(allowDrift: Bool = false) throws -> HistoryWriter { try settings.openForWriting(allowDrift: allowDrift) }
    func validate() throws { try settings.validate() }
}
