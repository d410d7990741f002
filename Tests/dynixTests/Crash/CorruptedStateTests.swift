import DynixHistory
import DynixTestSupport
import Foundation
import XCTest

/// Damaged objects, refs and state files: every command answers at once, a refusal names the repository (never
/// "changed outside dynix") with the `git fsck` hint, nothing is written, and derived state is rebuilt.
final class CorruptedStateTests: XCTestCase {
    static let commands: [[String]] = [
        ["status"], ["show"], ["log", "-n", "2"], ["diff"], ["generations"],
        ["append", "services.c", "3"], ["unset", "services.a"], ["checkpoint"], ["adopt"],
    ]

    func newRoot() -> TempRoot {
        let root = TempRoot()
        Run.dynix(root, ["init"])
        Run.dynix(root, ["append", "services.a", "1"])
        Run.dynix(root, ["append", "services.b", "2"])
        return root
    }

    func objectPath(_ root: TempRoot, _ revision: String) -> String {
        let id = Run.git(root, ["rev-parse", revision]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        return root.historyPath + "/objects/" + id.prefix(2) + "/" + id.dropFirst(2)
    }

    func truncate(_ path: String) {
        let bytes = FileManager.default.contents(atPath: path) ?? Data()
        chmod(path, 0o644)
        _ = FileManager.default.createFile(atPath: path, contents: bytes.prefix(bytes.count / 2))
    }

    /// Each damage to history.git, then every command: an answer within seconds (the watchdog set far away, so
    /// it is not what ends a command), exit 0 or 1, and a refusal that blames the repository.
    func testADamagedRepositoryIsNamedAtOnceAndNothingIsWritten() {
        let damages: [(String, (TempRoot) -> Void)] = [
            ("the head commit truncated", { self.truncate(self.objectPath($0, "main")) }),
            ("the head tree truncated", { self.truncate(self.objectPath($0, "main^{tree}")) }),
            ("the dynamic file's blob truncated", { self.truncate(self.objectPath($0, "main:dynamic.nix")) }),
            ("refs/heads/main not an id", { $0.write("var/lib/dynix/history.git/refs/heads/main", "nothex\n") }),
            ("refs/heads/main naming no object", { $0.write("var/lib/dynix/history.git/refs/heads/main", String(repeating: "12", count: 20) + "\n") }),
            ("packed-refs garbage", { $0.write("var/lib/dynix/history.git/packed-refs", "garbage line\n") }),
            ("config garbage", { $0.write("var/lib/dynix/history.git/config", "[core\nbare = ???\n") }),
        ]
        var truncatedSaid = false
        for (damage, apply) in damages {
            let root = newRoot()
            apply(root)
            var file = root.dynamicFile
            let refs = try? FileManager.default.contentsOfDirectory(atPath: root.historyPath + "/refs/heads")
            for command in Self.commands {
                let start = Date()
                let result = Run.dynix(root, command, environment: ["DYNIX_WATCHDOG": "60"])
                let context = "\(damage), \(command.joined(separator: " ")): exit \(result.status)\n\(result.stderr)"
                XCTAssertLessThan(Date().timeIntervalSince(start), 10, context)
                XCTAssertTrue([0, 1].contains(result.status), context)
                XCTAssertFalse(result.stderr.contains("changed outside dynix"), context)
                if result.status == 1 {
                    XCTAssertTrue(result.stderr.contains("dynix: error: "), context)
                    XCTAssertTrue(result.stderr.contains("hint: ") && result.stderr.contains("fsck"), context)
                }
                truncatedSaid = truncatedSaid || result.stderr.contains("a truncated object")
                if result.status == 0 && root.dynamicFile != file {
                    // A write that needed none of the damaged objects is recorded like any other.
                    XCTAssertEqual(Run.git(root, ["show", "main:dynamic.nix"]).stdout, root.dynamicFile, context)
                    file = root.dynamicFile
                } else {
                    XCTAssertEqual(root.dynamicFile, file, context)
                }
            }
            XCTAssertEqual(try? FileManager.default.contentsOfDirectory(atPath: root.historyPath + "/refs/heads"), refs, damage)
        }
        XCTAssertTrue(truncatedSaid, "a truncated object is named as one")
    }

    /// libgit2 1.5 and 1.9.1 spin forever in inflate() on a truncated loose object; CInflateGuard ends that.
    func testATruncatedObjectIsRefusedAtOnce() {
        let root = newRoot()
        truncate(objectPath(root, "main"))
        let start = Date()
        let result = Run.dynix(root, ["status"], environment: ["DYNIX_WATCHDOG": "60"])
        XCTAssertLessThan(Date().timeIntervalSince(start), 5)
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertTrue(result.stderr.contains("the compressed data ends too early (a truncated object)"), result.stderr)
        XCTAssertFalse(result.stderr.contains("gave up after"), "the watchdog was not what ended it")
    }

    /// A directory where dynix keeps a file: "Is a directory" with no hint before.
    func testADirectoryWhereAFileBelongsIsNamedWithTheWayOut() throws {
        for relative in ["var/lib/dynix/txn", "etc/nixos/dynamic.nix"] {
            let root = newRoot()
            let head = Run.git(root, ["rev-parse", "main"]).stdout
            let path = root.file(relative)
            try? FileManager.default.removeItem(atPath: path)
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            let refused = Run.dynix(root, ["append", "services.c", "3"])
            XCTAssertEqual(refused.status, 1, refused.stderr)
            XCTAssertTrue(refused.stderr.hasPrefix("dynix: error: \(path) is a directory; dynix keeps a file there"), refused.stderr)
            XCTAssertTrue(refused.stderr.contains("hint: see what it holds"), refused.stderr)
            XCTAssertEqual(Run.git(root, ["rev-parse", "main"]).stdout, head)
            var info = stat()
            XCTAssertEqual(stat(path, &info), 0)
            XCTAssertEqual(info.st_mode & S_IFMT, S_IFDIR, "dynix never removes a directory it did not make")
        }
    }

    /// State dynix can rebuild or drop (a torn txn record, activation marker, spooled event, cache, stamp): garbage
    /// there, or a directory, and every command still works; the next write is recorded.
    func testGarbageInStateFilesIsDroppedOrRebuilt() throws {
        let garbage: [(String, (TempRoot) throws -> Void)] = [
            ("txn garbage", { $0.write("var/lib/dynix/txn", "\u{0}\u{7f}garbage") }),
            ("txn of 20 MB", { $0.write("var/lib/dynix/txn", String(repeating: "a", count: 20_000_000)) }),
            ("activating garbage", { $0.write("var/lib/dynix/activating", "junk\n") }),
            ("the moments index garbage", { $0.write("var/lib/dynix/moments", "dynix-moments 1\n" + String(repeating: "\u{1}", count: 100)) }),
            (
                "activating a directory",
                { try FileManager.default.createDirectory(atPath: $0.file("var/lib/dynix/activating"), withIntermediateDirectories: true) }
            ),
            ("a spooled event of garbage", { $0.write("run/dynix/spool/001796425441-1.event", "\u{0}junk=\n=\n") }),
            (
                "a spooled event a directory",
                { try FileManager.default.createDirectory(atPath: $0.file("run/dynix/spool/001796425441-1.event"), withIntermediateDirectories: true) }
            ),
            (
                "effective cache garbage",
                { root in
                    for name in (try? FileManager.default.contentsOfDirectory(atPath: root.file("var/lib/dynix/effective"))) ?? [] {
                        root.write("var/lib/dynix/effective/" + name, "junk")
                    }
                }
            ),
            (
                "file-stamp a directory",
                { root in
                    try? FileManager.default.removeItem(atPath: root.file("var/lib/dynix/file-stamp"))
                    try FileManager.default.createDirectory(atPath: root.file("var/lib/dynix/file-stamp"), withIntermediateDirectories: true)
                }
            ),
        ]
        for (name, damage) in garbage {
            let root = newRoot()
            try damage(root)
            for command in [["status"], ["show"], ["diff"], ["show", "--at", "now"], ["timeline"]] {
                let result = Run.dynix(root, command)
                XCTAssertEqual(result.status, 0, "\(name), \(command): \(result.stderr)")
            }
            let append = Run.dynix(root, ["append", "services.c", "3"])
            XCTAssertEqual(append.status, 0, "\(name): \(append.stderr)")
            XCTAssertTrue(root.dynamicFile.contains("services.c = 3;"), name)
            XCTAssertTrue(Run.git(root, ["show", "main:dynamic.nix"]).stdout.contains("services.c = 3;"), name)
            XCTAssertEqual(Run.git(root, ["fsck", "--full", "--strict"]).status, 0, name)
        }
    }

    /// A manifest nested 100,000 deep reached the user as Swift's own `Error: TooDeep(limit: 512)`.
    func testAManifestTooDeepIsRefusedInDynixsVoice() {
        let root = newRoot()
        root.write("etc/dynix/manifest.json", String(repeating: "[", count: 100_000))
        let refused = Run.dynix(root, ["status"])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.hasPrefix("dynix: error: \(root.file("etc/dynix/manifest.json")): nested deeper than 512 levels"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("hint: "), refused.stderr)
    }
}
