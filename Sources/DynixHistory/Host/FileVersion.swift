import Glibc

/// Which version of a file this is: its inode, size, and modification and change times to the nanosecond.
///
/// Any write to a file moves its modification time to the kernel's file clock, which is never behind the coarse
/// real-time clock read before the write; replacing the file gives it another inode. So a version whose modification
/// time is before that clock's reading can only be seen again if nobody wrote the file since (git's index rests on
/// the same rule, "racily clean" entries being the ones it cannot vouch for).
struct FileVersion: Equatable, Sendable {
    let device: UInt64
    let inode: UInt64
    let size: Int64
    let modified: Int64  // nanoseconds since the epoch
    let changed: Int64

    init(_ info: stat) {
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        modified = FileVersion.nanoseconds(info.st_mtim)
        changed = FileVersion.nanoseconds(info.st_ctim)
    }

    init(device: UInt64, inode: UInt64, size: Int64, modified: Int64, changed: Int64) {
        (self.device, self.inode, self.size, self.modified, self.changed) = (device, inode, size, modified, changed)
    }

    /// Whether this version, taken after a read that began at `clock` (`fileClock()`), is sure to be the one that
    /// was read and to differ from any later write: both times lie two seconds behind the clock before the read.
    /// A write during the read that kept the old modification time (`cp -p`) moved the change time; two seconds,
    /// not one tick, because a file system that keeps whole (or even) seconds gives a later write in the same
    /// second these very times, and such a file system (both times whole seconds) gets no stamp at all.
    func isSettled(readAfter clock: Int64) -> Bool {
        let wholeSeconds = modified % 1_000_000_000 == 0 && changed % 1_000_000_000 == 0
        return !wholeSeconds && modified < clock - 2_000_000_000 && changed < clock - 2_000_000_000
    }

    /// The coarse real-time clock, which file times are taken from (or, on kernels with fine-grained file
    /// times, never fall behind).
    static func fileClock() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME_COARSE, &now)
        return nanoseconds(now)
    }

    static func nanoseconds(_ time: timespec) -> Int64 { Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec) }

    static func time(nanoseconds: Int64) -> timespec {
        timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
    }
}
