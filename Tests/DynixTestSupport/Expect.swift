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
