import DynixHistory
import DynixTestSupport
import Foundation
import XCTest

/// Who may write the history, and when: the lock (its holder named), an uninitialized root, an unprivileged user, a manifest symlinked by another user.
final class WriterAccessTests: XCTestCase {
    func testLockTimeoutNamesTheHolder() throws {
        let root = TempRoot()
        Run.dynix(root, ["init"])
        let fd = open(root.file("var/lib/dynix/lock"), O_RDWR)
        XCTAssertEqual(flock(fd, LOCK_EX), 0)
        let holder = Array("\(getpid())\n".utf8)
        _ = holder.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        defer {
            ftruncate(fd, 0)
            close(fd)
        }
        refuse(root, ["append", "services.a", "1", "--lock-timeout", "0.3"], status: 3, mentions: "process \(getpid()) holds the dynix lock")
    }

    func testNotInitialized() {
        let root = TempRoot()
        refuse(root, ["log"], mentions: "no dynix history")
        refuse(root, ["append", "services.a", "1"], mentions: "no dynix history")
    }

    /// An unprivileged user is refused before anything is touched, with a hint to use sudo.
    func testUnprivilegedUserIsRefused() throws {
        guard geteuid() == 0 else { throw XCTSkip("needs root to switch to an unprivileged user") }
        let root = TempRoot()
        Run.dynix(root, ["init"])
        chmod(root.path, 0o755)
        let before = root.snapshot()
        let result = Run.program([
            "setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", Run.dynixBinary, "--root", root.path, "append", "services.a", "1",
        ])
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertTrue(result.stderr.contains("dynix: error: no permission to write"), result.stderr)
        XCTAssertTrue(result.stderr.contains("run it with sudo"), result.stderr)
        XCTAssertEqual(root.snapshot(), before)
        // Others may read the history (`dynix log` without sudo) but nothing in the state directory is writable by them.
        let log = Run.program(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", Run.dynixBinary, "--root", root.path, "log"])
        XCTAssertEqual(log.status, 0, log.stderr)
        let walker = FileManager.default.enumerator(atPath: root.file("var/lib/dynix"))!
        var checked = 0
        for case let relative as String in walker {
            var info = stat()
            lstat(root.file("var/lib/dynix/" + relative), &info)
            XCTAssertEqual(info.st_mode & 0o022, 0, "\(relative) is writable by group or others")
            checked += 1
        }
        XCTAssertGreaterThan(checked, 10)
    }

    /// A symlink planted by another user in place of the manifest is not followed.
    func testForeignSymlinkedManifestIsRefused() throws {
        guard geteuid() == 0 else { throw XCTSkip("needs root to create a link owned by another user") }
        let root = TempRoot()
        Run.dynix(root, ["init"])
        root.write("elsewhere.json", "{\"version\": 1, \"options\": {}}")
        try FileManager.default.createDirectory(atPath: root.file("etc/dynix"), withIntermediateDirectories: true)
        symlink(root.file("elsewhere.json"), root.file("etc/dynix/manifest.json"))
        lchown(root.file("etc/dynix/manifest.json"), 65534, 65534)
        refuse(root, ["append", "services.a", "1"], mentions: "symbolic link owned by uid 65534")
        XCTAssertEqual(Run.dynix(root, ["status"]).status, 1)
    }
}
