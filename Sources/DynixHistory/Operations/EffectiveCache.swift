import Glibc

/// The effective values of committed states, kept on disk so `status` and `diff` need not parse and fold a long file
/// (ARCHITECTURE.md §2, "One file change"): `var/lib/dynix/effective/<tree-id>.json`, one file per content.
///
/// The key is the id of the commit's tree, which holds only `dynamic.nix`: a content hash of the file
/// (one tree per blob), read from the commit without reading the blob. A key never names other content,
/// so no entry can be stale; an entry that is missing, unreadable, truncated or corrupt is a miss, and the caller
/// parses. Nothing here ever throws: the cache is derived data and never fails a command.
///
/// Format: a header line `dynix-effective 1 <tree-hex> <body length> <FNV-1a 64 of the body, hex>`, then the folded tree
/// as compact JSON (`JSON.serialize`: doubles print in Swift's shortest form that reads back to the same value, so
/// floats round-trip exactly; Nix floats are always finite).
struct EffectiveCache {
    let directory: String
    /// Entries kept besides the head's, the live generation's and the one just written: the newest by time.
    static let spare = 2
    private static let magic = "dynix-effective 1"

    /// The folded values stored for `key`, or nil on any doubt.
    func load(_ key: ObjectID) -> EffectiveValues? {
        guard let bytes = try? FileSystem.readBytes(file(key)), let newline = bytes.firstIndex(of: 10) else { return nil }
        let header = String(decoding: bytes[..<newline], as: UTF8.self).split(separator: " ").map(String.init)
        let body = bytes[(newline + 1)...]
        guard header.count == 5, header[0] + " " + header[1] == EffectiveCache.magic, header[2] == key.hex,
            Int(header[3]) == body.count, header[4] == EffectiveCache.checksum(body),
            case .attrs(let tree)? = try? JSON.parse(String(decoding: body, as: UTF8.self))
        else { return nil }
        return EffectiveCache.values(tree)
    }

    /// Stores `values` for `key` when this process may write the cache (a reader without root just does not), then
    /// removes entries beyond `keep`, `key` and the `spare` newest.
    func store(_ values: EffectiveValues, for key: ObjectID, keep: Set<ObjectID>) {
        guard FileSystem.canWrite(directory), (try? FileSystem.makeDirectory(directory, mode: 0o755)) != nil else { return }
        let body = Array(JSON.serialize(.attrs(values.tree)).utf8)
        let header = "\(EffectiveCache.magic) \(key.hex) \(body.count) \(EffectiveCache.checksum(body[...]))\n"
        // A reader sees the old entry, none, or the whole new one. Not durable: this is derived data, and what a
        // power cut could leave (an empty or short file) fails the header check and is parsed again and replaced.
        guard (try? FileSystem.writeAtomically(file(key), Array(header.utf8) + body, mode: 0o644, durable: false)) != nil else { return }
        prune(keeping: keep.union([key]))
    }

    func file(_ key: ObjectID) -> String { "\(directory)/\(key.hex).json" }

    /// Keeps the cache bounded: `keep` and the `spare` newest other entries stay; other entries, and temporary
    /// files a killed writer left (older than a minute), go.
    private func prune(keeping keep: Set<ObjectID>) {
        let kept = Set(keep.map { "\($0.hex).json" })
        var others: [(name: String, time: Int64)] = []
        let now = Int64(time(nil))
        for name in FileSystem.listDirectory(directory) where !kept.contains(name) {
            let modified = FileSystem.linkModificationTime("\(directory)/\(name)") ?? 0
            if name.hasPrefix(".") {
                if now - modified > 60 { FileSystem.remove("\(directory)/\(name)") }
            } else {
                others.append((name, modified))
            }
        }
        for old in others.sorted(by: { $0.time != $1.time ? $0.time > $1.time : $0.name < $1.name }).dropFirst(EffectiveCache.spare) {
            FileSystem.remove("\(directory)/\(old.name)")
        }
    }

    /// Effective values whose tree is `tree`, through `EffectiveValues`'s own fold: one entry per top-level name
    /// folds to exactly that tree (nothing to merge with), and further entries fold on top as they would in the file.
    static func values(_ tree: [String: NixValue], then entries: [Entry] = []) -> EffectiveValues {
        EffectiveValues(entries: tree.map { Entry(path: OptionPath([$0.key]), value: $0.value) } + entries)
    }

    static func checksum(_ bytes: ArraySlice<UInt8>) -> String { String(Checksum.fnv1a(bytes), radix: 16) }
}

extension ConfigHistory {
    var effectiveCache: EffectiveCache { EffectiveCache(directory: paths.effectiveCache) }

    /// The effective values of the file committed in `commit`: from the cache, else parsed, folded and stored.
    func effective(atCommit commit: ObjectID) throws -> EffectiveValues {
        let tree = try store.commit(commit).tree
        if let cached = effectiveCache.load(tree) { return cached }
        let values = try committedFile(at: commit).effective
        storeEffective(values, tree: tree)
        return values
    }

    /// The cached effective values of the file committed in `commit`; nil when not cached (nothing is parsed).
    func cachedEffective(atCommit commit: ObjectID) -> EffectiveValues? {
        (try? store.commit(commit).tree).flatMap { effectiveCache.load($0) }
    }

    /// Stores `values` for `tree`, keeping the entries of the head and of the live generation.
    func storeEffective(_ values: EffectiveValues, tree: ObjectID) {
        var keep: Set<ObjectID> = []
        if let head = try? store.head(), let headTree = try? store.commit(head).tree { keep.insert(headTree) }
        if let live = try? liveGeneration(), let liveTree = try? store.commit(live.commit).tree { keep.insert(liveTree) }
        effectiveCache.store(values, for: tree, keep: keep)
    }
}
