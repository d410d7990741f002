/// The last push the central side acknowledged: main's commit then, and when. `status` counts the commits after it,
/// and `push` warns when the central side later shows an older main (it lost what it had acknowledged).
package struct PushRecord: Equatable, Sendable {
    package let main: ObjectID
    package let time: Int64
    package let url: String

    static func load(_ paths: Paths) -> PushRecord? {
        guard let text = FileSystem.readText(paths.centralPush), let record = KeyValueRecord(text: text),
            let main = record["main"].flatMap(ObjectID.init(hex:)), let time = record["time"].flatMap({ Int64($0) }), let url = record["url"]
        else { return nil }
        return PushRecord(main: main, time: time, url: url)
    }

    func store(_ paths: Paths) throws {
        var record = KeyValueRecord()
        record.set("main", main.hex)
        record.set("time", String(time))
        record.set("url", url)
        try FileSystem.writeAtomically(paths.centralPush, Array(record.text.utf8), mode: 0o644)
    }
}

extension ConfigHistory {
    /// How far behind the central copy is: commits after the last acknowledged push, and when that was.
    package struct CentralLag: Sendable {
        package let unpushed: Int
        package let lastPush: PushRecord?
    }

    /// How far behind the central side at `url` is (a record of another URL, an earlier central side, counts for
    /// nothing).
    package func centralLag(url: String?) throws -> CentralLag {
        let record = PushRecord.load(paths).flatMap { url == nil || $0.url == url ? $0 : nil }
        var unpushed = 0
        try store.walk { event in
            if event.commit == record?.main { return false }
            unpushed += 1
            return true
        }
        return CentralLag(unpushed: unpushed, lastPush: record)
    }
}
