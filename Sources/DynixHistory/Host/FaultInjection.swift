#if canImport(Glibc)
    import Glibc
#endif

/// Test-only: `DYNIX_FAULT=STEP` makes the process die with SIGKILL when it reaches STEP,
/// so tests can prove recovery from a crash at every step of a write.
enum FaultInjection {
    static let target: String? = {
        guard let raw = getenv("DYNIX_FAULT") else { return nil }
        return String(cString: raw)
    }()

    static func reach(_ step: String) {
        guard let target, target == step else { return }
        kill(getpid(), SIGKILL)
    }
}
