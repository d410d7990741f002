import DynixHistory
import DynixTestSupport
import Foundation
import XCTest

/// A full disk at every write of `append`, `apply`, `checkpoint` and the rebuild hook: each command runs on a
/// small tmpfs filled so that only N more pages fit, for N = 0, 1, 2, … until it succeeds. Whatever N, the
/// command exits 0, or 1 with nothing changed, or 6 saying what it recorded; once space is freed, `git fsck
/// --strict` is clean, `status` reports no drift and the same command works.
final class FullDiskTests: XCTestCase {
    static let pageSize = 4096

    /// One level of the sweep: what the command did with `freePages` pages left.
    struct Level {
        let freePages: Int
        let result: RunResult
    }

    /// The state a command's outcome is judged against: the dynamic file and every ref.
    struct Recorded: Equatable {
        let file: String?
        let refs: String

        init(_ root: TempRoot) {
            file = root.read("etc/nixos/dynamic.nix")
            refs = Run.git(root, ["for-each-ref", "--format=%(refname) %(objectname)"]).stdout
        }
    }

    /// Runs `body` on a fresh root that is a tmpfs of 8 MiB; nil when this machine does not allow the mount.
    func onSmallDisk<T>(_ body: (TempRoot) throws -> T) throws -> T? {
        let root = TempRoot()
        return try withExtendedLifetime(root) {
            guard geteuid() == 0, Run.program(["mount", "-t", "tmpfs", "-o", "size=8m,mode=0755", "tmpfs", root.path]).status == 0 else {
                return nil
            }
            defer { Run.program(["umount", "-l", root.path]) }
            return try body(root)
        }
    }

    /// Fills the file system at `root` so that exactly `pages` more pages fit.
    func fill(_ root: TempRoot, leaving pages: Int) {
        var info = statvfs()
        XCTAssertEqual(statvfs(root.path, &info), 0)
        let free = Int(info.f_bavail) * Int(info.f_frsize)
        let fd = open(root.file("filler"), O_CREAT | O_WRONLY, 0o600)
        XCTAssertGreaterThanOrEqual(fd, 0)
        XCTAssertEqual(posix_fallocate(fd, 0, off_t(free - pages * Self.pageSize)), 0)
        close(fd)
    }

    /// Sweeps `command` over the free pages left, on roots `prepare` sets up; `check` judges each level.
    func sweep(
        _ name: String, prepare: (TempRoot) -> Void, command: [String], unknownAllowed: Bool = false,
        succeeded: (RunResult) -> Bool = { $0.status == 0 }, check: (TempRoot, Level, Recorded) -> Void = { _, _, _ in }
    ) throws -> [Level] {
        var levels: [Level] = []
        var successes = 0
        for pages in 0..<160 where successes < 3 {
            let level: Level? = try onSmallDisk { root in
                _ = Fixtures.applyRoot(in: root)
                prepare(root)
                let before = Recorded(root)
                fill(root, leaving: pages)
                let result = Run.dynix(root, command)
                let level = Level(freePages: pages, result: result)
                let context = "\(name) with \(pages) pages free: status \(result.status)\n\(result.stdout)\(result.stderr)"
                XCTAssertTrue([0, 1, 6].contains(result.status) || (unknownAllowed && result.status == 5), context)
                if result.status == 1 {
                    XCTAssertEqual(Recorded(root), before, "exit 1 changed the file or a ref: \(context)")
                    XCTAssertTrue(result.stderr.contains("dynix: error: "), context)
                    XCTAssertTrue(result.stderr.contains("\nhint: "), "a refusal without a hint: \(context)")
                }
                if result.status == 6 {
                    XCTAssertTrue(result.stderr.contains("dynix: error: "), context)
                }
                check(root, level, before)
                unlink(root.file("filler"))
                XCTAssertEqual(Run.git(root, ["fsck", "--full", "--strict", "--no-dangling"]).status, 0, "fsck after \(context)")
                if result.status == 5 {
                    // Only an activation that ran and could not be recorded: said, and `status` agrees.
                    XCTAssertTrue(result.stderr.contains("the activation succeeded, but recording it failed"), context)
                    let status = Run.dynix(root, ["status"])
                    XCTAssertEqual(status.status, 5, "status after \(context)\n\(status.stdout)")
                    XCTAssertTrue(status.stdout.contains("UNKNOWN"), "status after \(context)\n\(status.stdout)")
                } else {
                    let status = Run.dynix(root, ["status"])
                    XCTAssertEqual(status.status, 0, "status after \(context)\n\(status.stdout)\(status.stderr)")
                }
                let again = Run.dynix(root, command)
                XCTAssertEqual(again.status, 0, "\(name) again after \(context)\n\(again.stderr)")
                let settled = Run.dynix(root, ["status"])
                XCTAssertEqual(settled.status, 0, "status after \(name) again after \(context)\n\(settled.stdout)\(settled.stderr)")
                return level
            }
            guard let level else { throw XCTSkip("mounting a tmpfs needs root and a system that allows it") }
            levels.append(level)
            successes = succeeded(level.result) ? successes + 1 : 0
        }
        let outcomes = Dictionary(grouping: levels, by: { $0.result.status }).sorted { $0.key < $1.key }.map { "exit \($0.key) ×\($0.value.count)" }
        print("full disk, \(name): \(levels.count) levels (0 to \(levels.count - 1) pages free): \(outcomes.joined(separator: ", "))")
        XCTAssertEqual(successes, 3, "\(name) never succeeded")
        XCTAssertTrue(levels.contains { !succeeded($0.result) }, "\(name) never met the full disk")
        return levels
    }

