import CGit2
import Glibc

/// What libgit2 does not fsync, dynix does: new fan-out directories, pack files, directories after a rename.
extension GitRepository {
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

    /// fsync of a file inside the repository.
    func syncFile(_ relative: String) throws {
        let fd = Glibc.open(directory + "/" + relative, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw GitError.system("sync \(relative)") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw GitError.system("sync \(relative)") }
    }
}
