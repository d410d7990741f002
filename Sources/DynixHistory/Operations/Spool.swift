import Glibc

/// A rebuild-hook event waiting to be committed, with the time it really happened.
package struct SpooledEvent: Equatable, Sendable {
    package let name: String
    /// nil until folded: whether a reset was a `rebuild` or a `boot` is decided against the history then,
    /// so the hook never has to read a history that might be damaged before its event is safe.
    package let kind: EventKind?
    package let time: Int64
    package let system: String?
    package let staticGeneration: Int?
    package let bootID: String?
    package let user: String
    let directory: String

    var text: String {
        var record = KeyValueRecord()
        record.set("kind", kind?.rawValue ?? "reset")
        record.set("time", String(time))
        record.set("user", user)
        record.set("system", system)
        record.set("static-generation", staticGeneration.map(String.init))
        record.set("boot-id", bootID)
        return record.text
    }

    init(name: String, kind: EventKind?, time: Int64, system: String?, staticGeneration: Int?, bootID: String?, user: String, directory: String) {
        self.directory = directory
        self.name = name
        self.kind = kind
        self.time = time
        self.system = system
        self.staticGeneration = staticGeneration
        self.bootID = bootID
        self.user = user
    }

    /// The order in which the hook spooled it: the first field of a `SEQUENCE-TIME-PID.event` name; 0 for a name
    /// of the earlier `TIME-PID.event` form, whose events then fold first, by time.
    package var sequence: Int { SpooledEvent.sequence(ofName: name) }

    static func sequence(ofName name: String) -> Int {
        let fields = name.split(separator: "-")
        guard fields.count == 3 else { return 0 }
        return Int(fields[0]) ?? 0
    }

    init?(name: String, text: String, directory: String) {
        guard let fields = KeyValueRecord(text: text), let kindText = fields["kind"], let time = fields["time"].flatMap({ Int64($0) }) else { return nil }
        let kind = EventKind(rawValue: kindText)
        guard kind != nil || kindText == "reset" else { return nil }
        self.init(
            name: name, kind: kind, time: time, system: fields["system"], staticGeneration: fields["static-generation"].flatMap { Int($0) },
            bootID: fields["boot-id"], user: fields["user"] ?? "root", directory: directory)
    }
}

/// `var/lib/dynix/spool/`: where the rebuild hook leaves events it could not commit.
struct Spool {
    let paths: Paths

    /// The state directory's spool, then `run/dynix/spool` for when the state directory refuses writes
    /// (read-only or full); /run is a tmpfs, writable whenever activation runs.
    var directories: [String] { [paths.spool, paths.under("run/dynix/spool")] }

    /// In the order the events were spooled (`SpooledEvent.sequence`), not by their times: the clock may have
    /// been set back between two of them.
    func pending() -> [SpooledEvent] {
        directories.flatMap { directory in
            FileSystem.listDirectory(directory).filter { $0.hasSuffix(".event") }.compactMap { name in
                FileSystem.readText(directory + "/" + name).flatMap { SpooledEvent(name: name, text: $0, directory: directory) }
            }
        }.sorted { ($0.sequence, $0.time, $0.name) < ($1.sequence, $1.time, $1.name) }
    }

    /// One more than any event waiting in either spool. Events are removed once recorded, so this counts only
    /// among those waiting, which is all that their order is needed for.
    func nextSequence() -> Int {
        let waiting = directories.flatMap { FileSystem.listDirectory($0) }.filter { $0.hasSuffix(".event") }
        return (waiting.map(SpooledEvent.sequence(ofName:)).max() ?? 0) + 1
    }

    /// Writes the event durably to the first spool that takes it; the name (`SEQUENCE-TIME-PID.event`) is unique per
    /// process.
    func write(_ kind: EventKind?, time: Int64, system: String?, staticGeneration: Int?, bootID: String?, user: String) throws -> SpooledEvent {
        var lastError: Error = DynixError.io(path: paths.spool, errno: ENOENT)
        let sequence = nextSequence()
        for directory in directories {
            let name = "\(String(sequence).leftPadded(to: 8))-\(String(time).leftPadded(to: 12))-\(getpid()).event"
            let event = SpooledEvent(
                name: name, kind: kind, time: time, system: system, staticGeneration: staticGeneration, bootID: bootID, user: user, directory: directory)
            do {
                // Readable by all, like the history: `dynix status` without sudo must see a reset waiting here.
                try FileSystem.makeDirectory(directory, mode: 0o755)
                try FileSystem.writeAtomically(directory + "/" + name, Array(event.text.utf8), mode: 0o644)
                return event
            } catch {
                lastError = error
            }
        }
        throw lastError
    }

    func remove(_ event: SpooledEvent) { FileSystem.remove(event.directory + "/" + event.name) }
}

extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}

extension HistoryWriter {
    /// Commits spooled events in time order, each at its real time; a crash between commit and removal
    /// is harmless because a spooled event already in the history (by its `Dynix-Spool` name) is skipped.
    @discardableResult
    func foldSpool() throws -> [EventKind] {
        let spool = Spool(paths: paths)
        let events = spool.pending()
        // A history whose `init` a crash interrupted has no commit yet: the events wait for it.
        guard !events.isEmpty, try store.head() != nil else { return [] }
        var recorded = Set<String>()
        var seen = 0
        var lastBootID: String?
        try store.walk { event in
            if let name = event.trailers[.spool] { recorded.insert(name) }
            if lastBootID == nil { lastBootID = event.bootID }
            seen += 1
            return seen < 200
        }
        var folded: [EventKind] = []
        for event in events {
            if !recorded.contains(event.name) {
                let kind = try commitReset(event, lastBootID: lastBootID, spooled: true)
                folded.append(kind)
            }
            lastBootID = event.bootID ?? lastBootID
            spool.remove(event)
        }
        history.spooledEvents = []
        return folded
    }

    /// Commits a reset (a rebuild or a boot) at the time it really happened: one folded from the spool, or
    /// one the rebuild hook commits directly because the spool refused it.
    func commitReset(_ event: SpooledEvent, lastBootID: String?, spooled: Bool) throws -> EventKind {
        let kind = event.kind ?? ConfigHistory.resetKind(bootID: event.bootID, lastRecorded: lastBootID)
        var trailers = Trailers()
        trailers.add(.staticGeneration, event.staticGeneration.map(String.init))
        trailers.add(.staticSystem, event.system)
        trailers.add(.bootID, event.bootID)
        if spooled { trailers.add(.spool, event.name) }
        let text = history.message(
            kind, subject: ConfigHistory.resetSubject(kind, staticGeneration: event.staticGeneration), trailers: trailers, user: event.user)
        let author = GitSignature(name: event.user, email: "\(event.user)@localhost", time: event.time, offsetMinutes: Clock.localOffsetMinutes(at: event.time))
        try commitEvent(message: text, author: author)
        return kind
    }
}

extension ConfigHistory {

    /// A reset on a boot id other than the last one recorded is a boot; otherwise a switch.
    static func resetKind(bootID: String?, lastRecorded: String?) -> EventKind {
        guard let bootID, let lastRecorded, bootID != lastRecorded else { return .rebuild }
        return .boot
    }

    static func resetSubject(_ kind: EventKind, staticGeneration: Int?) -> String {
        let target = staticGeneration.map { "static generation \($0)" } ?? "a static system"
        return kind == .boot ? "boot into \(target)" : "switch to \(target)"
    }
}
