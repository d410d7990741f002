/// `var/lib/dynix/activating`: written before an activation, removed once its outcome is in the history.
/// Left behind by a crash, it tells the next command what is known: the program, the branch head when the
/// apply began, and, once restoring finished, how that went.
struct ActivationMarker: Equatable {
    let program: String
    let head: ObjectID
    var outcome: RestoreOutcome?

    func write(_ paths: Paths) throws {
        var record = KeyValueRecord()
        record.set("program", program)
        record.set("head", head.hex)
        record.set("outcome", outcome?.rawValue)
        try FileSystem.writeAtomically(paths.activating, Array(record.text.utf8), mode: 0o644)
    }

    static func read(_ paths: Paths) -> ActivationMarker? {
        guard let text = FileSystem.readText(paths.activating), let record = KeyValueRecord(text: text),
            let program = record["program"], let head = record["head"].flatMap(ObjectID.init(hex:))
        else { return nil }
        return ActivationMarker(program: program, head: head, outcome: record["outcome"].flatMap(RestoreOutcome.init(rawValue:)))
    }

    static func remove(_ paths: Paths) { FileSystem.remove(paths.activating) }
}
