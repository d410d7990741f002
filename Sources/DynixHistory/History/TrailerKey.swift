/// Every trailer dynix writes, by name (ARCHITECTURE.md "The history format" says what each means).
package enum TrailerKey: String, CaseIterable, Sendable {
    case event = "Dynix-Event"
    case option = "Dynix-Option"
    case value = "Dynix-Value"
    case staticGeneration = "Static-Generation"
    case staticSystem = "Static-System"
    case bootID = "Boot-Id"
    case user = "Dynix-User"
    case generation = "Dynamic-Generation"
    case rollbackOf = "Rollback-Of"
    case activation = "Activation"
    case appliedCommit = "Applied-Commit"
    case exitStatus = "Exit-Status"
    case restored = "Restored"
    case interrupted = "Interrupted"
    case spool = "Dynix-Spool"
    case liveEvent = "Live-Event"
}

/// How restoring went after a failed or interrupted apply (the `Restored:` trailer).
package enum RestoreOutcome: String, Sendable {
    /// The previous generation is live again.
    case yes
    /// The static configuration was put back: nothing dynamic is live.
    case `static`
    /// Restoring failed too: nobody knows what runs.
    case no
}

extension Trailers {
    package subscript(key: TrailerKey) -> String? { self[key.rawValue] }

    package mutating func add(_ key: TrailerKey, _ value: String?) { add(key.rawValue, value) }

    /// The values of a trailer that may repeat (`Dynix-Option`), in order.
    package func all(_ key: TrailerKey) -> [String] { pairs.filter { $0.key == key.rawValue }.map(\.value) }
}
