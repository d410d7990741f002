import CSignals

/// A last resort against hangs in dynix's own work (libgit2 spins forever on some truncated objects):
/// SIGALRM ends the process with a fixed message and status (the handler is C: CSignals/watchdog.c).
/// Time spent waiting for the lock or for a child program (build, activation) does not count; those
/// have their own timeouts.
package enum Watchdog {
    /// `pausable: false` makes the deadline absolute (the rebuild hook promises activation an answer within 10 s).
    package static func start(seconds: UInt32, exitStatus: Int32, pausable: Bool = true, message: String) {
        dynix_watchdog_start(seconds, exitStatus, pausable ? 1 : 0, message)
    }

    /// Runs `body` with the alarm stopped, then gives back what was left of it (at least 5 s).
    static func paused<T>(_ body: () throws -> T) rethrows -> T {
        let left = dynix_watchdog_pause()
        defer { dynix_watchdog_resume(left) }
        return try body()
    }
}

extension Watchdog {
    /// Before `exec`: an alarm survives it and would end the program dynix becomes.
    package static func stop() { _ = dynix_watchdog_pause() }
}
