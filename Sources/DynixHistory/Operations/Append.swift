/// `dynix append`: one entry, one line, one commit.
extension HistoryWriter {
    package struct AppendResult: Sendable {
        package let commit: ObjectID
        package let entry: Entry
        /// When the entry lies inside an attribute-set option: that option. The module layers the dynamic
        /// value over the option as a whole, so the static contents of the set do not show through.
        package let coveringOption: OptionPath?
    }

    /// Reads OPTION and VALUE from the command line as the manifest declares them, then appends.
    package func append(option: String, value: String, reading: ValueReading, message userMessage: String?) throws -> AppendResult {
        try append(pairs: [(option, value)], reading: reading, message: userMessage)[0]
    }

    /// Several OPTION VALUE pairs, one commit: all are checked before anything is written.
    package func append(pairs: [(option: String, value: String)], reading: ValueReading, message userMessage: String?) throws -> [AppendResult] {
        let manifest = try history.manifest()
        let entries = try pairs.map { try Entry.from(option: $0.option, value: $0.value, reading: reading, manifest: manifest) }
        return try append(entries, message: userMessage)
    }

    package func append(_ entry: Entry, message userMessage: String?) throws -> AppendResult {
        try append([entry], message: userMessage)[0]
    }

    package func append(_ entries: [Entry], message userMessage: String?) throws -> [AppendResult] {
        let generated = entries.map { "set \($0.path) = \(NixSyntax.render($0.value))" }.joined(separator: ", ")
        let subject = userMessage.map { $0.isEmpty ? generated : $0 } ?? generated
        var trailers = Trailers()
        for entry in entries {
            trailers.add(.option, entry.path.description)
            trailers.add(.value, NixSyntax.render(entry.value))
        }
        let body = userMessage == nil ? nil : generated
        // Appends must stay fast on a long history: no parse when the file ends the way dynix writes it.
        // The new entries are last in the file, so the new head folds to the old head's values (cached) with them on top.
        let before = history.cachedEffective(atCommit: try history.head())
        var bytes = try history.committedBytes()
        for entry in entries {
            bytes = try DynamicFile.appendingLine(entry, to: bytes) ?? DynamicFile(bytes: bytes).appending(entry).bytes
        }
        let id = try commitFileChange(
            bytes, message: history.message(.append, subject: subject, body: body, trailers: trailers),
            effective: before.map { EffectiveCache.values($0.tree, then: entries) })
        let manifest = try history.manifest()
        return entries.map { entry in
            let covering = manifest?.option(covering: entry.path).map(\.path)
            return AppendResult(commit: id, entry: entry, coveringOption: covering == entry.path ? nil : covering)
        }
    }
}
