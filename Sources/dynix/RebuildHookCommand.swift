import ArgumentParser
import DynixHistory
import Glibc

struct RebuildHookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild-hook",
        abstract: "For the NixOS activation script: record a static switch or a boot. Always exits 0 within 10 s."
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("The static system being activated ($systemConfig).", valueName: "PATH"))
    var system: String?

    func run() {
        // Activation must never hang on us: whatever happens, leave with status 0 after 10 s.
        Watchdog.start(
            seconds: 9, exitStatus: 0, pausable: false,
            message: "dynix: warning: rebuild-hook gave up after 9 s; the reset stays spooled for the next dynix command\n")
        switch RebuildHook.run(global.paths, system: system, identity: global.identity, lockTimeout: min(global.lockTimeout, 5)) {
        case .recorded(let kind):
            Terminal.out("dynix: recorded \(kind.rawValue)")
        case .awaitingInit:
            Terminal.out("dynix: no history at \(global.paths.history) yet; `dynix init` will record this activation when it starts one")
        case .spooled(let reason):
            Terminal.writeError("dynix: warning: reset spooled, not yet in the history (\(reason)); the next dynix command records it")
        case .lost(let reason):
            Terminal.writeError("dynix: warning: could not record the reset: \(reason)")
        }
    }
}
