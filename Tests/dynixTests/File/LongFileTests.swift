import DynixTestSupport
import Foundation
import XCTest

@testable import DynixHistory

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
        dynix(root, "status")
        XCTAssertNil(stamp(root), "a file changed in the last two seconds could be changed again with the same times")
        // A modification time set back by hand does not settle it: the change time is now.
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -3600)], ofItemAtPath: file)
        dynix(root, "status")
        XCTAssertNil(stamp(root))
        usleep(2_200_000)
        dynix(root, "status")
        XCTAssertEqual(stamp(root)?[4], inode(file))
        // And the stamp is only ever a shortcut: a different content of the same size is still seen.
        overwriteInPlace(file, replacing: "1;", with: "7;")
        dynix(root, "append", "services.a.c", "2", status: 1)
    }

    func testAnEditThatPutsTheModificationTimeBackIsStillDrift() throws {
        let root = TempRoot()
        dynix(root, "init")
        dynix(root, "append", "services.a.b", "1")
        let file = root.file("etc/nixos/dynamic.nix")
        let modified = try XCTUnwrap(stamp(root).flatMap { Int64($0[6]) })
        usleep(20_000)  // past the clock tick of dynix's own change
        overwriteInPlace(file, replacing: "1;", with: "7;")
        var times = [timespec(tv_sec: 0, tv_nsec: (1 << 30) - 2), timespec(tv_sec: Int(modified / 1_000_000_000), tv_nsec: Int(modified % 1_000_000_000))]
        XCTAssertEqual(utimensat(AT_FDCWD, file, &times, 0), 0)
        XCTAssertEqual(stamp(root)?[6], "\(modified)", "same modification time, only the change time tells")
        dynix(root, "append", "services.a.c", "2", status: 1)
    }

    func testAStampThatIsGarbageOrNamesAnotherTreeIsNoStamp() {
        let root = TempRoot()
        dynix(root, "init")
        dynix(root, "append", "services.a.b", "1")
        let good = root.read("var/lib/dynix/file-stamp")!
        let otherTree = good.replacingOccurrences(of: good.split(separator: " ")[2], with: String(repeating: "0", count: 40))
        for stampText in ["garbage\n", String(good.dropLast()), otherTree, ""] {
            root.write("var/lib/dynix/file-stamp", stampText)
            dynix(root, "append", "services.a.b", "2")
            root.write("var/lib/dynix/file-stamp", stampText)
            overwriteInPlace(root.file("etc/nixos/dynamic.nix"), replacing: "2;", with: "3;")
            dynix(root, "append", "services.a.c", "2", status: 1)
            dynix(root, "adopt")
        }
    }

    func testAnEditThroughASymlinkedFileIsDrift() throws {
        let root = TempRoot()
        root.write("srv/config/dynamic.nix", "")
        try FileManager.default.removeItem(atPath: root.file("srv/config/dynamic.nix"))
        try FileManager.default.createDirectory(atPath: root.file("etc/nixos"), withIntermediateDirectories: true)
        dynix(root, "init")
        try FileManager.default.moveItem(atPath: root.file("etc/nixos/dynamic.nix"), toPath: root.file("srv/config/dynamic.nix"))
        try FileManager.default.createSymbolicLink(atPath: root.file("etc/nixos/dynamic.nix"), withDestinationPath: root.file("srv/config/dynamic.nix"))
        dynix(root, "append", "services.a.b", "1")
        XCTAssertEqual(stamp(root)?[4], inode(root.file("srv/config/dynamic.nix")), "the stamp is of the file the link names")
        overwriteInPlace(root.file("srv/config/dynamic.nix"), replacing: "1;", with: "4;")
        dynix(root, "append", "services.a.c", "2", status: 1)
    }

    /// The two-thread blob writer itself, against git's own idea of the object, with two CPUs and with one.
    func testTheTwoThreadBlobWriterStoresWhatGitHashes() throws {
        let root = TempRoot()
        dynix(root, "init")
        let repository = try GitRepository.open(at: root.historyPath)
        // glibc's affinity calls need _GNU_SOURCE, which Swift's Glibc module does not define.
        typealias Affinity = @convention(c) (pid_t, Int, UnsafeMutableRawPointer) -> Int32
        let getAffinity = unsafeBitCast(try XCTUnwrap(dlsym(UnsafeMutableRawPointer(bitPattern: 0), "sched_getaffinity")), to: Affinity.self)
        let setAffinity = unsafeBitCast(try XCTUnwrap(dlsym(UnsafeMutableRawPointer(bitPattern: 0), "sched_setaffinity")), to: Affinity.self)
        var previous = [UInt8](repeating: 0, count: 128)
        var first = [UInt8](repeating: 0, count: 128)
        first[0] = 1  // CPU 0 alone
        XCTAssertEqual(getAffinity(0, 128, &previous), 0)
        for (index, oneCPU) in [false, true].enumerated() {
            let content = Array("x = \(index);\n".utf8) + Array(repeating: UInt8(ascii: "a") &+ UInt8(index), count: GitRepository.twoThreadBlobSize + 1000)
            if oneCPU { XCTAssertEqual(setAffinity(0, 128, &first), 0) }
            let id = try XCTUnwrap(try repository.createLargeBlob(content), "the two-thread writer ran")
            if oneCPU { XCTAssertEqual(setAffinity(0, 128, &previous), 0) }
            let input = root.file("blob-\(index)")
            XCTAssertTrue(FileManager.default.createFile(atPath: input, contents: Data(content)))
            XCTAssertEqual(id.hex, Run.program(["git", "hash-object", input]).stdout.trimmingCharacters(in: .whitespacesAndNewlines))
            XCTAssertEqual(Run.git(root, ["cat-file", "-p", id.hex]).stdout.utf8.count, content.count)
            XCTAssertEqual(Run.git(root, ["cat-file", "-t", id.hex]).stdout, "blob\n")
            let loose = root.historyPath + "/objects/\(id.hex.prefix(2))/\(id.hex.dropFirst(2))"
            XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: loose)[.posixPermissions] as? Int, 0o444)
            // Written again: the object is there, nothing changes.
            XCTAssertEqual(try repository.createLargeBlob(content), id)
        }
        let fsck = Run.git(root, ["fsck", "--strict", "--unreachable"])
        XCTAssertEqual(fsck.status, 0, fsck.stderr)
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
