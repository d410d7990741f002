/// The in-flight record of a file-changing command (`var/lib/dynix/txn`): enough to finish or undo it after a crash.
struct TransactionRecord: Equatable {
    let old: ObjectID?
    let new: ObjectID

    var text: String {
        var record = KeyValueRecord()
        record.set("old", old?.hex ?? "none")
        record.set("new", new.hex)
        return record.text
    }

    init(old: ObjectID?, new: ObjectID) {
        self.old = old
        self.new = new
    }

    init?(text: String) {
        guard let record = KeyValueRecord(text: text), record.fields.count == 2,
            let oldText = record["old"], let new = record["new"].flatMap(ObjectID.init(hex:))
        else { return nil }
        if oldText == "none" {
            old = nil
        } else {
            guard let id = ObjectID(hex: oldText) else { return nil }
            old = id
        }
        self.new = new
    }
}
