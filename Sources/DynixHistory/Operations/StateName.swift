/// The states of the dynamic configuration a command names (`live`, `pending`, `static`, `file`, a generation, a moment), and their files and effective values.
extension ConfigHistory {
    /// A state of the dynamic configuration that can be named on the command line.
    package enum StateName: Equatable, Sendable, CustomStringConvertible {
        case live, pending, staticOnly
        /// The file on disk, which differs from `pending` only when edited outside dynix.
        case working
        case generation(Int)
        /// What was live at a moment (`--at TIME`), read from the history (Moment.swift).
        case liveAt(Int64)

        /// `live`, `pending` (or `head`), `static`, `file`, or a generation number (`7` or `gen/7`).
        package init?(_ text: String) {
            switch text {
            case "live": self = .live
            case "pending", "head", "HEAD": self = .pending
            case "static": self = .staticOnly
            case "file": self = .working
            default:
                let digits = text.hasPrefix("gen/") ? String(text.dropFirst(4)) : text
                guard let n = Int(digits), n > 0 else { return nil }
                self = .generation(n)
            }
        }

        package var description: String {
            switch self {
            case .live: return "live"
            case .pending: return "pending"
            case .staticOnly: return "static"
            case .working: return "the file on disk"
            case .generation(let n): return "generation \(n)"
            case .liveAt(let time): return "live at \(Clock.localText(time))"
            }
        }
    }

    /// The committed file of a named state (nil: nothing dynamic, only the static configuration).
    package func file(of state: StateName) throws -> DynamicFile? {
        switch state {
        case .pending: return try committedFile()
        case .staticOnly: return nil
        case .working:
            guard let bytes = try workingBytes() else { return nil }
            return try DynamicFile(bytes: bytes, source: paths.dynamicFile)
        case .generation(let n): return try committedFile(at: generation(n).commit)
        case .live:
            guard let live = try liveGeneration() else { return nil }
            return try committedFile(at: live.commit)
        case .liveAt(let time):
            guard let commit = try generationCommit(at: time) else { return nil }
            return try committedFile(at: commit)
        }
    }

    /// The apply commit of the generation live at `time`; nil when the static configuration was.
    private func generationCommit(at time: Int64) throws -> ObjectID? {
        switch try moment(at: time).live {
        case .generation(let generation): return generation.commit
        case .unknown: throw DynixError.unknownAt(time: time)
        default: return nil
        }
    }

    /// Committed states come from the effective-value cache when it has their content (EffectiveCache.swift).
    package func effective(_ state: StateName) throws -> EffectiveValues {
        switch state {
        case .pending: return try effective(atCommit: head())
        case .generation(let n): return try effective(atCommit: generation(n).commit)
        case .live:
            guard let live = try liveGeneration() else { return EffectiveValues(entries: []) }
            return try effective(atCommit: live.commit)
        case .liveAt(let time):
            guard let commit = try generationCommit(at: time) else { return EffectiveValues(entries: []) }
            return try effective(atCommit: commit)
        case .staticOnly, .working: return try file(of: state)?.effective ?? EffectiveValues(entries: [])
        }
    }

    /// Bytes for a file diff: the file on disk as it is, even when it does not parse.
    func rawBytes(of state: StateName) throws -> [UInt8] {
        if state == .working { return try workingBytes() ?? [] }
        return try file(of: state)?.bytes ?? []
    }
}
