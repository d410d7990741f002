import Glibc

/// The single-writer lock (`flock` on `var/lib/dynix/lock`); the holder's pid is kept in the file for the refusal message.
final class WriterLock {
    private let fd: Int32

    private init(fd: Int32) { self.fd = fd }

    /// Waits up to `timeout` seconds; throws `lockTimeout` naming the holder.
    static func acquire(_ path: String, timeout: Double) throws -> WriterLock {
        try Watchdog.paused { try acquireUnwatched(path, timeout: timeout) }
    }

    private static func acquireUnwatched(_ path: String, timeout: Double) throws -> WriterLock {
        let fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw FileSystem.failure(path: path) }
        // The holder's pid is written into the lock: a hard link to another file would be truncated.
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_nlink == 1 else {
            close(fd)
            throw DynixError.notOurLock(path: path)
        }
        let deadline = Clock.monotonic() + timeout
        var pause: Double = 0.001
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                let error = FileSystem.failure(path: path)
                close(fd)
                throw error
            }
            if Clock.monotonic() >= deadline {
                let holder = holderPID(fd)
                close(fd)
                throw DynixError.lockTimeout(holder: holder, seconds: timeout)
            }
            Clock.sleep(min(pause, max(0, deadline - Clock.monotonic())))
            pause = min(pause * 2, 0.05)
        }
        let pid = Array("\(getpid())\n".utf8)
        ftruncate(fd, 0)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        return WriterLock(fd: fd)
    }

    /// Takes the lock only if it is free right now.
    static func tryAcquire(_ path: String) -> WriterLock? {
        try? acquire(path, timeout: 0)
    }

    private static func holderPID(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 31, 0) }
        guard count > 0 else { return nil }
        return Int32(String(decoding: buffer[0..<count], as: UTF8.self).trimmingWhitespace())
    }

    deinit {
        ftruncate(fd, 0)
        flock(fd, LOCK_UN)
        close(fd)
    }
}
