import ArgumentParser
import DynixHistory
import Glibc

struct ApplyCommand: WritingCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Build and activate the committed dynamic configuration as a new generation."
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var applyOptions: ApplyFlags

    @Flag(help: "Build, then say what would change and which units would restart; change nothing.")
    var dryRun = false

    func run(_ writer: HistoryWriter) throws {
        var options = applyOptions.options
        options.dryRun = dryRun
        try ApplyCommand.runApply(writer, options: options)
    }

    static func runApply(_ writer: HistoryWriter, options: HistoryWriter.ApplyOptions) throws {
        let outcome = try writer.apply(options) { progress in
            switch progress {
            case .building(let generation):
                Terminal.out("building against " + (generation.map { "static generation \($0)" } ?? "the running static system") + " …")
            case .reusing(let program, let generation):
                Terminal.out("reusing the activation program of generation \(generation) (\(program)); nothing to build")
            case .output(let stream, let bytes):
                Terminal.write(bytes, toStandardError: stream == .stderr)
            case .activating(let program):
                Terminal.out(Terminal.dim("activating \(program)"))
            case .checking(let attempt):
                if attempt > 1 { Terminal.out(Terminal.dim("health check, attempt \(attempt) …")) }
            case .restoreStarted(let signal):
                if let signal {
                    Terminal.writeError(Terminal.yellow("interrupted by \(signal); restoring what was live (a further interrupt will be refused) …"))
                } else {
                    Terminal.writeError(Terminal.yellow("activation failed; restoring what was live …"))
                }
            case .restoring(let what):
                Terminal.writeError(Terminal.dim("restoring \(what)"))
            }
            fflush(nil)
        }
        switch outcome {
        case .applied(let generation):
            let staticGeneration = generation.event.staticGeneration.map { "static \($0)" } ?? "no static profile"
            Terminal.out(
                Terminal.green("generation \(generation.number) is live")
                    + " (\(staticGeneration), \(generation.appliedCommit?.short ?? generation.commit.short))")
        case .nothingToApply(let generation?):
            Terminal.out("nothing to apply: generation \(generation.number) is live with these values (--force applies anyway)")
        case .nothingToApply(nil):
            Terminal.out("nothing to apply: the static configuration is live and no dynamic value is committed (--force applies anyway)")
        case .dryRun(let program, let changes, let restarts):
            // As `nixos-rebuild dry-activate`: what would change, and which units would restart.
            Terminal.out("would activate \(program)")
            if changes.isEmpty {
                Terminal.out("no value would change")
            } else {
                Terminal.out("would change:")
                for line in Formatting.changes(changes, indent: "  ") { Terminal.out(line) }
            }
            if let restarts {
                for line in restarts { Terminal.out(line) }
            } else {
                Terminal.out("which units would restart is not known: this manifest's activation program has no dry run (activationDryRun)")
            }
        }
    }
}

/// Options shared by `apply`, `append --apply` and `rollback`.
struct ApplyFlags: ParsableArguments {
    @Flag(help: "Build and activate even when the committed values are already live.")
    var force = HistoryWriter.ApplyOptions().force

    @Flag(help: "Apply even though the static configuration changed since the last switch.")
    var allowStaticDrift = HistoryWriter.ApplyOptions().allowStaticDrift

    @Option(help: ArgumentHelp("Seconds the activation may take.", valueName: "SECONDS"))
    var activationTimeout = HistoryWriter.ApplyOptions().activationTimeout

    @Option(help: ArgumentHelp("Seconds for the health check to pass after activation.", valueName: "SECONDS"))
    var confirmTimeout = HistoryWriter.ApplyOptions().confirmTimeout

    var options: HistoryWriter.ApplyOptions {
        var options = HistoryWriter.ApplyOptions()
        options.allowStaticDrift = allowStaticDrift
        options.force = force
        options.activationTimeout = activationTimeout
        options.confirmTimeout = confirmTimeout
        return options
    }

    func validate() throws {
        guard activationTimeout > 0, confirmTimeout >= 0 else { throw ValidationError("timeouts must be positive") }
    }
}
