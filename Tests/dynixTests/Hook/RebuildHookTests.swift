import DynixHistory
import DynixTestSupport
import Foundation
import XCTest

/// The rebuild hook always exits 0 within 10 s; what it cannot commit is spooled and recorded later at its real time.
final class RebuildHookTests: XCTestCase {
    func hook(_ root: TempRoot, _ extra: [String] = [], file: StaticString = #filePath, line: UInt = #line) -> (RunResult, TimeInterval) {
        let start = Date()
        let result = Run.dynix(root, ["rebuild-hook", "--system", root.file("systems/1")] + extra)
        let elapsed = Date().timeIntervalSince(start)
        XCTAssertEqual(result.status, 0, result.stderr, file: file, line: line)
        XCTAssertLessThan(elapsed, 10, file: file, line: line)
        return (result, elapsed)
    }

    func resetEvents(_ root: TempRoot) -> [(kind: String, time: Int)] {
        Run.git(root, ["log", "--reverse", "--format=%(trailers:key=Dynix-Event,valueonly,separator=)|%at"]).stdout.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: "|")
            guard parts.count == 2, parts[0] == "rebuild" || parts[0] == "boot" else { return nil }
            return (String(parts[0]), Int(parts[1])!)
        }
    }

    func newRoot() -> TempRoot {
        let root = Fixtures.applyRoot()
        Run.dynix(root, ["init"])
        return root
    }

    func testRecordsRebuildThenBootWhenTheBootIDChanges() {
        let root = newRoot()
        XCTAssertTrue(hook(root).0.stdout.contains("recorded rebuild"))
        root.setBootID("boot-2")
        XCTAssertTrue(hook(root).0.stdout.contains("recorded boot"))
        XCTAssertEqual(resetEvents(root).map(\.kind), ["rebuild", "boot"])
    }

    func testLockHeldPastItsLimit() {
        let root = newRoot()
        let fd = open(root.file("var/lib/dynix/lock"), O_RDWR)
        XCTAssertEqual(flock(fd, LOCK_EX), 0)
        let (result, _) = hook(root, ["--lock-timeout", "1"])
        XCTAssertTrue(result.stderr.contains("dynix: warning: reset spooled"), result.stderr)
        let spooledAt = Int(Date().timeIntervalSince1970)
        XCTAssertEqual(resetEvents(root).count, 0)
        // A reader cannot record it while the lock is held, but says that a reset happened.
        XCTAssertTrue(Run.dynix(root, ["status"]).stdout.contains("none since a reset"), Run.dynix(root, ["status"]).stdout)
        close(fd)
        sleep(1)
        XCTAssertEqual(Run.dynix(root, ["append", "services.harmonia.settings.workers", "5"]).status, 0)
        let events = resetEvents(root)
        XCTAssertEqual(events.map(\.kind), ["rebuild"])
        XCTAssertLessThanOrEqual(abs(events[0].time - spooledAt), 2, "recorded at its real time")
        XCTAssertEqual(
            Run.trailer(root, .event), "append")
    }

    func testRepositoryMissing() throws {
        let root = newRoot()
        try FileManager.default.removeItem(atPath: root.historyPath)
        try FileManager.default.removeItem(atPath: root.file("etc/nixos/dynamic.nix"))
        let (result, _) = hook(root)
        // As on a host that has the module but has not run `dynix init` yet: a note, not a warning.
        XCTAssertEqual(result.status, 0)
        XCTAssertEqual(result.stderr, "")
        XCTAssertTrue(result.stdout.contains("dynix: no history at \(root.historyPath) yet"), result.stdout)
        XCTAssertEqual(Run.dynix(root, ["init"]).status, 0)
        XCTAssertEqual(resetEvents(root).map(\.kind), ["rebuild"])
    }

    /// The history gone while the dynamic file is still there: not a new host, so a warning.
    func testRepositoryLostWhileTheFileIsThere() throws {
        let root = newRoot()
        try FileManager.default.removeItem(atPath: root.historyPath)
        let (result, _) = hook(root)
        XCTAssertTrue(result.stderr.contains("dynix: warning: reset spooled"), result.stderr)
        XCTAssertEqual(Run.dynix(root, ["init"]).status, 0)
        XCTAssertEqual(resetEvents(root).map(\.kind), ["rebuild"])
    }

    func testRepositoryDamaged() throws {
        let root = newRoot()
        let ref = root.file("var/lib/dynix/history.git/refs/heads/main")
        let good = try String(contentsOfFile: ref, encoding: .utf8)
        try "garbage\n".write(toFile: ref, atomically: false, encoding: .utf8)
        let (result, _) = hook(root)
        XCTAssertTrue(result.stderr.contains("spooled"), result.stderr)
        try good.write(toFile: ref, atomically: false, encoding: .utf8)
        XCTAssertEqual(Run.dynix(root, ["log"]).status, 0, "a reader records spooled events when the lock is free")
        XCTAssertEqual(resetEvents(root).map(\.kind), ["rebuild"])
        XCTAssertEqual(Run.git(root, ["fsck", "--full", "--strict"]).status, 0)
    }

    /// A read-only state directory (a read-only bind mount, which binds root too): the event waits under run/.
    func testReadOnlyStateDirectory() throws {
        guard geteuid() == 0 else { throw XCTSkip("needs root to mount") }
        let root = newRoot()
        let state = root.file("var/lib/dynix")
        guard Run.program(["mount", "--bind", state, state]).status == 0 else { throw XCTSkip("mount is not allowed here") }
        defer { Run.program(["umount", state]) }
        guard Run.program(["mount", "-o", "remount,ro,bind", state]).status == 0 else { throw XCTSkip("read-only remount is not allowed here") }
        let (result, _) = hook(root)
        XCTAssertTrue(result.stderr.contains("spooled"), result.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: root.file("run/dynix/spool")))
        let refused = Run.dynix(root, ["append", "services.harmonia.settings.workers", "5"])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("dynix: error:"), refused.stderr)
        Run.program(["umount", state])
        XCTAssertEqual(Run.dynix(root, ["append", "services.harmonia.settings.workers", "5"]).status, 0)
        XCTAssertEqual(resetEvents(root).map(\.kind), ["rebuild"])
    }

    /// libgit2 spins forever on some truncated objects: commands give up with an error, the hook still exits 0
    /// in time, and its event is recorded once the repository is repaired.
    func testTruncatedObjectNeitherHangsNorLosesTheEvent() throws {
        let root = newRoot()
        Run.dynix(root, ["append", "services.harmonia.settings.workers", "5"])
        let head = Run.git(root, ["rev-parse", "main"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let object = root.historyPath + "/objects/" + head.prefix(2) + "/" + head.dropFirst(2)
        let good = try Data(contentsOf: URL(fileURLWithPath: object))
        chmod(object, 0o644)
        try good.prefix(good.count / 2).write(to: URL(fileURLWithPath: object))
        let start = Date()
        let status = Run.dynix(root, ["status"], environment: ["DYNIX_WATCHDOG": "2"])
        XCTAssertNotEqual(status.status, 0)
        XCTAssertTrue(status.stderr.contains("dynix: error:"), status.stderr)
        XCTAssertLessThan(Date().timeIntervalSince(start), 8)
        _ = hook(root)
        try good.write(to: URL(fileURLWithPath: object))
        XCTAssertEqual(Run.dynix(root, ["status"]).status, 0)
        XCTAssertEqual(resetEvents(root).map(\.kind), ["rebuild"])
    }
}
