import DynixHistory
import DynixTestSupport
import Foundation
import XCTest

/// A dynamic file dynix will not write over or take in: drift, an unparsable file, files Nix reads differently, code instead of data, a foreign symlink, hand edits too deep, imports beyond the limits.
final class FileRefusalTests: XCTestCase {
    func testDriftAndAnUnparsableFile() {
        let root = TempRoot()
        Run.dynix(root, ["init"])
        Run.dynix(root, ["append", "services.a", "1"])
        root.write("etc/nixos/dynamic.nix", root.dynamicFile + "# touched\n")
        refuse(root, ["append", "services.b", "2"], mentions: "was changed outside dynix")
        root.write("etc/nixos/dynamic.nix", "[\n  { services.a = 1; }\n  { services.b = let x = 1; in x; }\n]\n")
        refuse(root, ["adopt"], mentions: "dynamic.nix:3:18: `let` is not a literal")
        refuse(root, ["append", "services.b", "2"], mentions: "was changed outside dynix")
    }

    /// Files Nix would read differently from dynix are refused, so status/show never misreport what Nix evaluates.
    func testFilesNixReadsDifferentlyAreRefused() {
        let root = TempRoot()
        Run.dynix(root, ["init"])
        let cases: [(String, String)] = [
            ("[\n  # harmless\r{ imports = [ ]; }\n]\n", "module system"),
            ("[ { a.b = 1e5; } ]\n", "not a number Nix reads the same way"),
            ("[ { a.b = 00.5; } ]\n", "not a number Nix reads the same way"),
            ("[ { a.b = 0.; } ]\n", "not a number Nix reads the same way"),
            ("[ { a.b = 1.0e400; } ]\n", "not a float Nix can hold"),
            ("[ { a.b = [ 1 -2 ]; } ]\n", "needs parentheses"),
            ("[\n  { a.x = 1; }\n] /*\n]\n", "is not closed"),
        ]
        for (text, words) in cases {
            root.write("etc/nixos/dynamic.nix", text)
            refuse(root, ["adopt"], mentions: words)
        }
    }

    /// Taking over an existing file checks it like any other write, and a refusal leaves no repository behind.
    func testInitRefusesAFileWithCodeAndCreatesNothing() {
        let root = TempRoot()
        root.write("etc/nixos/dynamic.nix", "[ { imports = [ ]; } ]\n")
        refuse(root, ["init"], mentions: "module system")
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.historyPath))
        root.write("etc/nixos/dynamic.nix", "[ { a = x; } ]\n")
        refuse(root, ["init"], mentions: "`x` is not a literal")
    }

    /// The dynamic file itself replaced by another user's symlink: not read, not written through.
    func testForeignSymlinkedDynamicFileIsRefused() throws {
        guard geteuid() == 0 else { throw XCTSkip("needs root to create a link owned by another user") }
        let root = TempRoot()
        Run.dynix(root, ["init"])
        let file = root.file("etc/nixos/dynamic.nix")
        root.write("elsewhere.nix", root.dynamicFile)
        try FileManager.default.removeItem(atPath: file)
        symlink(root.file("elsewhere.nix"), file)
        lchown(file, 65534, 65534)
        refuse(root, ["append", "services.a", "1"], mentions: "symbolic link owned by uid 65534")
        XCTAssertEqual(root.read("elsewhere.nix"), root.dynamicFile)
    }

    /// A hand edit nested 10,000 deep took 8 s and 800 MB to refuse, and 100,000 crashed: now refused at the limit, at once.
    func testDeepHandEditsAreRefusedWhereTheyGoTooDeep() {
        let root = TempRoot()
        Run.dynix(root, ["init"])
        for depth in [10_000, 100_000] {
            let value = String(repeating: "{ a = ", count: depth) + "1" + String(repeating: "; }", count: depth)
            root.write("etc/nixos/dynamic.nix", "[\n  { services.x = " + value + "; }\n]\n")
            let started = Date()
            refuse(root, ["adopt"], mentions: "nests more than \(Limits.valueDepth) levels deep")
            XCTAssertLessThan(Date().timeIntervalSince(started), 5)
        }
        root.write("etc/nixos/dynamic.nix", "[\n  { " + (["services"] + Array(repeating: "a", count: 50_000)).joined(separator: ".") + " = 1; }\n]\n")
        refuse(root, ["adopt"], mentions: "more than \(Limits.pathComponents) names")
        // Nix reads `((1))` and `- - 1` too: nested as deep, they are refused as deep.
        for (open, close) in [("(", ")"), ("- ", "")] {
            let value = String(repeating: open, count: 100_000) + "1" + String(repeating: close, count: 100_000)
            root.write("etc/nixos/dynamic.nix", "[\n  { services.x = " + value + "; }\n]\n")
            refuse(root, ["adopt"], mentions: "levels deep")
        }
        // No command line holds a value this large (the kernel caps one argument at 128 KiB); a hand edit can.
        root.write("etc/nixos/dynamic.nix", "[\n  { services.big = \"" + String(repeating: "x", count: Limits.valueBytes + 1) + "\"; }\n]\n")
        refuse(root, ["adopt"], mentions: "bytes of text")
    }

    /// `init --import` of a file Nix must evaluate, nested past the limits: refused, where it crashed (the import's
    /// own rendering, re-read, met the parser's limits); a path longer than the limit is kept within it.
    func testImportsBeyondTheLimitsAreRefusedOrKeptWithinThem() {
        let root = TempRoot()
        let deep = String(repeating: "{ a = ", count: 200) + "1" + String(repeating: "; }", count: 200)
        root.write("deep.nix", "let v = \(deep); in [ { services.x = v; } ]\n")
        refuse(root, ["init", "--import", root.file("deep.nix")], mentions: "levels deep")
        let names = (["services"] + Array(repeating: "a", count: 39)).joined(separator: ".")
        root.write("long.nix", "let v = 1; in [ { \(names) = v; } ]\n")
        let imported = Run.dynix(root, ["init", "--import", root.file("long.nix")])
        XCTAssertEqual(imported.status, 0, imported.stderr)
        XCTAssertTrue(Run.nixParses(root.file("etc/nixos/dynamic.nix")))
        XCTAssertEqual(Run.dynix(root, ["checkpoint"]).status, 0)
        XCTAssertEqual(Run.dynix(root, ["status"]).status, 0)
    }
}
