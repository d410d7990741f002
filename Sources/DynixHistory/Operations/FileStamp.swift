/// What dynix last knew of the dynamic file: that this `FileVersion` of it holds exactly the content of this tree.
/// With it, the drift check before every write is a `stat` instead of reading and inflating the committed
/// copy of a file that reaches a megabyte on a long history (ARCHITECTURE.md, "Drift").
///
/// A stamp is written only for a version no later write can repeat: one dynix wrote with a settled modification
/// time (`FileSystem.writeSettled`), or one whose bytes were compared with the tree's and whose modification and
/// change times lie well before the read (`FileVersion.isSettled(readAfter:)`). A stamp names the tree it vouches for, so after any
/// other change of the branch or the file it simply does not match, and the content is compared again.
/// Derived data: not fsync'd; anything missing, short or unreadable is no stamp.
///
/// Format: one line, `dynix-stamp 1 <tree-hex> <device> <inode> <size> <modified-ns> <changed-ns>`.
struct FileStamp: Equatable {
    let tree: ObjectID
    let version: FileVersion
    private static let magic = "dynix-stamp 1"

    /// Whether the file read as `version` holds the content of `tree`.
    func vouches(for tree: ObjectID, _ version: FileVersion) -> Bool { self.tree == tree && self.version == version }

    static func load(_ path: String) -> FileStamp? {
        guard let text = FileSystem.readText(path), text.hasSuffix("\n") else { return nil }
        let words = text.dropLast().split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        guard words.count == 8, words[0] + " " + words[1] == magic, let tree = ObjectID(hex: words[2]),
            let device = UInt64(words[3]), let inode = UInt64(words[4]), let size = Int64(words[5]),
            let modified = Int64(words[6]), let changed = Int64(words[7])
        else { return nil }
        return FileStamp(tree: tree, version: FileVersion(device: device, inode: inode, size: size, modified: modified, changed: changed))
    }

    /// Replaces the stamp when this process may (a reader without root just does not). A reader sees the old
    /// stamp, none, or the whole new one.
    func store(_ path: String) {
        let v = version
        let line = "\(FileStamp.magic) \(tree.hex) \(v.device) \(v.inode) \(v.size) \(v.modified) \(v.changed)\n"
        guard FileSystem.canWrite(FileSystem.directoryName(path)) else { return }
        _ = try? FileSystem.writeAtomically(path, Array(line.utf8), mode: 0o644, durable: false)
    }
}
