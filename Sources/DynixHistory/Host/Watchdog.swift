#if canImport(Glibc)
import Glibc
#endif

/// A last resort against hangs in dynix's own work (libgit2 spins forever on some truncated objects):
/// SIGALRM ends the process with a fixed message and status. Time spent waiting for the lock or for a
/// child program (build, activation) does not count; those have their own timeouts.
public enum Watchdog {
    private static var message: [UInt8] = []
    private static var status: Int32 = 1
    private static var pausable = true

    /// `pausable: false` makes the deadline absolute (the rebuild hook promises activation an answer within 10 s).
    public static func start(seconds: UInt32, exitStatus: Int32, pausable: Bool = true, message text: String) {
        message = Array(text.utf8)
        status = exitStatus
        Watchdog.pausable = pausable
        signal(SIGALRM) { _ in
            // Only async-signal-safe calls here: write and _exit.
            Watchdog.message.withUnsafeBytes { _ = write(2, $0.baseAddress, $0.count) }
            _exit(Watchdog.status)
        }
        alarm(seconds)
    }

    /// Runs `body` with the alarm stopped, then gives back what was left of it (at least 5 s).
    static func paused<T>(_ body: () throws -> T) rethrows -> T {
        guard pausable else { return try body() }
        let left = alarm(0)
        defer { if left > 0 { alarm(max(left, 5)) } }
        return try body()
    }
}
