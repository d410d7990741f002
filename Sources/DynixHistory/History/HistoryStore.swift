/// The git side of the history: one linear branch whose tree holds the dynamic file.
/// Knows commits, trees and tags; knows nothing of locks, the working file or the host.
final class HistoryStore {
    static let branch = "refs/heads/main"
    static let fileName = "dynamic.nix"

    let repository: GitRepository
    let path: String
    /// Where this history's refs live: "" on the host; `refs/namespaces/HOST/` for a host's copy in a central
    /// repository, named in full because libgit2 1.5's namespace view loses refs once `git pack-refs` packs them.
    let refPrefix: String

    init(repository: GitRepository, path: String, refPrefix: String = "") {
        self.repository = repository
        self.path = path
        self.refPrefix = refPrefix
    }

    var branch: String { refPrefix + HistoryStore.branch }
    var generationTagPrefix: String { refPrefix + "refs/tags/gen/" }

    static func open(_ path: String) throws -> HistoryStore {
        do {
            return HistoryStore(repository: try GitRepository.open(at: path), path: path)
        } catch let error as GitError {
            throw error.refusal(at: path)
        }
    }

    /// A repository directory that `create` began and a crash (or power cut) interrupted: libgit2 cannot
    /// open it and it holds no branch, so nothing was ever recorded in it and creating it again is safe.
    /// A damaged repository that holds a branch is never taken for one.
    static func isUnfinished(_ path: String) -> Bool {
        guard FileSystem.isDirectory(path), (try? GitRepository.open(at: path)) == nil else { return false }
        return !FileSystem.exists(path + "/refs/heads/main") && !FileSystem.exists(path + "/packed-refs")
    }

    static func create(_ path: String) throws -> HistoryStore {
        do {
            // libgit2 creates the repository's files and directories without fsync: a power cut right
            // after `dynix init` said done would leave no repository, or half of one.
            try FileSystem.makeDirectory(path, mode: 0o755)
            let repository = try GitRepository.initBare(at: path, initialBranch: "main")
            try FileSystem.syncTree(path)
            return HistoryStore(repository: repository, path: path)
        } catch let error as GitError {
            throw error.refusal(at: path)
        }
    }

    func head() throws -> ObjectID? { try wrap { try repository.target(of: branch) } }

    /// The dynamic file as committed in `commit`. `verifyingHash: false`: see `GitRepository.fileContent`.
    func content(at commit: ObjectID, verifyingHash: Bool = true) throws -> [UInt8] {
        try wrap {
            try repository.fileContent(tree: try repository.commit(commit).tree, fileName: HistoryStore.fileName, verifyingHash: verifyingHash) ?? []
        }
    }

    func commit(_ id: ObjectID) throws -> GitCommit { try wrap { try repository.commit(id) } }

    /// Writes the objects of a new commit on top of `parent` without moving the branch.
    /// `content == nil` keeps the parent's tree (an event that changes no file).
    func makeCommit(parent: ObjectID?, content: [UInt8]?, message: String, author: GitSignature, committer: GitSignature) throws -> ObjectID {
        try wrap {
            let tree: ObjectID
            var written: [ObjectID] = []
            if let content {
                let blob = try repository.createBlob(content)
                written.append(blob)
                tree = try repository.createTree(fileName: HistoryStore.fileName, blob: blob)
            } else if let parent {
                tree = try repository.commit(parent).tree
            } else {
                tree = try repository.createTree(fileName: HistoryStore.fileName, blob: try repository.createBlob([]))
            }
            let commit = try repository.createCommit(tree: tree, parents: parent.map { [$0] } ?? [], author: author, committer: committer, message: message)
            FaultInjection.loseCommitObject(commit, gitDirectory: path)
            // libgit2 1.5 can return the id of an object it never wrote (a full disk at that write): nothing is named
            // in a txn record or a ref before the object database has it.
            for id in written + [tree, commit] where !repository.hasObject(id) { throw DynixError.objectNotWritten(id: id.hex, repository: path) }
            try repository.syncNewObjectDirectories()
            return commit
        }
    }

