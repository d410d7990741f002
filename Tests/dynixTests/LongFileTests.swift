import DynixTestSupport
import Foundation
import XCTest

/// The shortcuts that keep an append cheap on a long dynamic file (ARCHITECTURE.md, "Drift" and "Large objects")
/// must never let a hand edit through or store an object git would not.
final class LongFileTests: XCTestCase {
    private func stamp(_ root: TempRoot) -> [String]? {
        root.read("var/lib/dynix/file-stamp").map { $0.split(separator: " ").map(String.init) }
    }

    private func inode(_ path: String) -> String {
        let attributes = try! FileManager.default.attributesOfItem(atPath: path)
        return "\(attributes[.systemFileNumber] as! UInt64)"
    }

    /// Overwrites bytes in place: same inode, same size, within microseconds of dynix's own write.
    private func overwriteInPlace(_ path: String, replacing old: String, with new: String) {
        XCTAssertEqual(old.utf8.count, new.utf8.count)
        let text = try! String(contentsOfFile: path, encoding: .utf8)
        let range = text.range(of: old, options: .backwards)!
        let at = text.utf8.distance(from: text.utf8.startIndex, to: range.lowerBound)
        let handle = FileHandle(forUpdatingAtPath: path)!
        handle.seek(toFileOffset: UInt64(at))
        handle.write(new.data(using: .utf8)!)
        handle.closeFile()
    }

    func testAnAppendLeavesAStampForTheVersionItWrote() {
        let root = TempRoot()
        dynix(root, "init")
        dynix(root, "append", "services.a.b", "1")
        let words = stamp(root)
        XCTAssertEqual(words?.count, 8)
        XCTAssertEqual(words?[2], Run.git(root, ["rev-parse", "main^{tree}"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        XCTAssertEqual(words?[4], inode(root.file("etc/nixos/dynamic.nix")))
    }

    func testAnEditInPlaceRightAfterAnAppendIsDriftAtTheSameSize() {
        let root = TempRoot()
        dynix(root, "init")
        for attempt in 0..<20 {
            dynix(root, "append", "services.a.b", "1\(attempt % 10)")
            XCTAssertNotNil(stamp(root))
            // Same size, same inode, the same clock tick as the append's own write most of the time.
            overwriteInPlace(root.file("etc/nixos/dynamic.nix"), replacing: "1\(attempt % 10);", with: "9\(attempt % 10);")
            let refused = dynix(root, "append", "services.a.c", "2", status: 1)
            XCTAssertTrue(refused.stderr.contains("changed outside dynix"), refused.stderr)
            dynix(root, "adopt", "-m", "keep the edit")
        }
    }

    func testAFileReadWhileStillRacyGetsNoStampAndASettledOneDoes() throws {
        let root = TempRoot()
        dynix(root, "init")
        dynix(root, "append", "services.a.b", "1")
        let file = root.file("etc/nixos/dynamic.nix")
        try FileManager.default.removeItem(atPath: root.file("var/lib/dynix/file-stamp"))
        try FileManager.default.setAttributes([.modificationDate: Date()], ofItemAtPath: file)
        dynix(root, "status")
        XCTAssertNil(stamp(root), "a file written this second could be written again with the same time")
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -3600)], ofItemAtPath: file)
        dynix(root, "status")
        XCTAssertEqual(stamp(root)?[4], inode(file))
        // And the stamp is only ever a shortcut: a different content of the same size is still seen.
        overwriteInPlace(file, replacing: "1;", with: "7;")
        dynix(root, "append", "services.a.c", "2", status: 1)
    }

    /// A file past the size where the blob is hashed and compressed on two threads, written by dynix itself:
    /// git must read the same bytes back and find nothing wrong, with and without a second CPU.
    func testALargeFileIsStoredAsGitStoresIt() throws {
        let root = TempRoot()
        dynix(root, "init")
        let long = String(repeating: "abcdefghij", count: 7_000)
        dynix(root, "append", "services.a.long", long)
        let taskset = ["/usr/bin/taskset", "/bin/taskset"].first { FileManager.default.isExecutableFile(atPath: $0) }
        if let taskset {
            let oneCPU = Run.program([taskset, "-c", "0", Run.dynixBinary, "--root", root.path, "append", "services.a.b", "1"])
            XCTAssertEqual(oneCPU.status, 0, oneCPU.stderr)
        } else {
            dynix(root, "append", "services.a.b", "1")
        }
        XCTAssertGreaterThan(root.dynamicFile.utf8.count, 70_000)
        let fsck = Run.git(root, ["fsck", "--strict", "--no-dangling"])
        XCTAssertEqual(fsck.status, 0, fsck.stdout + fsck.stderr)
        for revision in ["main", "main~1"] {
            let blob = Run.git(root, ["rev-parse", "\(revision):dynamic.nix"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let loose = root.file("var/lib/dynix/history.git/objects/\(blob.prefix(2))/\(blob.dropFirst(2))")
            let mode = (try FileManager.default.attributesOfItem(atPath: loose)[.posixPermissions] as? Int) ?? 0
            XCTAssertEqual(mode, 0o444, "loose objects are read-only, as git writes them")
            XCTAssertEqual(Run.git(root, ["cat-file", "blob", blob]).stdout, Run.git(root, ["show", "\(revision):dynamic.nix"]).stdout)
        }
        XCTAssertEqual(Run.git(root, ["show", "main:dynamic.nix"]).stdout, root.dynamicFile)
        XCTAssertTrue(root.dynamicFile.contains(long))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: root.file("var/lib/dynix/history.git/objects")).filter { $0.hasPrefix("tmp_") }
        XCTAssertEqual(leftovers, [])
        dynix(root, "status")
    }
}
