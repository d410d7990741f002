import Glibc

/// The points of a write where a test may kill dynix (`DYNIX_FAULT=STEP`, SIGKILL there), to prove the
/// next command recovers from a crash at each. `scripts/torture` lists the same names (a test checks).
enum FaultStep: String, CaseIterable, Sendable {
    case objectsWritten = "objects-written"
    case txnWritten = "txn-written"
    case txnSynced = "txn-synced"
    case txnRenamed = "txn-renamed"
    case fileWritten = "file-written"
    case fileSynced = "file-synced"
    case fileRenamed = "file-renamed"
    case branchMoved = "branch-moved"
    case txnRemoved = "txn-removed"
    case applyCommitted = "apply-committed"
    case applyTagged = "apply-tagged"
    /// `dynix checkpoint`: the pack and its index are durable, no loose object deleted yet.
    case packWritten = "pack-written"

    /// The steps of one file change (an append), in order.
    static let fileChange: [FaultStep] = Array(allCases.prefix(through: allCases.firstIndex(of: .txnRemoved)!))

    /// The three steps of an atomic write, for the txn record and for the file.
    struct AtomicWrite {
        let written: FaultStep
        let synced: FaultStep
        let renamed: FaultStep

        static let txn = AtomicWrite(written: .txnWritten, synced: .txnSynced, renamed: .txnRenamed)
        static let file = AtomicWrite(written: .fileWritten, synced: .fileSynced, renamed: .fileRenamed)
    }
}

/// Only in a test build (`DYNIX_FAULT_INJECTION`, Package.swift: every debug build, and a release build made
/// with `DYNIX_FAULT_INJECTION=1` for the crash tests): a released dynix has no way to be told to kill itself.
enum FaultInjection {
    #if DYNIX_FAULT_INJECTION
        static let target: FaultStep? = {
            guard let raw = getenv("DYNIX_FAULT") else { return nil }
            return FaultStep(rawValue: String(decoding: UnsafeRawBufferPointer(start: raw, count: strlen(raw)), as: UTF8.self))
        }()
    #else
        static let target: FaultStep? = nil
    #endif

    static func reach(_ step: FaultStep) {
        guard let target, target == step else { return }
        kill(getpid(), SIGKILL)
    }
}
