/// `dynix append`: one entry, one line, one commit.
extension HistoryWriter {
    public struct AppendResult: Sendable {
        public let commit: ObjectID
        public let entry: Entry
        /// When the entry lies inside an attribute-set option: that option. The module layers the dynamic
        /// value over the option as a whole, so the static contents of the set do not show through.
        public let coveringOption: OptionPath?
    }

    /// Reads OPTION and VALUE from the command line as the manifest declares them, then appends.
    public func append(option: String, value: String, reading: ValueReading, message userMessage: String?) throws -> AppendResult {
        let manifest = try history.manifest()
        let entry = try Entry.from(option: option, value: value, reading: reading, manifest: manifest)
        return try append(entry, message: userMessage)
    }

    public func append(_ entry: Entry, message userMessage: String?) throws -> AppendResult {
        let rendered = NixSyntax.render(entry.value)
        let generated = "set \(entry.path) = \(rendered)"
        let subject = userMessage.map { $0.isEmpty ? generated : $0 } ?? generated
        var trailers = Trailers()
        trailers.add(.option, entry.path.description)
        trailers.add(.value, rendered)
        let body = userMessage == nil ? nil : generated
        // Appends must stay fast on a long history: no parse when the file ends the way dynix writes it.
        let bytes = try DynamicFile.appendingLine(entry, to: history.committedBytes()) ?? history.committedFile().appending(entry).bytes
        let id = try commitFileChange(bytes, message: history.message(.append, subject: subject, body: body, trailers: trailers))
        let covering = try history.manifest()?.option(covering: entry.path).map(\.path)
        return AppendResult(commit: id, entry: entry, coveringOption: covering == entry.path ? nil : covering)
    }
}
