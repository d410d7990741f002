import CDeflate
import CGit2
import CGit2Startup
import Glibc

/// Who made a commit or tag, and when (seconds since the epoch, UTC offset in minutes).
struct GitSignature: Equatable, Sendable {
    var name: String
    var email: String
    var time: Int64
    var offsetMinutes: Int32

    init(name: String, email: String, time: Int64, offsetMinutes: Int32) {
        self.name = name
        self.email = email
        self.time = time
        self.offsetMinutes = offsetMinutes
    }

    init(_ pointer: UnsafePointer<git_signature>) {
        name = String(cString: pointer.pointee.name)
        email = String(cString: pointer.pointee.email)
        time = pointer.pointee.when.time
        offsetMinutes = pointer.pointee.when.offset
    }

    /// Lends libgit2 a signature for the duration of `body`.
    func withRaw<T>(_ body: (UnsafePointer<git_signature>) throws -> T) throws -> T {
        var raw: UnsafeMutablePointer<git_signature>?
        try check("create signature", git_signature_new(&raw, name, email, time, Int32(offsetMinutes)))
        defer { git_signature_free(raw) }
        return try body(raw!)
    }
}

/// A commit read out of the repository, as plain values.
struct GitCommit: Sendable {
    let id: ObjectID
    let parents: [ObjectID]
    let tree: ObjectID
    let message: String
    let author: GitSignature
    let committer: GitSignature
}

/// libgit2 must be initialized once per process before any call.
private let libgit2Initialized: Bool = {
    _ = dynix_git2_startup_linked()  // keeps the start-up shim linked in
    git_libgit2_init()
    // The history is the audit trail: objects and refs must reach the disk before dynix says "done".
    git_libgit2_opts_int(Int32(GIT_OPT_ENABLE_FSYNC_GITDIR.rawValue), 1)
    // The repository lives at a fixed system path owned by root; a user reading `dynix log` must not be refused
    // by git's safe.directory check, which guards against repositories found by searching, not this one.
    git_libgit2_opts_int(Int32(GIT_OPT_SET_OWNER_VALIDATION.rawValue), 0)
    // The history must not depend on whoever runs dynix: no ~/.gitconfig, XDG or system git config.
    for level in [GIT_CONFIG_LEVEL_GLOBAL, GIT_CONFIG_LEVEL_XDG, GIT_CONFIG_LEVEL_SYSTEM, GIT_CONFIG_LEVEL_PROGRAMDATA] {
        git_libgit2_opts_search_path(Int32(level.rawValue), "")
    }
    return true
}()

/// The one owner of a `git_repository` handle; every libgit2 object it creates is freed before a method returns.
final class GitRepository {
    let handle: OpaquePointer

    private init(handle: OpaquePointer) { self.handle = handle }

    deinit { git_repository_free(handle) }

    /// Creates a bare repository whose HEAD names `initialBranch` (idempotent: an existing one is opened).
    static func initBare(at path: String, initialBranch: String) throws -> GitRepository {
        _ = libgit2Initialized
        var options = git_repository_init_options()
        try check("init options", git_repository_init_options_init(&options, UInt32(GIT_REPOSITORY_INIT_OPTIONS_VERSION)))
        options.flags = GIT_REPOSITORY_INIT_BARE.rawValue | GIT_REPOSITORY_INIT_MKPATH.rawValue
        var raw: OpaquePointer?
        try initialBranch.withCString { branch in
            options.initial_head = branch
            try check("init \(path)", git_repository_init_ext(&raw, path, &options))
        }
        return GitRepository(handle: raw!)
    }

    static func open(at path: String) throws -> GitRepository {
        _ = libgit2Initialized
        var raw: OpaquePointer?
        // NO_SEARCH: never walk up into some enclosing repository.
        try check("open \(path)", git_repository_open_ext(&raw, path, GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue | GIT_REPOSITORY_OPEN_BARE.rawValue, nil))
        return GitRepository(handle: raw!)
    }

    // MARK: references

    /// The object a reference points at, or nil when it does not exist.
    func target(of reference: String) throws -> ObjectID? {
        var oid = git_oid()
        let result = git_reference_name_to_id(&oid, handle, reference)
        if result == GIT_ENOTFOUND.rawValue { return nil }
        try check("resolve \(reference)", result)
        return ObjectID(oid)
    }

