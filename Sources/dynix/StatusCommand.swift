import ArgumentParser
import DynixHistory

struct StatusCommand: ReadingCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Static generation, live dynamic generation, pending appends, drift."
    )

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print JSON.")
    var json = false

    func run(_ history: ConfigHistory) throws {
        let status = try history.status()
        if json {
            try JSONOutput.print(StatusCommand.json(status))
        } else {
            Terminal.page(StatusCommand.lines(status, paths: history.paths))
        }
        // As `systemctl status` does: a state that needs attention is not success. 4 and 5 mean what
        // they mean for `apply`.
        if case .unknown = status.live { throw ExitCode(5) }
        if status.lastFailure != nil { throw ExitCode(4) }
    }

    static func lines(_ status: ConfigHistory.Status, paths: Paths) -> [String] {
        let row = Formatting.row
        var lines: [String] = []
        let staticText = status.staticSystem.generation.map(String.init) ?? "unknown"
        let switched = status.staticSystem.switchedAt.map { ", switched " + Formatting.time($0) } ?? ""
        lines.append(row("static generation", staticText + switched))
        switch status.live {
        case .generation(let g):
            lines.append(row("dynamic generation", "\(g.number), live since \(Formatting.time(g.event.time)) (\(g.event.user))"))
        case .reset(let event):
            let what = event.kind == .boot ? "boot" : event.kind == .rebuild ? "rebuild" : "a failed apply restored the static configuration"
            lines.append(row("dynamic generation", "none since \(what) at \(Formatting.time(event.time))"))
        case .rebooted(let g):
            lines.append(row("dynamic generation", "none: the machine booted since generation \(g.number) was applied"))
        case .resetSpooled(let event):
            lines.append(
                row("dynamic generation", "none since a reset at \(Formatting.time(event.time)) (spooled; the next dynix command run as root records it)"))
        case .unknown(let event):
            lines.append(Terminal.red(row("dynamic generation", "UNKNOWN since \(Formatting.time(event.time)): \(event.subject)")))
            lines.append(
                row("", "to recover: `dynix apply` makes the committed values live; `nixos-rebuild switch` returns to the static configuration"))
        case .nothing:
            lines.append(row("dynamic generation", "none yet"))
        }
        if let failure = status.lastFailure {
            let restored = failure.restored.map { ", restored: \($0.rawValue)" } ?? ""
            lines.append(Terminal.red(row("last apply", "FAILED at \(Formatting.time(failure.time)): \(failure.subject)\(restored)")))
            lines.append(row("", "`dynix log -n 3` shows its output; fix the value and `dynix apply` again"))
        }
        if let drift = status.staticDrift {
            lines.append(Terminal.yellow(row("static drift", "running \(drift.running), but the live generation was built on \(drift.built)")))
            lines.append(row("", "the rebuild hook did not record the switch: `nixos-rebuild switch` (or `dynix apply`) settles it"))
        }
        let count = status.pending.count
        let options = count == 1 ? "1 option" : "\(count) options"
        if count == 0 {
            lines.append(row("pending", "none"))
        } else if status.hasManifest {
            lines.append(row("pending", "\(options), run `dynix apply`"))
        } else {
            lines.append(row("pending", "\(options); no manifest at \(paths.manifest), so nothing can be applied here (enable the dynix NixOS module)"))
        }
        if status.fileMissing {
            lines.append(Terminal.yellow(row("file", "\(paths.dynamicFile) is missing: restore it with `dynix show --nix > \(paths.dynamicFile)`")))
        } else if status.drift {
            lines.append(
                Terminal.yellow(
                    row("file", "\(paths.dynamicFile) was edited outside dynix: record it with `dynix adopt`, or restore it with `dynix show --nix`")))
        }
        for missing in status.missingTags {
            let restore =
                missing.commit.map {
                    "restore it: git --git-dir \(paths.history) -c user.name=dynix -c user.email=dynix@localhost tag -a gen/\(missing.number) -m \"dynix generation \(missing.number)\" \($0.hex)"
                } ?? "its apply commit is not in the history either"
            lines.append(Terminal.yellow(row("missing tag", "gen/\(missing.number) (generation \(missing.number)) is gone; \(restore)")))
        }
        if status.interruptedTransaction { lines.append(Terminal.yellow(row("interrupted", "a write was interrupted; the next dynix command repairs it"))) }
        if !status.spooled.isEmpty {
            let events = status.spooled.count == 1 ? "1 event" : "\(status.spooled.count) events"
            lines.append(row("spooled", "\(events), committed by the next dynix command"))
        }
        if let central = status.central {
            let last = central.lastPush.map { "last push \(Formatting.time($0.time))" } ?? "never pushed"
            let text = central.unpushed == 0 ? "up to date (\(last))" : "\(counted(central.unpushed, "commit", "commits")) not pushed yet; \(last)"
            lines.append(central.unpushed == 0 ? row("central", text) : Terminal.yellow(row("central", text + ": `dynix push` sends them")))
        }
        let width = (status.liveValues + status.pending).map { Terminal.displayWidth($0.option.description) }.max() ?? 0
        if !status.liveValues.isEmpty {
            lines.append("")
            lines.append("live:")
            lines += status.liveValues.map { "  " + Formatting.change($0, width: width) }
        }
        if !status.pending.isEmpty {
            lines.append("")
            lines.append("pending (committed, not live):")
            lines += status.pending.map { "  " + Terminal.yellow(Formatting.change($0, width: width)) }
        }
        return lines
    }

    static func json(_ status: ConfigHistory.Status) -> StatusJSON {
        let live = StatusJSON.Live(status.live)
        return StatusJSON(
            staticGeneration: status.staticSystem.generation,
            staticSystem: status.staticSystem.currentSystem,
            live: live,
            head: status.head.hex,
            pending: status.pending.map(ChangeJSON.init),
            liveValues: status.liveValues.map(ChangeJSON.init),
            drift: status.drift,
            fileMissing: status.fileMissing,
            interruptedTransaction: status.interruptedTransaction,
            spooledEvents: status.spooled.count,
            lastFailure: status.lastFailure.map { EventJSON($0) },
            staticDrift: status.staticDrift.map { StatusJSON.StaticDrift(built: $0.built, running: $0.running) },
            missingTags: status.missingTags.map { StatusJSON.MissingTag(generation: $0.number, commit: $0.commit?.hex) },
            central: StatusJSON.Central(lag: status.central.map { ($0.unpushed, $0.lastPush.map { Formatting.isoTime($0.time) }) })
        )
    }
}
