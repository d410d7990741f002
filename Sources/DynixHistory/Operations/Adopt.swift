/// `dynix adopt`, and the checks every entry that reaches the file passes, whoever wrote it.
extension HistoryWriter {
    /// `dynix adopt`: records the file on disk, edited outside dynix, once it parses.
    package func adopt(message userMessage: String?) throws -> ObjectID? {
        guard let bytes = try history.workingBytes() else { throw DynixError.fileMissing(paths.dynamicFile) }
        let file = try DynamicFile(bytes: bytes, source: paths.dynamicFile)
        try history.checkEntries(file.entries)
        let old = try history.committedFile()
        if old.bytes == bytes { return nil }
        var trailers = Trailers()
        for path in ConfigHistory.changedOptions(old.effective, file.effective) { trailers.add(.option, path.description) }
        return try commitFileChange(
            file.bytes, message: history.message(.adopt, subject: userMessage ?? "adopt an edit made outside dynix", trailers: trailers))
    }

}

extension ConfigHistory {
    /// Refuses entries the module system would read as code, and, with a manifest, undeclared options or wrong types.
    func checkEntries(_ entries: [Entry]) throws {
        try ConfigHistory.check(entries, manifest: try manifest())
    }

    static func check(_ entries: [Entry], manifest: Manifest?) throws {
        for entry in entries { try entry.check(against: manifest) }
    }

    static func changedOptions(_ a: EffectiveValues, _ b: EffectiveValues) -> [OptionPath] {
        let left = Dictionary(a.leafEntries.map { ($0.path, $0.value) }, uniquingKeysWith: { $1 })
        let right = Dictionary(b.leafEntries.map { ($0.path, $0.value) }, uniquingKeysWith: { $1 })
        return Set(left.keys).union(right.keys).filter { left[$0] != right[$0] }.sorted()
    }
}
