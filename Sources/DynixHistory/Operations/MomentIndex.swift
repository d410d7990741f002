import Glibc

/// The time and id of every commit, in commit order, kept on disk so that `show --at` finds the commit at a moment
/// without walking a long history: `var/lib/dynix/moments`. Derived data, like `effective/`: a missing, short or
/// corrupt file, or one whose head is not on the branch, is rebuilt by a walk; a reader without root keeps what it
/// walked in memory. Nothing here changes what a command answers, only how fast.
///
/// Format: `dynix-moments 1\n`, the head's id (20 bytes), the record count (UInt32, little-endian), the FNV-1a 64 of
/// the records (UInt64, little-endian), then per commit, oldest first: its author time (Int64, little-endian) and id
/// (20 bytes).
struct MomentIndex {
    struct Record: Sendable {
        let time: Int64
        let commit: ObjectID
    }

    let path: String
    private static let magic = Array("dynix-moments 1\n".utf8)
    private static let recordSize = 28

    /// Every commit up to `head`, oldest first: the stored records when they end at `head`, else those extended by
    /// walking from `head` back to where they end (or the whole branch), written back when this process may.
    func records(head: ObjectID, store: HistoryStore) throws -> [Record] {
        let stored = load()
        if let stored, stored.head == head { return stored.records }
        var newer: [Record] = []
        var joined = false
        let end = stored?.head
        try store.walk { event in
            if event.commit == end {
                joined = true
                return false
            }
            newer.append(Record(time: event.time, commit: event.commit))
            return true
        }
        let records = (joined ? stored?.records ?? [] : []) + newer.reversed()
        save(records, head: head)
        return records
    }

    private func load() -> (head: ObjectID, records: [Record])? {
        guard let bytes = try? FileSystem.readBytes(path), bytes.count >= MomentIndex.magic.count + 32,
            Array(bytes.prefix(MomentIndex.magic.count)) == MomentIndex.magic
        else { return nil }
        var offset = MomentIndex.magic.count
        let head = MomentIndex.objectID(bytes, at: offset)
        offset += 20
        let count = Int(MomentIndex.integer(bytes, at: offset, size: 4))
        let checksum = MomentIndex.integer(bytes, at: offset + 4, size: 8)
        offset += 12
        let body = bytes[offset...]
        guard body.count == count * MomentIndex.recordSize, Checksum.fnv1a(body) == checksum else { return nil }
        var records: [Record] = []
        records.reserveCapacity(count)
        for index in 0..<count {
            let start = offset + index * MomentIndex.recordSize
            records.append(
                Record(time: Int64(bitPattern: MomentIndex.integer(bytes, at: start, size: 8)), commit: MomentIndex.objectID(bytes, at: start + 8)))
        }
        return (head, records)
    }

    private func save(_ records: [Record], head: ObjectID) {
        let directory = FileSystem.directoryName(path)
        guard FileSystem.canWrite(directory) else { return }
        var body: [UInt8] = []
        body.reserveCapacity(records.count * MomentIndex.recordSize)
        for record in records {
            MomentIndex.append(UInt64(bitPattern: record.time), size: 8, to: &body)
            body += record.commit.bytes
        }
        var bytes = MomentIndex.magic
        bytes += head.bytes
        MomentIndex.append(UInt64(records.count), size: 4, to: &bytes)
        MomentIndex.append(Checksum.fnv1a(body[...]), size: 8, to: &bytes)
        // Not durable: a power cut may leave a short file, which fails the checks above and is rebuilt.
        try? FileSystem.writeAtomically(path, bytes + body, mode: 0o644, durable: false)
    }

    private static func integer(_ bytes: [UInt8], at offset: Int, size: Int) -> UInt64 {
        var value: UInt64 = 0
        for index in (0..<size).reversed() { value = value << 8 | UInt64(bytes[offset + index]) }
        return value
    }

    private static func append(_ value: UInt64, size: Int, to bytes: inout [UInt8]) {
        for index in 0..<size { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(index)))) }
    }

    private static func objectID(_ bytes: [UInt8], at offset: Int) -> ObjectID {
        ObjectID(bytes: bytes[offset..<offset + 20])
    }
}
