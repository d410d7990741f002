#!/usr/bin/python3
"""A FUSE passthrough that knows what a power cut would keep.

It mounts BACKING at MOUNTPOINT and passes every call through, while it keeps a model of the disk
under the POSIX minimum: a file's data is durable once the file is fsync'd; a directory entry (a
name, and whether it exists at all) is durable once its parent directory is fsync'd. Nothing else
is: not a rename, not a mkdir, not a write that was never fsync'd. That is what ext4 in its default
mode usually gives more of, and why SIGKILL tests cannot find a missing fsync of a directory.

With --cut-at K the power fails at the K-th call that changes something (create, mkdir, write,
rename, unlink, rmdir, link, symlink, truncate, chmod, fsync, fsyncdir): that call and every later
one fail with EIO, and the durable state of that moment is written to --durable-out as an ordinary
directory tree. --count-out receives the number of such calls at unmount (to plan cut points).

Run as root, with Debian's python3-fusepy and fuse; foreground, one thread, so calls are ordered.
"""

import argparse
import errno
import os
import shutil
import stat
import sys

from fusepy import FUSE, FuseOSError, Operations


class Entry:
    """A durable directory entry: what kind of thing the name refers to, and which inode."""

    __slots__ = ("ino", "kind", "mode", "target")

    def __init__(self, kind, ino, mode, target=None):
        self.kind, self.ino, self.mode, self.target = kind, ino, mode, target


def entry_for(path):
    info = os.lstat(path)
    if stat.S_ISDIR(info.st_mode):
        return Entry("dir", info.st_ino, stat.S_IMODE(info.st_mode))
    if stat.S_ISLNK(info.st_mode):
        return Entry("link", info.st_ino, 0o777, os.readlink(path))
    return Entry("file", info.st_ino, stat.S_IMODE(info.st_mode))


class DurableModel:
    """Durable directories (inode -> {name: Entry}) and file contents (inode -> bytes)."""

    def __init__(self, backing):
        self.root = os.lstat(backing).st_ino
        self.root_mode = stat.S_IMODE(os.lstat(backing).st_mode)
        self.dirs = {}
        self.data = {}
        # What is on the disk when the model starts is durable: it was written before this run.
        for directory, names, files in os.walk(backing):
            ino = os.lstat(directory).st_ino
            self.dirs[ino] = {}
            for name in names + files:
                path = os.path.join(directory, name)
                entry = entry_for(path)
                self.dirs[ino][name] = entry
                if entry.kind == "file":
                    with open(path, "rb") as handle:
                        self.data[entry.ino] = handle.read()

    def sync_file(self, fd):
        ino = os.fstat(fd).st_ino
        # The handle may be write-only: read the same inode through a new one.
        reader = os.open(f"/proc/self/fd/{fd}", os.O_RDONLY)
        try:
            chunks = []
            while chunk := os.read(reader, 1 << 20):
                chunks.append(chunk)
            self.data[ino] = b"".join(chunks)
        finally:
            os.close(reader)

    def sync_directory(self, path):
        ino = os.lstat(path).st_ino
        entries = {}
        for name in os.listdir(path):
            entry = entry_for(os.path.join(path, name))
            entries[name] = entry
            # A name made durable before its own content: an empty directory, an empty file.
            if entry.kind == "dir":
                self.dirs.setdefault(entry.ino, {})
            elif entry.kind == "file":
                self.data.setdefault(entry.ino, b"")
        self.dirs[ino] = entries

    def write_tree(self, out):
        """What a machine would find on its disk after the power came back."""
        if os.path.exists(out):
            shutil.rmtree(out)
        os.mkdir(out, self.root_mode)
        linked = {}

        def fill(ino, path):
            for name, entry in sorted(self.dirs.get(ino, {}).items()):
                target = os.path.join(path, name)
                if entry.kind == "dir":
                    os.mkdir(target)
                    fill(entry.ino, target)
                    os.chmod(target, entry.mode)
                elif entry.kind == "link":
                    os.symlink(entry.target, target)
                elif entry.ino in linked:
                    os.link(linked[entry.ino], target)
                else:
                    with open(target, "wb") as handle:
                        handle.write(self.data.get(entry.ino, b""))
                    os.chmod(target, entry.mode)
                    linked[entry.ino] = target

        fill(self.root, out)


