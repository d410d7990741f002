import Glibc

/// The POSIX calls dynix needs, with the durability rules of ARCHITECTURE.md ("The write protocol and crash recovery") built in.
enum FileSystem {
    static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// Whether `path` names something, through symlinks (a dangling one names nothing).
    static func existsFollowingLinks(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    static func readLink(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 4097)
        let count = readlink(path, &buffer, 4096)
        guard count >= 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func linkModificationTime(_ path: String) -> Int64? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return Int64(info.st_mtim.tv_sec)
    }

    static func directoryName(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    static func readText(_ path: String) -> String? {
        (try? readBytes(path)).flatMap { $0 }.map { String(decoding: $0, as: UTF8.self) }
    }

    /// The file's bytes, or nil when it does not exist. A symlink is followed only when root or we own it,
    /// so another user cannot plant one that makes dynix read (and then record) a file of their choosing.
    static func readBytes(_ path: String) throws -> [UInt8]? { try readVersioned(path)?.bytes }

    /// The file's bytes and the version they were read from (its status taken after the read, so a write
    /// during the read shows as another version), or nil when it does not exist. Symlinks as `readBytes`.
    static func readVersioned(_ path: String) throws -> (bytes: [UInt8], version: FileVersion)? {
        var fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        if fd < 0 && errno == ELOOP {
            var info = stat()
            guard lstat(path, &info) == 0 else { throw DynixError.io(path: path, errno: errno) }
            guard info.st_uid == 0 || info.st_uid == geteuid() else {
                throw DynixError.untrustedSymlink(path: path, owner: info.st_uid)
            }
            fd = open(path, O_RDONLY | O_CLOEXEC)
        }
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw DynixError.io(path: path, errno: errno)
        }
        defer { close(fd) }
        // One buffer of the file's size (plus one byte, so that reaching the end is seen): the dynamic file reaches
        // a megabyte on a long history, and growing an array chunk by chunk copied it over and over.
        var info = stat()
        var capacity = fstat(fd, &info) == 0 && info.st_size > 0 ? Int(info.st_size) + 1 : 65536
        var result: [UInt8] = []
        while true {
            var failure: Int32 = 0
            let chunk = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initialized in
                initialized = 0
                while initialized < buffer.count {
                    let count = read(fd, buffer.baseAddress! + initialized, buffer.count - initialized)
                    if count < 0 && errno == EINTR { continue }
                    if count < 0 { failure = errno }
                    if count <= 0 { break }
                    initialized += count
                }
            }
            if failure == EISDIR { throw DynixError.directoryInTheWay(path: path) }
            if failure != 0 { throw DynixError.io(path: path, errno: failure) }
            if result.isEmpty { result = chunk } else { result += chunk }
            if chunk.count < capacity {
                guard fstat(fd, &info) == 0 else { throw DynixError.io(path: path, errno: errno) }
                return (result, FileVersion(info))
            }
            capacity = 65536  // the file grew while it was read: the rest in chunks
        }
    }

    /// Replaces `path`, one of dynix's own files, so that a crash leaves either the old or the new content, never a
    /// mix: temporary file in the same directory, fsync, rename, fsync the directory. The new file has `mode`,
    /// whatever was there; a symbolic link at `path` is replaced, never written through.
    /// `faultSteps` names the test-only crash points (`FaultStep`). `durable: false` skips both fsyncs, for
    /// derived data that a reader checks and rebuilds (a power cut may then leave the old file, or a short one).
    static func writeAtomically(
        _ path: String, _ bytes: [UInt8], mode: mode_t = 0o644, faultSteps: FaultStep.AtomicWrite? = nil, durable: Bool = true
    ) throws {
        _ = try replace(path, bytes, mode: mode, faultSteps: faultSteps, durable: durable, settled: false, administratorsFile: false)
    }

    /// The dynamic file, the administrator's: replaced as `writeAtomically` does, but an existing file keeps its
    /// mode and a symlink (owned by root or us) is written through, so a managed /etc/nixos stays as it was. The
    /// new file's modification time is set just behind the file clock (`FileVersion`), so that any later write
    /// is told from this version at once. The version written, when the file system kept that time to the
    /// nanosecond; nil otherwise.
    static func writeSettled(_ path: String, _ bytes: [UInt8], faultSteps: FaultStep.AtomicWrite? = nil) throws -> FileVersion? {
        try replace(path, bytes, mode: 0o644, faultSteps: faultSteps, durable: true, settled: true, administratorsFile: true)
    }

    private static func replace(
        _ path: String, _ bytes: [UInt8], mode: mode_t, faultSteps: FaultStep.AtomicWrite?, durable: Bool, settled: Bool,
        administratorsFile: Bool
    ) throws -> FileVersion? {
        var target = path
        var fileMode = mode
        var info = stat()
        if administratorsFile, lstat(path, &info) == 0 {
            if (info.st_mode & S_IFMT) == S_IFLNK {
                guard info.st_uid == 0 || info.st_uid == geteuid() else { throw DynixError.untrustedSymlink(path: path, owner: info.st_uid) }
                guard let resolved = realpath(path, nil) else { throw failure(path: path) }
                target = String(cString: resolved)
                free(resolved)
                if stat(target, &info) == 0 { fileMode = info.st_mode & 0o7777 }
            } else {
                fileMode = info.st_mode & 0o7777
            }
        }
        let directory = directoryName(target)
        let temporary = "\(directory)/.\(baseName(target)).dynix-\(getpid())"
        // A new file: whatever a killed dynix (or anyone) left at that name is neither followed nor reused.
        unlink(temporary)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, fileMode)
        guard fd >= 0 else { throw failure(path: directory) }
        defer { close(fd) }
        var stampedTime: Int64?
        do {
            fchmod(fd, fileMode)  // open() applied the umask
            try bytes.withUnsafeBytes { try writeAll(fd, $0, path: temporary) }
            if settled {
                // An odd nanosecond: a file system with a coarser step (100 ns, 1 µs, 1 s) cannot keep it, so the
                // time read back equal proves the step is 1 ns and a later write cannot be rounded onto it.
                let clock = FileVersion.fileClock()
                let time = clock % 2 == 0 ? clock - 1 : clock - 2
                let omit = Glibc.timespec(tv_sec: 0, tv_nsec: (1 << 30) - 2)  // UTIME_OMIT, a macro Swift does not import: atime stays
                let times = [omit, FileVersion.time(nanoseconds: time)]
                if futimens(fd, times) == 0 { stampedTime = time }
            }
            faultSteps.map { FaultInjection.reach($0.written) }
            guard !durable || fsync(fd) == 0 else { throw failure(path: temporary) }
        } catch {
            unlink(temporary)
            throw error
        }
        faultSteps.map { FaultInjection.reach($0.synced) }
        guard rename(temporary, target) == 0 else {
            let error = failure(path: target)
            unlink(temporary)
            throw error
        }
        faultSteps.map { FaultInjection.reach($0.renamed) }
        if durable { try syncDirectory(directory) }
        // The status after the rename, which changed the change time.
        guard let stampedTime, fstat(fd, &info) == 0 else { return nil }
        let version = FileVersion(info)
        return version.modified == stampedTime ? version : nil
    }

    /// The working directory, or nil when it cannot be named.
    static func currentDirectory() -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else { return nil }
        return String(nulTerminated: buffer)
    }

    /// `path` with every link and `..` resolved; throws when it does not exist.
    static func realPath(_ path: String) throws -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard realpath(path, &buffer) != nil else { throw DynixError.io(path: path, errno: errno) }
        return String(nulTerminated: buffer)
    }

    static func baseName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws {
        var offset = 0
        while offset < bytes.count {
            let written = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw failure(path: path)
            }
            offset += written
        }
    }

    /// Makes the entries of a directory durable: after a power cut a new name exists only once its
    /// directory was fsync'd (POSIX promises no more; SIGKILL tests cannot tell the difference).
    static func syncDirectory(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw failure(path: path) }
        defer { close(fd) }
        // Some file systems cannot fsync a directory at all; there is nothing more to do there.
        if fsync(fd) != 0 && errno != EINVAL && errno != ENOTSUP { throw failure(path: path) }
    }

    /// Creates the directory and its parents; new directories get `mode`. Each new directory's entry
    /// is made durable in its parent before anything is put inside it.
    static func makeDirectory(_ path: String, mode: mode_t) throws {
        if isDirectory(path) { return }
        let parent = directoryName(path)
        if parent != path, !isDirectory(parent) { try makeDirectory(parent, mode: 0o755) }
        if mkdir(path, mode) != 0 {
            if errno == EEXIST { return }
            throw failure(path: path)
        }
        try syncDirectory(parent)
    }

    /// Makes everything under `path` durable, files and directories, deepest first: for a tree another
    /// library wrote without fsync (libgit2's `init` writes HEAD, config and the directories so).
    static func syncTree(_ path: String) throws {
        var info = stat()
        guard lstat(path, &info) == 0 else { throw failure(path: path) }
        switch info.st_mode & S_IFMT {
        case S_IFDIR:
            for name in listDirectory(path) { try syncTree(path + "/" + name) }
            try syncDirectory(path)
        case S_IFREG:
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw failure(path: path) }
            defer { close(fd) }
            guard fsync(fd) == 0 else { throw failure(path: path) }
        default:
            break  // a symlink's target is part of its entry, made durable with the directory
        }
    }

    static func remove(_ path: String) {
        unlink(path)
    }

    static func listDirectory(_ path: String) -> [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// Whether this process may create and replace files in `directory` (the nearest existing ancestor when missing).
    static func canWrite(_ directory: String) -> Bool {
        var path = directory
        while !exists(path) && path != "/" { path = directoryName(path) }
        return access(path, W_OK) == 0
    }

    static func lastError(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }

    static func failure(path: String) -> DynixError {
        switch errno {
        case ENOSPC, EDQUOT: return .noSpace(path: path)
        case EROFS: return .readOnlyFileSystem(path: path)
        case EACCES, EPERM: return .permissionDenied(path: path)
        case EISDIR: return .directoryInTheWay(path: path)
        default: return .io(path: path, errno: errno)
        }
    }
}
