import ArgumentParser
import DynixHistory
import Glibc

/// Options every command takes: where the system is, and how long to wait for the lock.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Resolve every system path under DIR (default: $DYNIX_ROOT or /).", valueName: "DIR"), completion: .directory)
    var root: String?

    @Option(name: .long, help: ArgumentHelp("The dynamic file (default: ROOT/etc/nixos/dynamic.nix).", valueName: "FILE"), completion: .file())
    var file: String?

    @Option(name: .long, help: ArgumentHelp("Seconds to wait for another dynix to finish.", valueName: "SECONDS"))
    var lockTimeout: Double = 30

    @Option(name: .customLong("color"), help: ArgumentHelp("Colour: auto (on a terminal, not with NO_COLOR), always or never.", valueName: "WHEN"))
    var colour: Terminal.ColourMode = .auto

    @Flag(help: "Do not page long output (also: DYNIX_PAGER=cat).")
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

    func validate() throws {
        guard lockTimeout >= 0 else { throw ValidationError("--lock-timeout must not be negative") }
        // Output settings hold for the whole process, and nothing has been written yet.
        Terminal.colourMode = colour
        Terminal.pagerAllowed = !noPager
    }
}

/// The variables dynix reads, one at a time: a `[String: String]` of the whole environment would cost a scan of the
/// runtime's protocol conformances on first use, before every command.
enum ProcessEnvironment {
    static func value(_ name: String) -> String? { getenv(name).map { String(cString: $0) } }
}