    /// Moves `reference` to `newTarget` only if it still points at `expected` (nil: only if it does not exist yet).
    func updateReference(_ reference: String, to newTarget: ObjectID, expecting expected: ObjectID?, logMessage: String) throws {
        var new = newTarget.raw
        var ref: OpaquePointer?
        if var old = expected?.raw {
            try check("update \(reference)", git_reference_create_matching(&ref, handle, reference, &new, 1, &old, logMessage))
        } else {
            try check("create \(reference)", git_reference_create(&ref, handle, reference, &new, 0, logMessage))
        }
        git_reference_free(ref)
    }

    /// Names and targets of the references matching a glob such as `refs/tags/gen/*`.
    func references(matching glob: String) throws -> [(name: String, target: ObjectID)] {
        var iterator: OpaquePointer?
        try check("list \(glob)", git_reference_iterator_glob_new(&iterator, handle, glob))
        defer { git_reference_iterator_free(iterator) }
        var result: [(String, ObjectID)] = []
        while true {
            var ref: OpaquePointer?
            let status = git_reference_next(&ref, iterator)
            if status == GIT_ITEROVER.rawValue { break }
            try check("list \(glob)", status)
            defer { git_reference_free(ref) }
            if let name = git_reference_name(ref), let oid = git_reference_target(ref) {
                result.append((String(cString: name), ObjectID(oid)))
            }
        }
        return result
    }

    // MARK: writing objects

    func createBlob(_ bytes: [UInt8]) throws -> ObjectID {
        if bytes.count >= GitRepository.twoThreadBlobSize, let id = try createLargeBlob(bytes) { return id }
        var oid = git_oid()
        try bytes.withUnsafeBytes { buffer in
            try check("write blob", git_blob_create_from_buffer(&oid, handle, buffer.baseAddress, buffer.count))
        }
        return ObjectID(oid)
    }

    /// From this size on, a blob is hashed and compressed at the same time (`createLargeBlob`): below it, starting
    /// a thread costs about what it saves.
    static let twoThreadBlobSize = 64 * 1024

    /// Writes a blob as a loose object the way libgit2 does (same id, same zlib level, the file and its fan-out
    /// directory fsync'd), but with libgit2's hash (SHA-1 with collision detection) here and zlib on a second
    /// thread: for the dynamic file of a long history, a megabyte before a checkpoint, these two are most of an
    /// append. Nil when the compression could not start (the caller then lets libgit2 write it).
    func createLargeBlob(_ bytes: [UInt8]) throws -> ObjectID? {
        let header = Array("blob \(bytes.count)\0".utf8)
        return try bytes.withUnsafeBytes { data -> ObjectID? in
            guard let job = header.withUnsafeBytes({ dynix_deflate_start($0.baseAddress, $0.count, data.baseAddress, data.count) }) else {
                return nil
            }
            var oid = git_oid()
            let hashed = git_odb_hash(&oid, data.baseAddress, data.count, GIT_OBJECT_BLOB)
            var compressed: UnsafeMutablePointer<UInt8>?
            var compressedSize = 0
            guard dynix_deflate_finish(job, &compressed, &compressedSize) == 0, let compressed else { return nil }
            defer { free(compressed) }
            try check("hash blob", hashed)
            let id = ObjectID(oid)
            if !hasObject(id) {
                try writeLooseObject(id, UnsafeRawBufferPointer(start: compressed, count: compressedSize))
            }
            return id
        }
    }

