/// `dynix checkpoint`: the file compacted to its effective entries.
extension HistoryWriter {
    /// `dynix checkpoint`: rewrites the file to its effective entries, one per option; the fold is proven unchanged.
    public func checkpoint(message userMessage: String?) throws -> (commit: ObjectID?, before: Int, after: Int) {
        let old = try history.committedFile()
        let compact = DynamicFile.rendering(try compactEntries(old.effective))
        guard compact.effective == old.effective else {
            throw DynixError.io(path: paths.dynamicFile, "checkpoint would change effective values; refusing (this is a bug in dynix)")
        }
        if compact.bytes == old.bytes { return (nil, old.entries.count, old.entries.count) }
        let subject = userMessage ?? "checkpoint: \(old.entries.count) entries compacted to \(compact.entries.count)"
        let id = try commitFileChange(compact.bytes, message: history.message(.checkpoint, subject: subject))
        return (id, old.entries.count, compact.entries.count)
    }

    /// Effective entries: one per declared option when there is a manifest (attrs options stay whole), else one per leaf.
    func compactEntries(_ effective: EffectiveValues) throws -> [Entry] {
        guard let manifest = try history.manifest() else { return effective.leafEntries }
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
}
