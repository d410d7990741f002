import DynixTestSupport
import Foundation
import XCTest

@testable import DynixHistory

/// `dynix checkpoint` packs the history: the loose objects go into one pack, durably, and the history reads the same.
final class CheckpointPackTests: XCTestCase {
    /// `git count-objects -v` as numbers (count, in-pack, packs, garbage, …).
    func objectCounts(_ root: TempRoot, file: StaticString = #filePath, line: UInt = #line) -> [String: Int] {
        let result = Run.git(root, ["count-objects", "-v"])
        XCTAssertEqual(result.status, 0, result.stderr, file: file, line: line)
        var counts: [String: Int] = [:]
        for row in result.stdout.split(separator: "\n") {
            let parts = row.split(separator: ":").map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2, let number = Int(parts[1]) { counts[parts[0]] = number }
        }
        return counts
    }

    func assertFsckClean(_ root: TempRoot, _ context: String, file: StaticString = #filePath, line: UInt = #line) {
        let fsck = Run.git(root, ["fsck", "--full", "--strict", "--no-dangling"])
        XCTAssertEqual(fsck.status, 0, "\(context): \(fsck.stdout)\(fsck.stderr)", file: file, line: line)
        XCTAssertEqual(Run.git(root, ["show", "main:dynamic.nix"]).stdout, root.dynamicFile, "\(context): file and branch differ", file: file, line: line)
    }

    /// A history with appends, two applied generations (annotated tags) and appends after them.
    func grownHistory() -> TempRoot {
        let root = Fixtures.applyRoot()
        XCTAssertEqual(Run.dynix(root, ["init"]).status, 0)
        for value in 1...12 {
            XCTAssertEqual(Run.dynix(root, ["append", "services.harmonia.settings.workers", "\(value)"]).status, 0)
            if value == 5 || value == 9 {
                let apply = Run.dynix(root, ["apply"])
                XCTAssertEqual(apply.status, 0, apply.stderr)
            }
        }
        XCTAssertEqual(Run.git(root, ["tag", "-l"]).stdout, "gen/1\ngen/2\n")
        return root
    }

    func testCheckpointPacksTheLooseObjectsAndTheHistoryReadsTheSame() {
        let root = grownHistory()
        let logBefore = Run.git(root, ["log", "--format=%H %s", "main"]).stdout
        let tagsBefore = Run.git(root, ["show-ref", "--tags"]).stdout
        XCTAssertGreaterThan(objectCounts(root)["count"] ?? 0, 30)

        let checkpoint = Run.dynix(root, ["checkpoint"])
        XCTAssertEqual(checkpoint.status, 0, checkpoint.stderr)
        XCTAssertTrue(checkpoint.stdout.contains("compacted to 1"), checkpoint.stdout)
        XCTAssertTrue(checkpoint.stdout.contains("packed "), checkpoint.stdout)
        var counts = objectCounts(root)
        XCTAssertEqual(counts["count"], 0, "loose objects left: \(counts)")
        XCTAssertEqual(counts["packs"], 1)
        XCTAssertEqual(counts["garbage"], 0)
        XCTAssertGreaterThan(counts["in-pack"] ?? 0, 30)
        assertFsckClean(root, "after checkpoint")
        // Every commit and tag is still there: the new checkpoint commit on top of the same history.
        XCTAssertTrue(Run.git(root, ["log", "--format=%H %s", "main"]).stdout.hasSuffix(logBefore))
        XCTAssertEqual(Run.git(root, ["show-ref", "--tags"]).stdout, tagsBefore)
        XCTAssertEqual(Run.git(root, ["cat-file", "-t", "gen/1"]).stdout, "tag\n")

        for command in [["log"], ["status"], ["generations"], ["show", "1"], ["diff", "1", "2"]] {
            let result = Run.dynix(root, command)
            XCTAssertEqual(result.status, 0, "\(command): \(result.stderr)")
        }
        XCTAssertEqual(Run.dynix(root, ["log", "--oneline"]).stdout.split(separator: "\n").count, logBefore.split(separator: "\n").count + 1)

        // A further append writes loose objects again (blob, tree, commit), and only those.
        XCTAssertEqual(Run.dynix(root, ["append", "services.harmonia.settings.workers", "40"]).status, 0)
        XCTAssertEqual(objectCounts(root)["count"], 3)
        assertFsckClean(root, "append after checkpoint")
        XCTAssertTrue(root.dynamicFile.contains("40"))

        // Checkpoint again: it compacts the new entry away and packs, and the earlier pack gives way to the new one.
        let again = Run.dynix(root, ["checkpoint"])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stdout.contains("compacted to 1"), again.stdout)
        XCTAssertTrue(again.stdout.contains("6 loose objects removed"), again.stdout)
        counts = objectCounts(root)
        XCTAssertEqual(counts["count"], 0)
        XCTAssertEqual(counts["packs"], 1)
        assertFsckClean(root, "second checkpoint")

