import ArgumentParser
import DynixHistory

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Static generation, live dynamic generation, pending appends, drift."
    )

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        try reportingErrors {
            let status = try global.openHistory().status()
            if json { print(JSON.serialize(StatusCommand.json(status), pretty: true)); return }
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
                lines.append("dynamic generation  none since a reset at \(Formatting.time(event.time)) (spooled; the next dynix command run as root records it)")
            case .unknown(let event):
                lines.append(Terminal.red("dynamic generation  UNKNOWN since \(Formatting.time(event.time)): \(event.subject); run `dynix apply` or `nixos-rebuild switch`"))
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

    static func json(_ status: ConfigHistory.Status) -> NixValue {
        var live: [String: NixValue] = [:]
        switch status.live {
        case .generation(let g): live = ["state": .string("generation"), "generation": .int(Int64(g.number)), "since": .string(Formatting.isoTime(g.event.time)), "user": .string(g.event.user)]
        case .reset(let e): live = ["state": .string(e.kind?.rawValue ?? "reset"), "since": .string(Formatting.isoTime(e.time))]
        case .rebooted(let g): live = ["state": .string("boot"), "lastGeneration": .int(Int64(g.number))]
        case .unknown(let e): live = ["state": .string("unknown"), "since": .string(Formatting.isoTime(e.time))]
        case .resetSpooled(let e): live = ["state": .string("reset-spooled"), "since": .string(Formatting.isoTime(e.time))]
        case .nothing: live = ["state": .string("none")]
        }
        return .attrs([
            "staticGeneration": status.staticSystem.generation.map { .int(Int64($0)) } ?? .null,
            "staticSystem": status.staticSystem.currentSystem.map(NixValue.string) ?? .null,
            "live": .attrs(live),
            "head": .string(status.head.hex),
            "pending": .list(status.pending.map(Formatting.changeJSON)),
            "liveValues": .list(status.liveValues.map(Formatting.changeJSON)),
            "drift": .bool(status.drift),
            "interruptedTransaction": .bool(status.interruptedTransaction),
            "spooledEvents": .int(Int64(status.spooled.count)),
        ])
    }
}
