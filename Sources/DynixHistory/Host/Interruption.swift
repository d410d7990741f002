import CSignals

/// SIGINT, SIGTERM and SIGHUP during an apply: remembered, acknowledged on stderr at once, and passed on
/// to the running child (the handler is C: CSignals/interruption.c), so the apply can end in a known state.
enum Interruption {
    /// What an interrupt means at this point of an apply; the handler says it and acts on it.
    enum Phase {
        /// Building or deciding: nothing on the running system has changed.
        case preparing
        /// Activating or checking: stop the program, then restore what was live.
        case changing
        /// Restoring what was live: refused.
        case restoring
        /// Writing the outcome to the history: refused (the system already changed; the record must follow).
        case recording

        var raw: Int32 {
            switch self {
            case .preparing: return Int32(DYNIX_PHASE_PREPARING)
            case .changing: return Int32(DYNIX_PHASE_CHANGING)
            case .restoring: return Int32(DYNIX_PHASE_RESTORING)
            case .recording: return Int32(DYNIX_PHASE_RECORDING)
            }
        }
    }

    /// Runs `body` with the signals caught; nested sections share the outermost one's handlers.
    static func guarding<T>(_ body: () throws -> T) rethrows -> T {
        dynix_interruption_enter()
        defer { dynix_interruption_leave() }
        return try body()
    }

    /// The first signal received in the current section, if any.
    static var received: Int32? {
        let number = dynix_interruption_received()
        return number == 0 ? nil : number
    }

    /// Runs `body` in `phase`, then returns to the phase before.
    static func during<T>(_ phase: Phase, _ body: () throws -> T) rethrows -> T {
        let previous = dynix_interruption_set_phase(phase.raw)
        defer { _ = dynix_interruption_set_phase(previous) }
        return try body()
    }

    /// While putting back what was live, a second Ctrl-C must not stop that too: signals are refused.
    static func shielded<T>(_ body: () throws -> T) rethrows -> T {
        try during(.restoring, body)
    }

    static var isShielded: Bool { dynix_interruption_phase() == Phase.restoring.raw }

    static func name(_ number: Int32) -> String {
        switch number {
        case 2: return "SIGINT"
        case 15: return "SIGTERM"
        case 1: return "SIGHUP"
        default: return "signal \(number)"
        }
    }
}