class DurableFS(Operations):
    def __init__(self, backing, cut_at, durable_out):
        self.backing = os.path.realpath(backing)
        self.model = DurableModel(self.backing)
        self.cut_at = cut_at
        self.durable_out = durable_out
        self.changes = 0
        self.dead = False

    def full(self, path):
        return self.backing + path

    def changing(self):
        """Counts a call that changes the disk; at the cut, keeps only what is durable and dies."""
        if self.dead:
            raise FuseOSError(errno.EIO)
        self.changes += 1
        if self.cut_at and self.changes >= self.cut_at:
            self.model.write_tree(self.durable_out)
            self.dead = True
            raise FuseOSError(errno.EIO)

    def alive(self):
        if self.dead:
            raise FuseOSError(errno.EIO)

    def __call__(self, op, *args):
        try:
            return super().__call__(op, *args)
        except OSError as error:
            if isinstance(error, FuseOSError):
                raise
            raise FuseOSError(error.errno or errno.EIO)

    # Reading: passed through while the power is on.

    def access(self, path, mode):
        self.alive()
        if not os.access(self.full(path), mode):
            raise FuseOSError(errno.EACCES)

    def getattr(self, path, fh=None):
        self.alive()
        info = os.fstat(fh) if fh is not None else os.lstat(self.full(path))
        keys = ("st_atime", "st_ctime", "st_gid", "st_mode", "st_mtime", "st_nlink", "st_size", "st_uid", "st_ino")
        return {key: getattr(info, key) for key in keys}

    def readdir(self, path, fh):
        self.alive()
        return [".", ".."] + os.listdir(self.full(path))

    def readlink(self, path):
        self.alive()
        return os.readlink(self.full(path))

    def statfs(self, path):
        self.alive()
        info = os.statvfs(self.full(path))
        keys = (
            "f_bavail",
            "f_bfree",
            "f_blocks",
            "f_bsize",
            "f_favail",
            "f_ffree",
            "f_files",
            "f_flag",
            "f_frsize",
            "f_namemax",
        )
        return {key: getattr(info, key) for key in keys}

    def open(self, path, flags):
        if flags & (os.O_WRONLY | os.O_RDWR | os.O_TRUNC):
            self.changing() if flags & os.O_TRUNC else self.alive()
        else:
            self.alive()
        # The kernel gives write() its offset, appends included; the backing handle must not add its own.
        return os.open(self.full(path), flags & ~os.O_APPEND)

    def read(self, path, size, offset, fh):
        self.alive()
        return os.pread(fh, size, offset)

    def opendir(self, path):
        self.alive()
        return 0

    def releasedir(self, path, fh):
        return 0

    def flush(self, path, fh):
        return 0

    def release(self, path, fh):
        os.close(fh)
        return 0

    # Changing: counted, and what becomes durable is recorded.

    def create(self, path, mode, fi=None):
        self.changing()
        # Read-write: libgit2 writes a pack through a shared mapping of the file it created.
        return os.open(self.full(path), os.O_RDWR | os.O_CREAT | os.O_TRUNC, mode)

    def write(self, path, data, offset, fh):
        self.changing()
        return os.pwrite(fh, data, offset)

    def truncate(self, path, length, fh=None):
        self.changing()
        if fh is not None:
            os.ftruncate(fh, length)
        else:
            os.truncate(self.full(path), length)

    def mkdir(self, path, mode):
        self.changing()
        os.mkdir(self.full(path), mode)

    def rmdir(self, path):
        self.changing()
        os.rmdir(self.full(path))

    def unlink(self, path):
        self.changing()
        os.unlink(self.full(path))

    def rename(self, old, new):
        self.changing()
        os.rename(self.full(old), self.full(new))

    def link(self, target, source):
        self.changing()
        os.link(self.full(source), self.full(target))

    def symlink(self, target, source):
        self.changing()
        os.symlink(source, self.full(target))

    def chmod(self, path, mode):
        self.changing()
        os.chmod(self.full(path), mode)

    def chown(self, path, uid, gid):
        self.changing()
        os.lchown(self.full(path), uid, gid)

    def utimens(self, path, times=None):
        self.alive()
        os.utime(self.full(path), times, follow_symlinks=False)

    def fsync(self, path, datasync, fh):
        self.changing()
        os.fsync(fh)
        self.model.sync_file(fh)

    def fsyncdir(self, path, datasync, fh):
        self.changing()
        self.model.sync_directory(self.full(path))

    def destroy(self, path):
        pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("backing")
    parser.add_argument("mountpoint")
    parser.add_argument("--cut-at", type=int, default=0)
    parser.add_argument("--durable-out")
    parser.add_argument("--count-out")
    args = parser.parse_args()
    if args.cut_at and not args.durable_out:
        parser.error("--cut-at needs --durable-out")
    filesystem = DurableFS(args.backing, args.cut_at, args.durable_out)
    try:
        # hard_remove: no .fuse_hidden files in listings (they would become durable entries).
        FUSE(
            filesystem,
            args.mountpoint,
            foreground=True,
            nothreads=True,
            hard_remove=True,
            allow_other=True,
            default_permissions=True,
            attr_timeout=0,
            entry_timeout=0,
            negative_timeout=0,
        )
    finally:
        if args.count_out:
            with open(args.count_out, "w") as handle:
                handle.write(f"{filesystem.changes}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
