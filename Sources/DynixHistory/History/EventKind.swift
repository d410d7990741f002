/// What a commit in the history records (`Dynix-Event:`).
package enum EventKind: String, Sendable, CaseIterable {
    case `init`, append, apply
    case applyFailed = "apply-failed"
    case rebuild, boot, rollback, checkpoint, `import`, adopt, unset

    /// Events that change the dynamic file; the others are empty commits.
    package var changesFile: Bool {
        switch self {
        case .`init`, .append, .rollback, .checkpoint, .`import`, .adopt, .unset: return true
        case .apply, .applyFailed, .rebuild, .boot: return false
        }
    }

    /// Events after which nothing dynamic is live until the next apply.
    package var isReset: Bool { self == .rebuild || self == .boot }
}
