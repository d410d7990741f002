/// The in-flight record of a file-changing command (`var/lib/dynix/txn`): enough to finish or undo it after a crash.
struct TransactionRecord: Equatable {
    let old: ObjectID?
    let new: ObjectID

    var text: String { "old \(old?.hex ?? "none")\nnew \(new.hex)\n" }

    init(old: ObjectID?, new: ObjectID) {
        self.old = old
        self.new = new
    }

    init?(text: String) {
        var old: ObjectID?
        var new: ObjectID?
        var sawOld = false
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { return nil }
            switch parts[0] {
            case "old":
                sawOld = true
                old = parts[1] == "none" ? nil : ObjectID(hex: parts[1])
                if parts[1] != "none" && old == nil { return nil }
            case "new": new = ObjectID(hex: parts[1])
            default: return nil
            }
        }
        guard sawOld, let new else { return nil }
        self.old = old
        self.new = new
    }
}
