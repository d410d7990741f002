/// `dynix rollback`: an earlier generation's file becomes the newest commit, then (by default) goes live.
extension ConfigHistory {
    /// The default target: the generation before the live one; with nothing live, the newest generation.
    package func defaultRollbackTarget() throws -> Int {
        let numbers = try store.generationTags().map(\.number)
        if let live = try liveGeneration() {
            guard let previous = numbers.last(where: { $0 < live.number }) else { throw DynixError.nothingToRollBack }
            return previous
        }
        guard let newest = numbers.last else { throw DynixError.nothingToRollBack }
        return newest
    }

}

extension HistoryWriter {
    /// Commits generation `target`'s content as a `rollback` event (nil when the file already has it).
    @discardableResult
    package func rollback(to target: Int, message userMessage: String?) throws -> ObjectID? {
        let generation = try history.generation(target)
        let content = try store.content(at: generation.commit)
        let current = try history.committedFile()
        guard content != current.bytes else { return nil }
        let file = try history.committedFile(at: generation.commit)
        var trailers = Trailers()
        trailers.add(.rollbackOf, String(target))
        for path in ConfigHistory.changedOptions(current.effective, file.effective) { trailers.add(.option, path.description) }
        return try commitFileChange(
            file.bytes, message: history.message(.rollback, subject: userMessage ?? "roll back to generation \(target)", trailers: trailers))
    }
}
