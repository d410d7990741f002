/// `dynix diff` and `log -p`: what changed between two named states, as option changes and as a file diff.
extension ConfigHistory {
    package func changes(from a: StateName, to b: StateName) throws -> [OptionChange] {
        OptionChange.between(try effective(a), try effective(b), manifest: try manifest())
    }

    /// The diff of the file a commit made (against its parent), as `git log -p` shows it; "" for an event.
    package func patch(introducedBy commit: ObjectID) throws -> String {
        let parents = try store.commit(commit).parents
        let old = try parents.first.map { try store.content(at: $0) } ?? []
        return try store.patch(old: old, new: store.content(at: commit))
    }

    /// The file diff between two states, as git prints it.
    package func patch(from a: StateName, to b: StateName) throws -> String {
        try store.patch(old: rawBytes(of: a), new: rawBytes(of: b))
    }
}
