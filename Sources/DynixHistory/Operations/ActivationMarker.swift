/// `var/lib/dynix/activating`: written before an activation, removed once its outcome is in the history.
/// Left behind by a crash, it tells the next command what is known: the program, the branch head when the
/// apply began, and, once restoring finished, how that went (`Restored:` yes, static or no).
struct ActivationMarker: Equatable {
    let program: String
    let head: ObjectID
    var outcome: String?

    func write(_ paths: Paths) throws {
        var text = "program \(program)\nhead \(head.hex)\n"
        if let outcome { text += "outcome \(outcome)\n" }
        try FileSystem.writeAtomically(paths.activating, Array(text.utf8), mode: 0o644)
    }

    static func read(_ paths: Paths) -> ActivationMarker? {
        guard let text = FileSystem.readText(paths.activating) else { return nil }
        var fields: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
            if parts.count == 2 { fields[parts[0]] = parts[1] }
        }
        guard let program = fields["program"], let head = fields["head"].flatMap(ObjectID.init(hex:)) else { return nil }
        return ActivationMarker(program: program, head: head, outcome: fields["outcome"])
    }

    static func remove(_ paths: Paths) { FileSystem.remove(paths.activating) }
}
