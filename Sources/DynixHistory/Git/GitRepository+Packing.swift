import CGit2
import Glibc

/// `dynix checkpoint`: one pack of everything reachable, then the loose copies and older packs removed.
extension GitRepository {
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
}
