/// `dynix unset`: options back to their static values. The file is rewritten without them (the history
/// keeps what was there); every other option keeps its effective value, which is checked.
extension HistoryWriter {
    package struct UnsetResult: Sendable {
        package let commit: ObjectID
        /// Each option with the dynamic value it had.
        package let removed: [(option: OptionPath, value: NixValue)]
        /// Paths inside an attribute-set option, with that option: the module layers the dynamic set over the
        /// option as a whole, so such a key does not get its static value back, it is just absent from the set.
        package let insideSetOptions: [(path: OptionPath, option: OptionPath)]
    }

    package func unset(_ options: [String], message userMessage: String?) throws -> UnsetResult {
        let paths = try options.map { try OptionPath(parsing: $0) }
        let file = try history.committedFile()
        let before = file.effective
        var removed: [(option: OptionPath, value: NixValue)] = []
        for path in paths {
            guard let value = before.value(at: path) else { throw DynixError.notSetDynamically(path.description) }
            removed.append((path, value))
        }
        let remaining = file.entries.compactMap { entry in paths.reduce(Optional(entry)) { kept, path in kept.flatMap { $0.removing(path) } } }
        let after = DynamicFile.rendering(remaining)
        let afterValues = after.effective
        // Everything else must fold exactly as before: the check that the rewrite dropped only what was asked.
        for leaf in before.leafEntries where !paths.contains(where: { leaf.path.hasPrefix($0) }) {
            guard afterValues.value(at: leaf.path) == leaf.value else {
                throw DynixError.internalInconsistency("unset would change \(leaf.path) too")
            }
        }
        var trailers = Trailers()
        for path in paths { trailers.add(.option, path.description) }
        let generated = "unset " + paths.map(\.description).joined(separator: ", ")
        let id = try commitFileChange(
            after.bytes, message: history.message(.unset, subject: userMessage ?? generated, body: userMessage == nil ? nil : generated, trailers: trailers),
            effective: afterValues)
        let manifest = try history.manifest()
        let inside = paths.compactMap { path -> (path: OptionPath, option: OptionPath)? in
            guard let covering = manifest?.option(covering: path), covering.path != path else { return nil }
            return (path, covering.path)
        }
        return UnsetResult(commit: id, removed: removed, insideSetOptions: inside)
    }
}

extension Entry {
    /// This entry without what it sets at or under `path` (nil: nothing left of it).
    func removing(_ path: OptionPath) -> Entry? {
        if self.path.hasPrefix(path) { return nil }
        guard path.hasPrefix(self.path) else { return self }
        // The entry sets an attribute set that contains `path`: take the key out of the value.
        let inner = Array(path.components.dropFirst(self.path.components.count))
        guard let value = Entry.removing(inner, from: value) else { return nil }
        return Entry(path: self.path, value: value)
    }

    /// nil when nothing is left: an empty set would replace the static one, not give it back.
    private static func removing(_ inner: [String], from value: NixValue) -> NixValue? {
        guard let first = inner.first, case .attrs(var set) = value, let child = set[first] else { return value }
        set[first] = inner.count == 1 ? nil : removing(Array(inner.dropFirst()), from: child)
        return set.isEmpty ? nil : .attrs(set)
    }
}