    func testAppend() throws {
        let levels = try sweep(
            "append", prepare: { Run.dynix($0, ["init"]) }, command: ["append", "services.harmonia.settings.workers", "5"],
            check: { root, level, _ in
                if level.result.status == 0 { XCTAssertTrue(root.dynamicFile.contains("workers = 5;")) }
            })
        XCTAssertTrue(levels.contains { $0.result.stderr.contains("No space left on device") })
    }

    func testApply() throws {
        let levels = try sweep(
            "apply",
            prepare: { root in
                Run.dynix(root, ["init"])
                Run.dynix(root, ["append", "services.harmonia.settings.workers", "5"])
            },
            command: ["apply"], unknownAllowed: true,
            check: { root, level, before in
                guard level.result.status == 0 else { return }
                XCTAssertNotEqual(Recorded(root).refs, before.refs)
                XCTAssertTrue(Run.git(root, ["tag", "--list", "gen/*"]).stdout.contains("gen/1"), level.result.stdout)
            })
        XCTAssertTrue(levels.contains { $0.result.stderr.contains("No space left on device") })
    }

    func testCheckpoint() throws {
        let levels = try sweep(
            "checkpoint",
            prepare: { root in
                Run.dynix(root, ["init"])
                for workers in 1...6 { Run.dynix(root, ["append", "services.harmonia.settings.workers", String(workers)]) }
                Run.dynix(root, ["unset", "services.harmonia.settings.workers"])
                Run.dynix(root, ["append", "services.harmonia.settings.max_connection_rate", "9"])
            },
            command: ["checkpoint"],
            check: { root, level, before in
                XCTAssertEqual(root.read("etc/nixos/dynamic.nix"), before.file, "a checkpoint never changes what the file says")
            })
        XCTAssertTrue(levels.contains { $0.result.stderr.contains("No space left on device") })
    }

    /// The hook always exits 0: each event is recorded, or spooled and recorded by the next command, or said lost.
    func testRebuildHook() throws {
        let levels = try sweep(
            "rebuild-hook",
            prepare: { root in
                Run.dynix(root, ["init"])
                Run.dynix(root, ["append", "services.harmonia.settings.workers", "5", "--apply"])
                root.switchStatic(to: 2)
            },
            command: ["rebuild-hook"], succeeded: { $0.stdout.contains("recorded") },
            check: { root, level, _ in
                let said = level.result.stdout + level.result.stderr
                XCTAssertEqual(level.result.status, 0, said)
                if said.contains("could not record the reset") {
                    // Neither the spool nor the history took it: `status` still says the live generation was
                    // built on another static system.
                    unlink(root.file("filler"))
                    let status = Run.dynix(root, ["status"]).stdout
                    XCTAssertTrue(status.contains("static drift"), status)
                    return
                }
                XCTAssertTrue(said.contains("recorded") || said.contains("spooled"), said)
                // The next writer records what was spooled once there is room again.
                unlink(root.file("filler"))
                XCTAssertEqual(Run.dynix(root, ["append", "services.harmonia.settings.workers", "6"]).status, 0)
                let events = Run.trailers(root, .event).filter { $0 == "rebuild" }
                XCTAssertEqual(events.count, 1, "one rebuild recorded: \(said)")
            })
        XCTAssertTrue(levels.contains { $0.result.status == 0 && ($0.result.stderr + $0.result.stdout).contains("spooled") })
    }
}
