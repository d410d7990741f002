import Glibc

/// The points of a write where a test may kill dynix (`DYNIX_FAULT=STEP`, SIGKILL there), to prove the
/// next command recovers from a crash at each. The one list of them: `Tests/crash/torture` reads these cases.
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

    /// Writes a test may have refused as a full disk refuses them (`DYNIX_FAULT_REFUSE=WRITE[,WRITE…]`), to prove
    /// what a refusal, which is not a crash, leaves behind.
    enum Refusable: String, CaseIterable, Sendable {
        /// Moving the branch, after the txn record and the file were written.
        case branchUpdate = "branch-update"
        /// Putting the file back after such a refusal.
        case putBack = "put-back"
        /// `checkpoint`'s packing, after its compaction commit.
        case pack = "pack"
        /// A commit object libgit2 reports written that is not there: libgit2 1.5 returns an id for an object it
        /// could not write (a full disk at that write). The loose object is removed to model it.
        case commitObject = "commit-object"
    }

    #if DYNIX_FAULT_INJECTION
        static let refused: [String] = getenv("DYNIX_FAULT_REFUSE").map { String(cString: $0).split(separator: ",").map(String.init) } ?? []
    #endif

    /// In a release build these do nothing, and the path is never built: they sit on every append's path.
    static func refuse(_ write: Refusable, path: @autoclosure () -> String) throws {
        #if DYNIX_FAULT_INJECTION
            if refused.contains(write.rawValue) { throw DynixError.noSpace(path: path()) }
        #endif
    }

    static func loseCommitObject(_ id: ObjectID, gitDirectory: String) {
        #if DYNIX_FAULT_INJECTION
            guard refused.contains(Refusable.commitObject.rawValue) else { return }
            unlink(gitDirectory + "/objects/" + id.hex.prefix(2) + "/" + id.hex.dropFirst(2))
        #endif
    }
}
