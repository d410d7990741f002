/// The `gen/N` tags against what the history itself records: each generation's number is in its apply
/// commit's `Dynamic-Generation` trailer, and its tag is how `generations`, `show N` and `rollback N` find it.
extension ConfigHistory {
    /// A generation whose tag is gone; `commit` is its apply commit when the history still has it.
    public struct MissingTag: Equatable, Sendable {
        public let number: Int
        public let commit: ObjectID?
    }

    /// Generations are numbered 1, 2, 3… without a gap, so a number below the highest tag, or the live generation,
    /// without a tag is a tag someone removed. Cheap when nothing is missing (the tags and the head); only then is
    /// the history walked, to name the commit of each missing one.
    public func missingGenerationTags() throws -> [MissingTag] {
        let tagged = Set(try store.generationTags().map(\.number))
        var highest = tagged.max() ?? 0
        var commits: [Int: ObjectID] = [:]
        switch try liveState() {
        case .generation(let generation), .rebooted(let generation):
            highest = max(highest, generation.number)
            commits[generation.number] = generation.commit
        default: break
        }
        let missing = highest < 1 ? [] : (1...highest).filter { !tagged.contains($0) }
        var wanted = Set(missing).subtracting(commits.keys)
        if !wanted.isEmpty {
            try store.walk { event in
                if event.kind == .apply, let number = event.generation, wanted.remove(number) != nil { commits[number] = event.commit }
                return !wanted.isEmpty
            }
        }
        return missing.map { MissingTag(number: $0, commit: commits[$0]) }
    }
}
