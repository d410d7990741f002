import CDeflate
import CGit2
import Glibc

/// A large blob hashed and compressed at the same time, written as a loose object the way libgit2 writes one.
extension GitRepository {
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
}
