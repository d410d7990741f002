/// One commit of the history, read back as the event it records.
package struct HistoryEvent: Sendable {
    package let commit: ObjectID
    package let kind: EventKind?
    package let subject: String
    package let body: String
    package let trailers: Trailers
    package let time: Int64
    /// When the commit was made; differs from `time` for an event the hook spooled and a later command recorded.
    package let recordedAt: Int64
    package let offsetMinutes: Int32
    package let user: String
    package let changesFile: Bool

    init(_ commit: GitCommit, changesFile: Bool) {
        let parsed = Trailers.parse(message: commit.message)
        self.commit = commit.id
        self.kind = parsed.trailers[.event].flatMap(EventKind.init(rawValue:))
        self.subject = parsed.subject
        self.body = parsed.body
        self.trailers = parsed.trailers
        self.time = commit.author.time
        self.recordedAt = commit.committer.time
        self.offsetMinutes = commit.author.offsetMinutes
        self.user = parsed.trailers[.user] ?? commit.author.name
        self.changesFile = kind?.changesFile ?? changesFile
    }

    /// Events that change what is live: an apply, a reset, or an apply whose restore failed too.
    package var isLivenessEvent: Bool { HistoryEvent.isLiveness(kind, restored: restored) }

    /// The one definition of "this event changes what is live", for events read and events being written.
    static func isLiveness(_ kind: EventKind?, restored: RestoreOutcome?) -> Bool {
        switch kind {
        case .apply?, .rebuild?, .boot?: return true
        case .applyFailed?: return restored == .no || restored == .static
        default: return false
        }
    }

    /// Seconds the clock was set back between `previous`, the commit before this one, and this one (nil: it was not).
    /// A commit is recorded after the one before it, so an earlier recording time means the clock went back.
    func clockSetBack(since previous: HistoryEvent) -> Int64? {
        recordedAt < previous.recordedAt ? previous.recordedAt - recordedAt : nil
    }

    package var restored: RestoreOutcome? { trailers[.restored].flatMap(RestoreOutcome.init(rawValue:)) }

    package var generation: Int? { trailers[.generation].flatMap { Int($0) } }
    package var staticGeneration: Int? { trailers[.staticGeneration].flatMap { Int($0) } }
    package var options: [String] { trailers.all(.option) }
    package var rollbackOf: Int? { trailers[.rollbackOf].flatMap { Int($0) } }
    package var bootID: String? { trailers[.bootID] }
    package var activation: String? { trailers[.activation] }
}
