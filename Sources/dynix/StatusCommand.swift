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
        do {
            let status = try history.status()
            if json {
                try JSONOutput.print(StatusCommand.json(status))
                return
            }
            var lines: [String] = []
            let staticText = status.staticSystem.generation.map(String.init) ?? "unknown"
            let switched = status.staticSystem.switchedAt.map { "   switched " + Formatting.time($0) } ?? ""
            lines.append("static generation   \(staticText)\(switched)")
            switch status.live {
            case .generation(let g):
                lines.append("dynamic generation  \(g.number)    live since \(Formatting.time(g.event.time)) (\(g.event.user))")
            case .reset(let event):
                let what = event.kind == .boot ? "boot" : event.kind == .rebuild ? "rebuild" : "a failed apply restored the static configuration"
                lines.append("dynamic generation  none since \(what) at \(Formatting.time(event.time))")
            case .rebooted(let g):
                lines.append("dynamic generation  none: the machine booted since generation \(g.number) was applied")
            case .resetSpooled(let event):
                lines.append(
                    "dynamic generation  none since a reset at \(Formatting.time(event.time)) (spooled; the next dynix command run as root records it)")
            case .unknown(let event):
                lines.append(
                    Terminal.red(
                        "dynamic generation  UNKNOWN since \(Formatting.time(event.time)): \(event.subject); run `dynix apply` or `nixos-rebuild switch`"))
            case .nothing:
                lines.append("dynamic generation  none yet")
            }
            lines.append("pending             " + (status.pending.isEmpty ? "none" : "\(status.pending.count) option(s), run `dynix apply`"))
            if status.drift { lines.append(Terminal.yellow("drift               \(global.paths.dynamicFile) was edited outside dynix; see `dynix adopt`")) }
            if status.interruptedTransaction { lines.append(Terminal.yellow("interrupted         a write was interrupted; the next dynix command repairs it")) }
            if !status.spooled.isEmpty { lines.append("spooled events      \(status.spooled.count) (committed by the next dynix command)") }
            let width = (status.liveValues + status.pending).map { $0.option.description.count }.max() ?? 0
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
            Terminal.page(lines)
        }
    }

    static func json(_ status: ConfigHistory.Status) -> StatusJSON {
        let live: StatusJSON.Live
        switch status.live {
        case .generation(let g): live = .init(state: "generation", generation: g.number, since: Formatting.isoTime(g.event.time), user: g.event.user)
        case .reset(let e): live = .init(state: e.kind?.rawValue ?? "reset", generation: nil, since: Formatting.isoTime(e.time), user: e.user)
        case .rebooted(let g): live = .init(state: "rebooted", generation: nil, since: nil, user: nil, lastGeneration: g.number)
        case .unknown(let e): live = .init(state: "unknown", generation: nil, since: Formatting.isoTime(e.time), user: e.user)
        case .resetSpooled(let e): live = .init(state: "reset-spooled", generation: nil, since: Formatting.isoTime(e.time), user: e.user)
        case .nothing: live = .init(state: "none", generation: nil, since: nil, user: nil)
        }
        return StatusJSON(
            staticGeneration: status.staticSystem.generation,
            staticSystem: status.staticSystem.currentSystem,
            live: live,
            head: status.head.hex,
            pending: status.pending.map(ChangeJSON.init),
            liveValues: status.liveValues.map(ChangeJSON.init),
            drift: status.drift,
            interruptedTransaction: status.interruptedTransaction,
            spooledEvents: status.spooled.count
        )
    }
}
