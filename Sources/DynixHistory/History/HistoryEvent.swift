/// One commit of the history, read back as the event it records.
public struct HistoryEvent: Sendable {
    public let commit: ObjectID
    public let kind: EventKind?
    public let subject: String
    public let body: String
    public let trailers: Trailers
    public let time: Int64
    /// When the commit was made; differs from `time` for an event the hook spooled and a later command recorded.
    public let recordedAt: Int64
    public let offsetMinutes: Int32
    public let user: String
    public let changesFile: Bool

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
    public var isLivenessEvent: Bool { HistoryEvent.isLiveness(kind, restored: restored) }

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

    public var restored: RestoreOutcome? { trailers[.restored].flatMap(RestoreOutcome.init(rawValue:)) }

    public var generation: Int? { trailers[.generation].flatMap { Int($0) } }
    public var staticGeneration: Int? { trailers[.staticGeneration].flatMap { Int($0) } }
    public var options: [String] { trailers.all(.option) }
    public var rollbackOf: Int? { trailers[.rollbackOf].flatMap { Int($0) } }
    public var bootID: String? { trailers[.bootID] }
    public var activation: String? { trailers[.activation] }
}
