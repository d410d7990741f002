/// The small state files dynix leaves for the next command (the txn record, the activation marker, a
/// spooled event): one `key value` pair a line, written and read in one place.
struct KeyValueRecord: Equatable {
    private(set) var fields: [(key: String, value: String)] = []

    init() {}

    /// nil when a line is not `key value` (a torn write), or a key repeats.
    init?(text: String) {
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
            guard parts.count == 2, self[parts[0]] == nil else { return nil }
            fields.append((key: parts[0], value: parts[1]))
        }
    }

    static func == (a: KeyValueRecord, b: KeyValueRecord) -> Bool { a.text == b.text }

    subscript(key: String) -> String? { fields.first { $0.key == key }?.value }

    mutating func set(_ key: String, _ value: String?) {
        guard let value else { return }
        fields.append((key: key, value: value))
    }

    var text: String { fields.map { "\($0.key) \($0.value)\n" }.joined() }
}
