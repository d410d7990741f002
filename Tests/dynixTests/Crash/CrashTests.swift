import DynixTestSupport
import Foundation
import XCTest

@testable import DynixHistory

/// SIGKILL at every step of an append: the next command recovers by itself.
final class CrashTests: XCTestCase {
    func testAppendKilledAtEachStepRecovers() {
        for step in FaultStep.fileChange.map(\.rawValue) {
            for next in [["status"], ["append", "services.after", "1"]] {
                let root = TempRoot()
                Run.dynix(root, ["init"])
                XCTAssertEqual(Run.dynix(root, ["append", "services.acked", "1"]).status, 0)
                let killed = Run.dynix(root, ["append", "services.killed", "2"], environment: ["DYNIX_FAULT": step])
                XCTAssertEqual(killed.status, 128 + SIGKILL, "\(step): \(killed.stderr)")
                let recovered = Run.dynix(root, next)
                XCTAssertEqual(recovered.status, 0, "\(step) then \(next): \(recovered.stderr)")
                assertConsistent(root, step: step)
                let file = root.dynamicFile
                XCTAssertTrue(file.contains("services.acked = 1;"), "\(step): acknowledged append lost")
                let inHistory = Run.git(root, ["log", "--format=%(trailers:key=Dynix-Option,valueonly)"]).stdout.contains("services.killed")
                XCTAssertEqual(file.contains("services.killed = 2;"), inHistory, "\(step): file and history disagree")
                if next.first == "append" { XCTAssertTrue(file.contains("services.after = 1;")) }
                XCTAssertFalse(FileManager.default.fileExists(atPath: root.file("var/lib/dynix/txn")), "\(step): txn left behind")
                let leftovers =
                    ((try? FileManager.default.contentsOfDirectory(atPath: root.file("etc/nixos"))) ?? [])
                    + ((try? FileManager.default.contentsOfDirectory(atPath: root.file("var/lib/dynix"))) ?? [])
                XCTAssertEqual(leftovers.filter { $0.contains(".dynix-") }, [], "\(step): temporary files left behind")
                if step == "file-renamed" { XCTAssertTrue(file.contains("services.killed = 2;"), "the file was complete: recovery rolls forward") }
            }
        }
    }

    /// A ref lock left by a process killed inside libgit2 does not block later writes.
    func testStaleRefLockIsRemovedUnderTheLock() throws {
        let root = TempRoot()
        Run.dynix(root, ["init"])
        _ = FileManager.default.createFile(atPath: root.historyPath + "/refs/heads/main.lock", contents: Data())
        XCTAssertEqual(Run.dynix(root, ["append", "services.a", "1"]).status, 0)
        assertConsistent(root, step: "stale lock")
    }

    /// An apply killed after activating but before recording it: the next command records the generation.
    func testApplyKilledWhileRecordingIsFinishedByTheNextCommand() {
        for step in [FaultStep.applyCommitted, .applyTagged].map(\.rawValue) {
            let root = Fixtures.applyRoot()
            Run.dynix(root, ["init"])
            Run.dynix(root, ["append", "services.harmonia.settings.workers", "9"])
            let killed = Run.dynix(root, ["apply"], environment: ["DYNIX_FAULT": step])
            XCTAssertEqual(killed.status, 128 + SIGKILL, killed.stderr)
            XCTAssertEqual(Run.dynix(root, ["status"]).status, 0)
            XCTAssertEqual(Run.git(root, ["tag", "-l"]).stdout, "gen/1\n", step)
            XCTAssertEqual(
                Run.trailer(root, .event), "apply", step)
            XCTAssertTrue(Run.dynix(root, ["apply"]).stdout.contains("nothing to apply"), step)
            assertConsistent(root, step: step)
        }
    }

    func assertConsistent(_ root: TempRoot, step: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(Run.git(root, ["show", "main:dynamic.nix"]).stdout, root.dynamicFile, "\(step): file and branch differ", file: file, line: line)
        XCTAssertTrue(Run.nixParses(root.file("etc/nixos/dynamic.nix")), "\(step): file does not parse", file: file, line: line)
        let fsck = Run.git(root, ["fsck", "--full"])
        XCTAssertEqual(fsck.status, 0, "\(step): \(fsck.stderr)", file: file, line: line)
    }

    func testConcurrentWritersLoseNothing() {
        let root = TempRoot()
        Run.dynix(root, ["init"])
        let failed = LockedList()
        DispatchQueue.concurrentPerform(iterations: 4) { process in
            for n in 0..<50 {
                let result = Run.dynix(root, ["append", "services.p\(process).n\(n)", String(n)])
                if result.status != 0 { failed.append(result.stderr) }
            }
        }
        XCTAssertEqual(failed.items, [])
        let file = root.dynamicFile
        for process in 0..<4 { for n in 0..<50 { XCTAssertTrue(file.contains("services.p\(process).n\(n) = \(n);"), "p\(process) n\(n) missing") } }
        let events = Run.trailers(root, .event).filter { $0 == "append" }
        XCTAssertEqual(events.count, 200)
        assertConsistent(root, step: "concurrent")
    }
}

/// Failures collected from several threads at once.
private final class LockedList: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []

    func append(_ item: String) { lock.withLock { list.append(item) } }
    var items: [String] { lock.withLock { list } }
}
