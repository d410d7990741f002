import DynixHistory
import Foundation
import XCTest

extension XCTestCase {
    /// Runs `dynix ARGS` on `root` and asserts its exit status (0 unless told), showing both streams if not.
    @discardableResult
    package func dynix(_ root: TempRoot, _ arguments: String..., status: Int32 = 0, file: StaticString = #filePath, line: UInt = #line) -> RunResult {
        let result = Run.dynix(root, arguments)
        XCTAssertEqual(result.status, status, "dynix \(arguments.joined(separator: " ")): \(result.stdout)\n\(result.stderr)", file: file, line: line)
        return result
    }
}

extension XCTestCase {
    /// A root at generation 1: `init`, one append, `apply` (the fixture's activation succeeds).
    package func rootAtGeneration1(
        option: String = "services.gotosocial.settings.application-name", value: String = "ok", activationDryRun: Bool = false,
        file: StaticString = #filePath, line: UInt = #line
    ) -> TempRoot {
        let root = Fixtures.applyRoot(activationDryRun: activationDryRun)
        dynix(root, "init", file: file, line: line)
        dynix(root, "append", option, value, file: file, line: line)
        dynix(root, "apply", file: file, line: line)
        return root
    }
}

extension Run {
    /// The values of one trailer of a commit of the history, as `git log` reads them.
    package static func trailer(_ root: TempRoot, _ key: TrailerKey, at revision: String = "main") -> String {
        git(root, ["log", "-1", "--format=%(trailers:key=\(key.rawValue),valueonly,separator=)", revision]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `subject|event|restored` of the newest commit: how an apply ended.
    package static func lastEvent(_ root: TempRoot) -> String {
        git(root, ["log", "-1", "--format=%s|%(trailers:key=Dynix-Event,valueonly,separator=)|%(trailers:key=Restored,valueonly,separator=)"]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// One trailer of every commit, newest first (or oldest first with `reverse`), as `git log` reads them.
    package static func trailers(_ root: TempRoot, _ key: TrailerKey, reverse: Bool = false) -> [String] {
        git(root, ["log"] + (reverse ? ["--reverse"] : []) + ["--format=%(trailers:key=\(key.rawValue),valueonly,separator=)"]).stdout
            .split(separator: "\n").map(String.init)
    }
}

/// Shared by the suites that refuse bad input and that read a history with generations, resets and rollbacks.
extension XCTestCase {
    /// A refusal as every refusal must be: the exit status, one `dynix: error:` line, a hint, and nothing on disk changed.
    package func refuse(
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

    /// Every reading and writing command still answers: what was refused never reached the history.
    package func assertStillReadable(_ root: TempRoot, file: StaticString = #filePath, line: UInt = #line) {
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

    /// gen 1: workers 8; gen 2: workers 20, rate 100; static switch; gen 3: rollback to 1.
    package func historyWithResetAndRollback() -> TempRoot {
        let root = Fixtures.applyRoot()
        _ = dynix(root, "init")
        _ = dynix(root, "append", "services.harmonia.settings.workers", "8", "-m", "first bump")
        _ = dynix(root, "apply")
        _ = dynix(root, "append", "services.harmonia.settings.workers", "20")
        _ = dynix(root, "append", "services.harmonia.settings.max_connection_rate", "100")
        _ = dynix(root, "apply")
        root.switchStatic(to: 2)
        _ = dynix(root, "rebuild-hook", "--system", root.file("systems/2"))
        // Rolling back onto a new static system must rebuild: the old program was built against static 1.
        _ = dynix(root, "rollback", "1")
        return root
    }
}
