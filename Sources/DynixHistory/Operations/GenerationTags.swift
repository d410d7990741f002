/// The `gen/N` tags against what the history itself records: each generation's number is in its apply
/// commit's `Dynamic-Generation` trailer, and its tag is how `generations`, `show N` and `rollback N` find it.
extension ConfigHistory {
    /// A generation whose tag is gone; `commit` is its apply commit when the history still has it.
    package struct MissingTag: Equatable, Sendable {
        package let number: Int
        package let commit: ObjectID?
    }

    /// Generations are numbered 1, 2, 3… without a gap, so when the tags are exactly 1…N and the live generation is
    /// one of them, nothing is missing: the tags and the head decide it. Otherwise the history is walked once, and
    /// every apply commit's `Dynamic-Generation` without its tag is named (a tag of another number, `gen/20240101`
    /// say, does not make up numbers).
    package func missingGenerationTags() throws -> [MissingTag] {
        let tags = try store.generationTags()
        let tagged = Set(tags.map(\.number))
        var liveNumber: Int?
        switch try liveState() {
        case .generation(let generation), .rebooted(let generation): liveNumber = generation.number
        default: break
        }
        let contiguous = tagged.count == (tagged.max() ?? 0) && tagged.allSatisfy { $0 >= 1 }
        if contiguous, liveNumber.map(tagged.contains) ?? true { return [] }
        var missing: [Int: ObjectID] = [:]
        try store.walk { event in
            if event.kind == .apply, let number = event.generation, !tagged.contains(number), missing[number] == nil {
                missing[number] = event.commit
            }
            return true
        }
        return missing.keys.sorted().map { MissingTag(number: $0, commit: missing[$0]) }
    }
}
