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
        let current = try committedBytes()
        let bytes = try DynamicFile.appendingLine(entry, to: current) ?? parsedCommitted(current).appending(entry).bytes
        let id = try commitFileChange(bytes, message: message(.append, subject: subject, body: body, trailers: trailers))
        return AppendResult(commit: id, entry: entry)
    }

    private func parsedCommitted(_ bytes: [UInt8]) throws -> DynamicFile {
        do {
            return try DynamicFile(bytes: bytes)
        } catch DynixError.unparsableFile(let line, let column, let why) {
            throw DynixError.fileUnparsable(path: "\(store.path) (branch main)", line: line, column: column, why)
        }
    }

    /// `dynix adopt`: records the file on disk, edited outside dynix, once it parses.
    public func adopt(message userMessage: String?) throws -> ObjectID? {
        guard let bytes = try workingBytes() else { throw DynixError.io(path: paths.dynamicFile, "the file is missing; nothing to adopt") }
        let file: DynamicFile
        do {
            file = try DynamicFile(bytes: bytes)
        } catch DynixError.unparsableFile(let line, let column, let why) {
            throw DynixError.fileUnparsable(path: paths.dynamicFile, line: line, column: column, why)
        }
        try checkEntries(file.entries)
        let old = try committedFile()
        if old.bytes == bytes { return nil }
        var trailers = Trailers()
        for path in ConfigHistory.changedOptions(old.effective, file.effective) { trailers.add("Dynix-Option", path.description) }
        return try commitFileChange(file.bytes, message: message(.adopt, subject: userMessage ?? "adopt an edit made outside dynix", trailers: trailers))
    }

    /// `dynix checkpoint`: rewrites the file to its effective entries, one per option; the fold is proven unchanged.
    public func checkpoint(message userMessage: String?) throws -> (commit: ObjectID?, before: Int, after: Int) {
        let old = try committedFile()
        let compact = DynamicFile.rendering(try compactEntries(old.effective))
        guard compact.effective == old.effective else {
            throw DynixError.io(path: paths.dynamicFile, "checkpoint would change effective values; refusing (this is a bug in dynix)")
        }
        if compact.bytes == old.bytes { return (nil, old.entries.count, old.entries.count) }
        let subject = userMessage ?? "checkpoint: \(old.entries.count) entries compacted to \(compact.entries.count)"
        let id = try commitFileChange(compact.bytes, message: message(.checkpoint, subject: subject))
        return (id, old.entries.count, compact.entries.count)
    }

    /// Effective entries: one per declared option when there is a manifest (attrs options stay whole), else one per leaf.
    func compactEntries(_ effective: EffectiveValues) throws -> [Entry] {
        guard let manifest = try manifest() else { return effective.leafEntries }
        var entries: [Entry] = []
        var covered = EffectiveValues(entries: [])
        for path in manifest.options.keys.sorted() {
            if let value = effective.value(at: path) {
                entries.append(Entry(path: path, value: value))
            }
        }
        covered = EffectiveValues(entries: entries)
        // Anything the manifest does not declare (an older manifest, say) is kept leaf by leaf rather than lost.
        for leaf in effective.leafEntries where covered.value(at: leaf.path) != leaf.value {
            entries.append(leaf)
        }
        return entries
    }

    /// Refuses entries the module system would read as code, and, with a manifest, undeclared options or wrong types.
    func checkEntries(_ entries: [Entry]) throws {
        try ConfigHistory.check(entries, manifest: try manifest())
    }

    static func check(_ entries: [Entry], manifest: Manifest?) throws {
        for entry in entries {
            if let first = entry.path.components.first, reservedTopLevelNames.contains(first) { throw DynixError.reservedOptionName(first) }
            try entry.value.checkRepresentable()
            guard let manifest else { continue }
            guard let option = manifest.option(covering: entry.path) else {
                throw DynixError.unknownOption(entry.path.description, suggestions: manifest.suggestions(for: entry.path))
            }
            if option.path == entry.path, !option.type.accepts(entry.value) {
                throw DynixError.invalidValue(option: entry.path.description, value: NixSyntax.render(entry.value), expected: option.type.description)
            }
        }
    }

    static func changedOptions(_ a: EffectiveValues, _ b: EffectiveValues) -> [OptionPath] {
        let left = Dictionary(a.leafEntries.map { ($0.path, $0.value) }, uniquingKeysWith: { $1 })
        let right = Dictionary(b.leafEntries.map { ($0.path, $0.value) }, uniquingKeysWith: { $1 })
        return Set(left.keys).union(right.keys).filter { left[$0] != right[$0] }.sorted()
    }
}
