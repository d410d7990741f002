/// `dynix append`: one entry, one line, one commit.
extension ConfigHistory {
    public struct AppendResult: Sendable {
        public let commit: ObjectID
        public let entry: Entry
    }

    public func append(_ entry: Entry, message userMessage: String?) throws -> AppendResult {
        let rendered = NixSyntax.render(entry.value)
        let generated = "set \(entry.path) = \(rendered)"
        let subject = userMessage.map { $0.isEmpty ? generated : $0 } ?? generated
        var trailers = Trailers()
        trailers.add("Dynix-Option", entry.path.description)
        trailers.add("Dynix-Value", rendered)
        let body = userMessage == nil ? nil : generated
        // Appends must stay fast on a long history: no parse when the file ends the way dynix writes it.
        let bytes = try DynamicFile.appendingLine(entry, to: committedBytes()) ?? committedFile().appending(entry).bytes
        let id = try commitFileChange(bytes, message: message(.append, subject: subject, body: body, trailers: trailers))
        return AppendResult(commit: id, entry: entry)
    }
}