    /// `objects/XX/YYYY…`: a temporary file written and fsync'd, linked into place (an object someone wrote
    /// meanwhile is the same object), its directory fsync'd. A new fan-out directory reaches `objects/` with
    /// `syncNewObjectDirectories`, as libgit2's own objects do.
    private func writeLooseObject(_ id: ObjectID, _ compressed: UnsafeRawBufferPointer) throws {
        let hex = id.hex
        let fanOut = directory + "/objects/" + hex.prefix(2)
        let path = fanOut + "/" + hex.dropFirst(2)
        let temporary = directory + "/objects/tmp_object_dynix_\(getpid())"
        func failure(_ operation: String) -> GitError { .system("\(operation) object \(id.short)") }
        guard mkdir(fanOut, 0o755) == 0 || errno == EEXIST else { throw failure("create directory for") }
        unlink(temporary)  // left by a killed dynix of the same pid
        let fd = Glibc.open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o444)
        guard fd >= 0 else { throw failure("write") }
        do {
            defer { close(fd) }
            try FileSystem.writeAll(fd, compressed, path: temporary)
            guard fsync(fd) == 0 else { throw failure("sync") }
        } catch {
            unlink(temporary)
            // A full disk or a read-only file system keeps its name (and its hint).
            if case DynixError.io(_, let code)? = error as? DynixError {
                throw GitError(code: -1, operation: "write object \(id.short)", message: FileSystem.lastError(code), systemError: code)
            }
            throw error
        }
        // link, as git does, so an object already there is never replaced; rename where there are no hard links.
        if link(temporary, path) == 0 || errno == EEXIST {
            unlink(temporary)
        } else if rename(temporary, path) != 0 {
            let error = failure("store")
            unlink(temporary)
            throw error
        }
        try syncDirectory("objects/" + hex.prefix(2))
    }

    /// A tree holding exactly one regular file.
    func createTree(fileName: String, blob: ObjectID) throws -> ObjectID {
        var builder: OpaquePointer?
        try check("tree builder", git_treebuilder_new(&builder, handle, nil))
        defer { git_treebuilder_free(builder) }
        var blobID = blob.raw
        try check("tree insert", git_treebuilder_insert(nil, builder, fileName, &blobID, GIT_FILEMODE_BLOB))
        var oid = git_oid()
        try check("write tree", git_treebuilder_write(&oid, builder))
        return ObjectID(oid)
    }

    /// Writes a commit object without moving any reference (the caller does that under its own rules).
    func createCommit(tree: ObjectID, parents: [ObjectID], author: GitSignature, committer: GitSignature, message: String) throws -> ObjectID {
        var treeID = tree.raw
        var treeObject: OpaquePointer?
        try check("lookup tree", git_tree_lookup(&treeObject, handle, &treeID))
        defer { git_tree_free(treeObject) }
        var parentObjects: [OpaquePointer?] = []
        defer { for parent in parentObjects { git_commit_free(parent) } }
        for parent in parents {
            var pid = parent.raw
            var commit: OpaquePointer?
            try check("lookup parent", git_commit_lookup(&commit, handle, &pid))
            parentObjects.append(commit)
        }
        var oid = git_oid()
        try author.withRaw { authorSig in
            try committer.withRaw { committerSig in
                try parentObjects.withUnsafeMutableBufferPointer { buffer in
                    try check(
                        "write commit",
                        git_commit_create(&oid, handle, nil, authorSig, committerSig, "UTF-8", message, treeObject, parents.count, buffer.baseAddress))
                }
            }
        }
        return ObjectID(oid)
    }

    /// Creates the annotated tag `refs/tags/<name>`; refuses to overwrite an existing one.
    /// Writes the tag object only; `updateReference("refs/tags/<name>", …)` makes it visible. Two steps, so
    /// the object's directory can be made durable before a durable ref names it.
    func createTagObject(name: String, target: ObjectID, tagger: GitSignature, message: String) throws -> ObjectID {
        var targetID = target.raw
        var object: OpaquePointer?
        try check("lookup tag target", git_object_lookup(&object, handle, &targetID, GIT_OBJECT_COMMIT))
        defer { git_object_free(object) }
        var oid = git_oid()
        try tagger.withRaw { sig in
            try check("create tag \(name)", git_tag_annotation_create(&oid, handle, name, object, sig, message))
        }
        return ObjectID(oid)
    }

    // MARK: reading objects

    func commit(_ id: ObjectID) throws -> GitCommit {
        var oid = id.raw
        var commit: OpaquePointer?
        try check("lookup commit \(id.short)", git_commit_lookup(&commit, handle, &oid))
        defer { git_commit_free(commit) }
        var parents: [ObjectID] = []
        for index in 0..<git_commit_parentcount(commit) {
            parents.append(ObjectID(git_commit_parent_id(commit, index)))
        }
        return GitCommit(
            id: id,
            parents: parents,
            tree: ObjectID(git_commit_tree_id(commit)),
            message: String(cString: git_commit_message(commit)),
            author: GitSignature(git_commit_author(commit)),
            committer: GitSignature(git_commit_committer(commit))
        )
    }

    /// The content of `fileName` in `tree`, or nil when the tree has no such entry.
    /// `verifyingHash: false` skips re-hashing the object (zlib's checksum still guards it): only for a caller
    /// that compares the bytes with a copy it trusts, where a damaged object shows as a difference anyway.
    func fileContent(tree: ObjectID, fileName: String, verifyingHash: Bool = true) throws -> [UInt8]? {
        var treeID = tree.raw
        var treeObject: OpaquePointer?
        try check("lookup tree \(tree.short)", git_tree_lookup(&treeObject, handle, &treeID))
        defer { git_tree_free(treeObject) }
        guard let entry = git_tree_entry_byname(treeObject, fileName) else { return nil }
        var blobID = git_tree_entry_id(entry).pointee
        var blob: OpaquePointer?
        if !verifyingHash { git_libgit2_opts_int(Int32(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION.rawValue), 0) }
        defer { if !verifyingHash { git_libgit2_opts_int(Int32(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION.rawValue), 1) } }
        try check("lookup blob", git_blob_lookup(&blob, handle, &blobID))
        defer { git_blob_free(blob) }
        let size = Int(git_blob_rawsize(blob))
        guard size > 0, let raw = git_blob_rawcontent(blob) else { return [] }
        return Array(UnsafeRawBufferPointer(start: raw, count: size))
    }

    /// The commit a reference finally points at, through any annotated tags (a tag made by hand may be lightweight).
    func peeledCommit(of reference: String) throws -> ObjectID {
        var ref: OpaquePointer?
        try check("lookup \(reference)", git_reference_lookup(&ref, handle, reference))
        defer { git_reference_free(ref) }
        var object: OpaquePointer?
        try check("peel \(reference)", git_reference_peel(&object, ref, GIT_OBJECT_COMMIT))
        defer { git_object_free(object) }
        return ObjectID(git_object_id(object))
    }

    /// Calls `visit` for each commit from `start` along first parents, newest first, until it returns false.
    func walkFirstParent(from start: ObjectID, _ visit: (GitCommit) throws -> Bool) throws {
        var walker: OpaquePointer?
        try check("revwalk", git_revwalk_new(&walker, handle))
        defer { git_revwalk_free(walker) }
        git_revwalk_simplify_first_parent(walker)
        var startID = start.raw
        try check("revwalk push", git_revwalk_push(walker, &startID))
        var oid = git_oid()
        while true {
            let status = git_revwalk_next(&oid, walker)
            if status == GIT_ITEROVER.rawValue { return }
            try check("revwalk", status)
            if try !visit(commit(ObjectID(oid))) { return }
        }
    }

    /// A unified diff of one file between two contents, as git would print it.
    func patch(old: [UInt8], new: [UInt8], path: String) throws -> String {
        var patch: OpaquePointer?
        try old.withUnsafeBytes { oldBuffer in
            try new.withUnsafeBytes { newBuffer in
                try check(
                    "diff", git_patch_from_buffers(&patch, oldBuffer.baseAddress, oldBuffer.count, path, newBuffer.baseAddress, newBuffer.count, path, nil))
            }
        }
        defer { git_patch_free(patch) }
        var buffer = git_buf()
        try check("format diff", git_patch_to_buf(&buffer, patch))
        defer { git_buf_dispose(&buffer) }
        guard let pointer = buffer.ptr else { return "" }
        return String(cString: pointer)
    }

    // MARK: durability

    /// The repository directory (libgit2's path, without the trailing slash).
    var directory: String {
        let raw = String(cString: git_repository_path(handle))
        return raw.hasSuffix("/") ? String(raw.dropLast()) : raw
    }

    /// libgit2 (with fsync on) fsyncs each loose object and the fan-out directory `objects/XX/` it lies
    /// in, but not `objects/` when it had to create that fan-out directory: after a power cut the branch
    /// could name a commit whose directory is gone. Called once the objects a ref will name are written.
    func syncNewObjectDirectories() throws {
        try syncDirectory("objects")
    }

    /// fsync of a directory inside the repository.
    func syncDirectory(_ relative: String) throws {
        do {
            try FileSystem.syncDirectory(directory + "/" + relative)
        } catch let error as DynixError {
            throw GitError(code: -1, operation: "sync \(relative)", message: error.message)
        }
    }

    // MARK: packing (`dynix checkpoint`)

    /// Writes one pack holding every object reachable from the references under `refs/` (commits, trees,
    /// blobs and annotated tag objects) into `objects/pack/`, and makes it durable: the `.pack`, its `.idx`,
    /// `objects/pack/` and `objects/` are fsync'd before this returns, so loose copies may then be deleted.
    /// Returns the pack's name (`pack-<hex>`) and how many objects it holds.
    func writePack() throws -> (name: String, objects: Int) {
        var builder: OpaquePointer?
        try check("packbuilder", git_packbuilder_new(&builder, handle))
        defer { git_packbuilder_free(builder) }
        var walker: OpaquePointer?
        try check("revwalk", git_revwalk_new(&walker, handle))
        defer { git_revwalk_free(walker) }
        for reference in try references(matching: "refs/*") {
            var oid = reference.target.raw
            var object: OpaquePointer?
            try check("lookup \(reference.name)", git_object_lookup(&object, handle, &oid, GIT_OBJECT_ANY))
            let type = git_object_type(object)
            git_object_free(object)
            if type == GIT_OBJECT_TAG {
                // The walk packs commits, trees and blobs; an annotated tag object is inserted by itself.
                try check("pack \(reference.name)", git_packbuilder_insert(builder, &oid, nil))
            }
            // Pushing a tag peels it to its commit.
            try check("revwalk push \(reference.name)", git_revwalk_push(walker, &oid))
        }
        try check("pack objects", git_packbuilder_insert_walk(builder, walker))
        git_packbuilder_set_threads(builder, 0)  // 0: one thread per CPU
        try check("write pack", git_packbuilder_write(builder, nil, 0, nil, nil))
        guard let rawName = git_packbuilder_name(builder) else { throw GitError(code: -1, operation: "write pack", message: "the pack has no name") }
        let name = "pack-" + String(cString: rawName)
        let objects = Int(git_packbuilder_object_count(builder))
        for suffix in [".pack", ".idx"] { try syncFile("objects/pack/" + name + suffix) }
        try syncDirectory("objects/pack")
        try syncDirectory("objects")
        return (name, objects)
    }

    /// Deletes the loose objects the pack `name` holds (a loose object it lacks stays), removes fan-out
    /// directories left empty, and makes the deletions durable (each touched `objects/XX/`, then `objects/`).
    /// Only call it once the pack is durable (`writePack` returns so). Returns how many files went.
    func removeLooseObjects(packedIn name: String) throws -> Int {
        try withPack(name) { pack in
            var removed = 0
            var changedObjectsDirectory = false
            // A loose object's temporary file (libgit2's, or `writeLooseObject`'s) that a killed writer left: under
            // the writer lock nobody else is writing one.
            let entries = FileSystem.listDirectory(directory + "/objects")
            for name in entries where name.hasPrefix("tmp_object_") {
                if unlink(directory + "/objects/" + name) == 0 { changedObjectsDirectory = true }
            }
            for fanOut in entries where fanOut.count == 2 && fanOut.allSatisfy(\.isHexDigit) {
                let fanOutPath = directory + "/objects/" + fanOut
                var removedHere = 0
                for rest in FileSystem.listDirectory(fanOutPath) where rest.count == 38 && rest.allSatisfy(\.isHexDigit) {
                    var oid = git_oid()
                    guard git_oid_fromstr(&oid, fanOut + rest) == 0, git_odb_exists(pack, &oid) != 0 else { continue }
                    guard unlink(fanOutPath + "/" + rest) == 0 else {
                        throw GitError.system("remove loose object \(fanOut + rest)")
                    }
                    removedHere += 1
                }
                guard removedHere > 0 else { continue }
                removed += removedHere
                if FileSystem.listDirectory(fanOutPath).isEmpty, rmdir(fanOutPath) == 0 {
                    changedObjectsDirectory = true
                } else {
                    try syncDirectory("objects/" + fanOut)
                }
            }
            if changedObjectsDirectory || removed > 0 { try syncDirectory("objects") }
            return removed
        }
    }

    /// Deletes the other packs in `objects/pack/` whose every object the pack `name` holds too (an earlier
    /// checkpoint's), and what a crash left there: libgit2's temporary files and an `.idx` or `.pack` without
    /// its other half (unusable by git and libgit2 alike). A pack with a `.keep` stays. `.idx` goes first, so
    /// a crash in between leaves a `.pack` alone, which nothing reads. Returns how many packs went.
    func removeRedundantPacks(keeping name: String) throws -> Int {
        let packDirectory = directory + "/objects/pack"
        let names = Set(FileSystem.listDirectory(packDirectory))
        var removed = 0
        var changed = false
        try withPack(name) { keep in
            for file in names.sorted() where file.hasPrefix("pack-") && file.hasSuffix(".idx") {
                let base = String(file.dropLast(".idx".count))
                guard base != name, !names.contains(base + ".keep"), names.contains(base + ".pack") else { continue }
                let redundant = try withPack(base) { old in
                    var context = (keep: keep, missing: false)
                    let status = git_odb_foreach(
                        old,
                        { oid, payload in
                            let context = payload!.assumingMemoryBound(to: (keep: OpaquePointer?, missing: Bool).self)
                            if git_odb_exists(context.pointee.keep, oid) == 0 {
                                context.pointee.missing = true
                                return 1  // stop: this pack holds something the new one lacks
                            }
                            return 0
                        }, &context)
                    if status < 0 && status != GIT_EUSER.rawValue { try check("list \(base)", status) }
                    return !context.missing
                }
                guard redundant else { continue }
                for suffix in [".idx", ".pack", ".rev", ".bitmap", ".mtimes", ".promisor"] where names.contains(base + suffix) {
                    unlink(packDirectory + "/" + base + suffix)
                }
                removed += 1
                changed = true
            }
        }
        for file in names.sorted() {
            let orphan =
                (file.hasSuffix(".idx") && !names.contains(String(file.dropLast(4)) + ".pack"))
                || (file.hasSuffix(".pack") && !names.contains(String(file.dropLast(5)) + ".idx"))
            // libgit2's indexer writes pack_git2_XXXXXX, then pack-<hex>.idx through a .lock file.
            if file.hasPrefix("pack_git2_") || file.hasSuffix(".lock") || (file.hasPrefix("pack-") && orphan) {
                if FileSystem.exists(packDirectory + "/" + file) {
                    unlink(packDirectory + "/" + file)
                    changed = true
                }
            }
        }
        if changed { try syncDirectory("objects/pack") }
        return removed
    }

    /// Bytes allocated on disk under `objects/` (files and directories, as `du` counts them).
    func objectsDiskUsage() -> Int {
        func usage(_ path: String) -> Int {
            var info = stat()
            guard lstat(path, &info) == 0 else { return 0 }
            var total = Int(info.st_blocks) * 512
            if info.st_mode & S_IFMT == S_IFDIR {
                for name in FileSystem.listDirectory(path) { total += usage(path + "/" + name) }
            }
            return total
        }
        return usage(directory + "/objects")
    }

    /// An object database reading only the pack `name` (`objects/pack/<name>.idx`), for `body`.
    private func withPack<T>(_ name: String, _ body: (OpaquePointer?) throws -> T) throws -> T {
        var odb: OpaquePointer?
        try check("pack database", git_odb_new(&odb))
        defer { git_odb_free(odb) }
        var backend: OpaquePointer?
        try check("open \(name)", git_odb_backend_one_pack(&backend, directory + "/objects/pack/" + name + ".idx"))
        // From here the database owns the backend (and frees it with itself); the backend is opaque in the
        // package headers, so if adding fails (out of memory only) it is leaked rather than freed by hand.
        try check("open \(name)", git_odb_add_backend(odb, backend, 1))
        return try body(odb)
    }

    /// fsync of a file inside the repository.
    func syncFile(_ relative: String) throws {
        let fd = Glibc.open(directory + "/" + relative, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw GitError.system("sync \(relative)") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw GitError.system("sync \(relative)") }
    }

    func hasObject(_ id: ObjectID) -> Bool {
        var odb: OpaquePointer?
        guard git_repository_odb(&odb, handle) == 0 else { return false }
        defer { git_odb_free(odb) }
        var oid = id.raw
        return git_odb_exists(odb, &oid) != 0
    }
}