        // The file is compact: checkpoint still packs, and says so.
        let compact = Run.dynix(root, ["checkpoint"])
        XCTAssertEqual(compact.status, 0, compact.stderr)
        XCTAssertTrue(compact.stdout.contains("nothing to compact (1 entry)"), compact.stdout)
        XCTAssertTrue(compact.stdout.contains("packed "), compact.stdout)
        XCTAssertTrue(compact.stdout.contains("0 loose objects removed"), compact.stdout)
        counts = objectCounts(root)
        XCTAssertEqual(counts["count"], 0)
        XCTAssertEqual(counts["packs"], 1)
        assertFsckClean(root, "checkpoint of a compact file")
        XCTAssertEqual(Run.dynix(root, ["apply"]).status, 0)
        XCTAssertEqual(Run.git(root, ["tag", "-l"]).stdout, "gen/1\ngen/2\ngen/3\n")
        assertFsckClean(root, "apply after checkpoint")
    }

    /// A loose object the pack does not hold (written by an append killed before it moved the branch) stays.
    func testUnreachableLooseObjectsStay() {
        let root = grownHistory()
        let killed = Run.dynix(root, ["append", "services.harmonia.settings.workers", "77"], environment: ["DYNIX_FAULT": FaultStep.objectsWritten.rawValue])
        XCTAssertEqual(killed.status, 128 + SIGKILL, killed.stderr)
        let checkpoint = Run.dynix(root, ["checkpoint"])
        XCTAssertEqual(checkpoint.status, 0, checkpoint.stderr)
        XCTAssertEqual(objectCounts(root)["count"], 3, "the killed append's blob, tree and commit are not in the pack")
        assertFsckClean(root, "unreachable objects")
    }

    /// SIGKILL once the pack is durable, before any loose object is deleted: the next command reads the whole
    /// history (objects both loose and packed), nothing is lost, and the next checkpoint finishes the job.
    func testCheckpointKilledAfterThePackIsWrittenLosesNothing() {
        for next in [["status"], ["append", "services.harmonia.settings.priority", "3"], ["checkpoint"]] {
            let root = grownHistory()
            let killed = Run.dynix(root, ["checkpoint"], environment: ["DYNIX_FAULT": FaultStep.packWritten.rawValue])
            XCTAssertEqual(killed.status, 128 + SIGKILL, killed.stderr)
            let logAfterKill = Run.git(root, ["log", "--format=%H %s", "main"]).stdout
            var counts = objectCounts(root)
            XCTAssertEqual(counts["packs"], 1, "the pack is there")
            XCTAssertGreaterThan(counts["count"] ?? 0, 30, "no loose object deleted yet")
            assertFsckClean(root, "killed at pack-written")

            let recovered = Run.dynix(root, next)
            XCTAssertEqual(recovered.status, 0, "\(next): \(recovered.stderr)")
            assertFsckClean(root, "pack-written then \(next)")
            XCTAssertTrue(Run.git(root, ["log", "--format=%H %s", "main"]).stdout.hasSuffix(logAfterKill), "\(next): history lost")
            XCTAssertTrue(root.dynamicFile.contains("services.harmonia.settings.workers = 12;"), root.dynamicFile)
            XCTAssertEqual(Run.dynix(root, ["log"]).status, 0)

            let finish = Run.dynix(root, ["checkpoint"])
            XCTAssertEqual(finish.status, 0, finish.stderr)
            counts = objectCounts(root)
            XCTAssertEqual(counts["count"], 0, "\(next): \(counts)")
            XCTAssertEqual(counts["packs"], 1, "\(next): \(counts)")
            assertFsckClean(root, "pack-written, \(next), checkpoint")
        }
    }

    /// What a checkpoint killed inside libgit2 leaves in objects/pack/ (its temporary pack, an index without its
    /// pack) is removed by the next checkpoint, under the lock.
    func testCrashLeftoversInThePackDirectoryAreRemoved() throws {
        let root = grownHistory()
        let packDirectory = root.historyPath + "/objects/pack"
        try FileManager.default.createDirectory(atPath: packDirectory, withIntermediateDirectories: true)
        for name in ["pack_git2_Ab12Cd", "pack-0123456789abcdef0123456789abcdef01234567.idx", "pack-fedcba9876543210fedcba9876543210fedcba98.idx.lock"] {
            XCTAssertTrue(FileManager.default.createFile(atPath: packDirectory + "/" + name, contents: Data("partial".utf8)))
        }
        // And a loose object's temporary file, libgit2's or dynix's own (a large blob), from a killed append.
        let temporaries = ["tmp_object_git2_a1b2c3", "tmp_object_dynix_4242"].map { root.historyPath + "/objects/" + $0 }
        for path in temporaries { XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data("x\u{1}partial".utf8))) }
        let checkpoint = Run.dynix(root, ["checkpoint"])
        XCTAssertEqual(checkpoint.status, 0, checkpoint.stderr)
        let left = try FileManager.default.contentsOfDirectory(atPath: packDirectory).sorted()
        XCTAssertEqual(left.count, 2, "\(left)")
        XCTAssertEqual(Set(left.map { ($0 as NSString).deletingPathExtension }).count, 1, "\(left)")
        XCTAssertEqual(objectCounts(root)["garbage"], 0)
        XCTAssertEqual(temporaries.filter { FileManager.default.fileExists(atPath: $0) }, [])
        assertFsckClean(root, "leftovers")
    }
}