    /// Moves the branch from `old` to `new`; fails if someone else moved it meanwhile.
    func advance(from old: ObjectID?, to new: ObjectID, reason: String) throws {
        try wrap { try repository.updateReference(branch, to: new, expecting: old, logMessage: reason) }
    }

    func tagGeneration(_ number: Int, commit: ObjectID, tagger: GitSignature, message: String) throws {
        try wrap {
            let tag = try repository.createTagObject(name: "gen/\(number)", target: commit, tagger: tagger, message: message)
            // As in makeCommit: never name an object libgit2 reported written that is not there.
            guard repository.hasObject(tag) else { throw DynixError.objectNotWritten(id: tag.hex, repository: path) }
            // The object must be durable before the ref that names it: a new fan-out directory needs objects/ synced.
            try repository.syncNewObjectDirectories()
            try repository.updateReference("refs/tags/gen/\(number)", to: tag, expecting: nil, logMessage: "dynix: generation \(number)")
            // The first tag creates refs/tags/gen/; libgit2 fsyncs the directory it writes the tag in,
            // not the one that directory was created in.
            try repository.syncDirectory("refs/tags")
        }
    }

    /// Generation numbers and the commits they tag, ascending.
    func generationTags() throws -> [(number: Int, commit: ObjectID)] {
        try wrap {
            try repository.references(matching: generationTagPrefix + "*").compactMap { ref -> (Int, ObjectID)? in
                guard let n = Int(ref.name.dropFirst(generationTagPrefix.count)) else { return nil }
                return (n, try repository.peeledCommit(of: ref.name))
            }.sorted { $0.0 < $1.0 }
        }
    }

    /// Whether `commit` is on the branch as it was at `head` (a first-parent walk from there).
    func isOnBranch(_ commit: ObjectID, head: ObjectID) throws -> Bool { try isOnBranch(head: head) { $0 == commit } }

    /// Whether a commit `matches` on the branch as it was at `head` (git's abbreviated ids, say).
    func isOnBranch(head: ObjectID, where matches: (ObjectID) -> Bool) throws -> Bool {
        var found = false
        try wrap {
            try repository.walkFirstParent(from: head) { visited in
                found = matches(visited.id)
                return !found
            }
        }
        return found
    }

    /// Events newest first, until `visit` returns false.
    func walk(_ visit: (HistoryEvent) throws -> Bool) throws {
        guard let head = try head() else { return }
        try wrap {
            try repository.walkFirstParent(from: head) { commit in
                // The event kind says whether the file changed; only a foreign commit needs its parent read.
                var event = HistoryEvent(commit, changesFile: true)
                if event.kind == nil, let parent = commit.parents.first {
                    event = HistoryEvent(commit, changesFile: try repository.commit(parent).tree != commit.tree)
                }
                return try visit(event)
            }
        }
    }

    func patch(old: [UInt8], new: [UInt8]) throws -> String {
        try wrap { try repository.patch(old: old, new: new, path: HistoryStore.fileName) }
    }

    func contains(_ id: ObjectID) -> Bool { repository.hasObject(id) }

    // MARK: packing (`dynix checkpoint`; the order and the durability are the caller's, see Checkpoint.swift)

    /// One durable pack of everything the references reach; its name (`pack-<hex>`) and object count.
    func writePack() throws -> (name: String, objects: Int) { try wrap { try repository.writePack() } }

    /// Deletes the loose objects the (durable) pack holds; how many.
    func removeLooseObjects(packedIn name: String) throws -> Int { try wrap { try repository.removeLooseObjects(packedIn: name) } }

    /// Deletes older packs the pack `name` makes redundant, and crash leftovers in `objects/pack/`; how many packs.
    func removeRedundantPacks(keeping name: String) throws -> Int { try wrap { try repository.removeRedundantPacks(keeping: name) } }

    /// Bytes on disk under `objects/`.
    func objectsDiskUsage() -> Int { repository.objectsDiskUsage() }

    private func wrap<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as GitError { throw error.refusal(at: path) }
    }
}
