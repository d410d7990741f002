import CInterruption

/// SIGINT, SIGTERM and SIGHUP during a section that changes the running system: remembered, and passed on
/// to the running child (CInterruption holds the handler), so the section can end in a known state.
public enum Interruption {
    private static var depth = 0

    /// Runs `body` with the signals caught; nested sections share the outermost one's handlers.
    static func guarding<T>(_ body: () throws -> T) rethrows -> T {
        if depth == 0 { dynix_interruption_begin() }
        depth += 1
        defer {
            depth -= 1
            if depth == 0 { dynix_interruption_end() }
        }
        return try body()
    }

    /// The signal received in the current section, if any.
    static var received: Int32? {
        let number = dynix_interruption_received()
        return number == 0 ? nil : number
    }

    /// While putting back what was live, a second Ctrl-C must not stop that too: signals are only remembered.
    static func shielded<T>(_ body: () throws -> T) rethrows -> T {
        dynix_interruption_set_forwarding(0)
        defer { dynix_interruption_set_forwarding(1) }
        return try body()
    }

    static func name(_ number: Int32) -> String {
        switch number {
        case 2: return "SIGINT"
        case 15: return "SIGTERM"
        case 1: return "SIGHUP"
        default: return "signal \(number)"
        }
    }
}
