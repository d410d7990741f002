/// One line of a push: `OLD NEW REF`, ids in hex (40 zeros: none).
struct RefUpdate: Equatable, Sendable {
    static let none = String(repeating: "0", count: 40)

    let old: String
    let new: String
    let ref: String

    init(old: String, new: String, ref: String) {
        self.old = old
        self.new = new
        self.ref = ref
    }

    init?(line: Substring) {
        let words = line.split(separator: " ")
        guard words.count == 3, words[0].count == 40, words[1].count == 40 else { return nil }
        self.init(old: String(words[0]), new: String(words[1]), ref: String(words[2]))
    }

    var line: String { "\(old) \(new) \(ref)" }
    var creates: Bool { old == RefUpdate.none }
    var deletes: Bool { new == RefUpdate.none }
}
