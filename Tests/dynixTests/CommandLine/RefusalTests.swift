import DynixHistory
import DynixTestSupport
import Foundation
import XCTest

/// Every refusal: exit status, one `dynix: error:` line, a hint, and nothing on disk changed.
final class RefusalTests: XCTestCase {
    func refuse(
        _ root: TempRoot, _ arguments: [String], status: Int32 = 1, mentions: String, environment: [String: String] = [:], file: StaticString = #filePath,
        line: UInt = #line
    ) {
        let before = root.snapshot()
        let result = Run.dynix(root, arguments, environment: environment)
        XCTAssertEqual(result.status, status, result.stderr, file: file, line: line)
        let lines = result.stderr.split(separator: "\n")
        XCTAssertTrue(lines.first?.hasPrefix("dynix: error: ") ?? false, result.stderr, file: file, line: line)
        XCTAssertEqual(lines.filter { $0.hasPrefix("dynix: error:") }.count, 1, file: file, line: line)
        XCTAssertTrue(lines.contains { $0.hasPrefix("hint: ") }, "no hint: \(result.stderr)", file: file, line: line)
        XCTAssertTrue(result.stderr.contains(mentions), "expected “\(mentions)” in: \(result.stderr)", file: file, line: line)
        XCTAssertEqual(root.snapshot(), before, "a refusal changed files", file: file, line: line)
    }

    func testBadPathsAndReservedNames() {
        let root = TempRoot()
        Run.dynix(root, ["init"])
        refuse(root, ["append", "services..x", "1"], mentions: "is not a valid option path")
        refuse(root, ["append", "services.x\"", "1"], mentions: "is not a valid option path")
        refuse(root, ["append", "services.\"${x}\".y", "1"], mentions: "${")
        for reserved in ["imports", "config.services.x", "_module.args", "options.x", "disabledModules"] {
            refuse(root, ["append", reserved, "1"], mentions: "module system")
        }
    }

    /// Bounds the real option type has (distccd's `nice` is `nullOr (ints.between (-20) 19)`) are refused at append,
    /// not left for the build to find.
    func testIntegersOutsideTheOptionsBoundsAreRefused() {
        let root = Fixtures.applyRoot()
        Run.dynix(root, ["init"])
        refuse(root, ["append", "services.distccd.nice", "100"], mentions: "expected null or an integer from -20 to 19")
        refuse(root, ["append", "services.distccd.nice", "--", "-21"], mentions: "from -20 to 19")
        refuse(root, ["append", "services.distccd.nice", "20", "--json"], mentions: "from -20 to 19")
        refuse(root, ["append", "services.x.ports", "[80, 70000]"], mentions: "a JSON list of an integer from 1 to 65535")
        for value in ["19", "-20", "null"] {
            XCTAssertEqual(Run.dynix(root, ["append", "services.distccd.nice", "--", value]).status, 0, value)
        }
        XCTAssertEqual(Run.dynix(root, ["append", "services.x.ports", "[1, 65535]"]).status, 0)
    }

    func testUnknownOptionsAndBadValuesWithAManifest() {
        let root = Fixtures.applyRoot()
        Run.dynix(root, ["init"])
        refuse(root, ["append", "services.harmonia.settings.wrokers", "20"], mentions: "did you mean services.harmonia.settings.workers")
        refuse(root, ["append", "services.harmonia.settings.workers", "many"], mentions: "expected an integer")
        refuse(root, ["append", "services.distccd.logLevel", "loud"], mentions: "expected one of critical, error")
        refuse(root, ["append", "services.distccd.enable", "yes"], mentions: "expected true or false")
        refuse(root, ["append", "services.x.hosts", "[1]"], mentions: "a JSON list of a string")
        refuse(root, ["append", "services.gotosocial.settings.application-name", "\"a\\u0000b\"", "--json"], mentions: "NUL")
        refuse(root, ["append", "services.x.ratio", "1e999"], mentions: "expected a number")
    }

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

    func testBrokenJSONIsAnErrorNotACrash() {
        let root = TempRoot()
        Run.dynix(root, ["init"])
        refuse(root, ["append", "services.e", "\"\\ud800\\u0041\"", "--json"], mentions: "expected JSON")
    }

    /// Every reading and writing command still answers: what was refused never reached the history.
    func assertStillReadable(_ root: TempRoot, file: StaticString = #filePath, line: UInt = #line) {
        let commands = [
            ["status"], ["show"], ["diff"], ["log"], ["generations"], ["append", "services.after", "1"], ["unset", "services.after"], ["checkpoint"],
        ]
        for arguments in commands {
            let result = Run.dynix(root, arguments)
            XCTAssertTrue(result.status == 0 || result.status == 4, "\(arguments): \(result.status) \(result.stderr)", file: file, line: line)
        }
        XCTAssertEqual(Run.git(root, ["fsck", "--full", "--strict"]).status, 0, file: file, line: line)
        XCTAssertTrue(Run.nixParses(root.file("etc/nixos/dynamic.nix")), file: file, line: line)
    }

    /// A path of 50,000 names was taken and then crashed every command that folds the file (a recursion per name).
    func testOptionPathsBeyondTheLimitsAreRefused() {
        let root = TempRoot()
        Run.dynix(root, ["init"])
        let names = { (count: Int) in (["services"] + Array(repeating: "a", count: count - 1)).joined(separator: ".") }
        refuse(root, ["append", names(50_000), "1"], mentions: "the option path has 50000 names; dynix takes at most \(Limits.pathComponents)")
        refuse(root, ["append", names(Limits.pathComponents + 1), "1"], mentions: "dynix takes at most \(Limits.pathComponents)")
        refuse(root, ["append", "services.\"" + String(repeating: "x", count: Limits.pathBytes) + "\"", "1"], mentions: "bytes long")
        XCTAssertEqual(Run.dynix(root, ["append", names(Limits.pathComponents), "1"]).status, 0)
        assertStillReadable(root)
    }

    /// A value nested about 2,600 deep was taken and left a file Nix cannot parse ("memory exhausted").
    func testValuesBeyondTheLimitsAreRefused() {
        let root = TempRoot()
        Run.dynix(root, ["init"])
        let nested = { (depth: Int) in String(repeating: "{\"a\":", count: depth) + "1" + String(repeating: "}", count: depth) }
        refuse(root, ["append", "services.deep", nested(3_000), "--json"], mentions: "more than \(Limits.valueDepth) levels deep")
        refuse(root, ["append", "services.deep", nested(Limits.valueDepth + 1), "--json"], mentions: "levels deep")
        refuse(root, ["append", "services.deep", String(repeating: "[", count: 100_000), "--json"], mentions: "levels deep")
        XCTAssertEqual(Run.dynix(root, ["append", "services.deep", nested(Limits.valueDepth), "--json"]).status, 0)
        XCTAssertTrue(Run.nixParses(root.file("etc/nixos/dynamic.nix")))
        assertStillReadable(root)
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
