import DynixHistory
import DynixTestSupport
import Foundation
import XCTest

/// `apply` and `rollback` when the committed values are already live: nothing built, restarted or recorded.
final class NothingToApplyTests: XCTestCase {
    func counts(_ root: TempRoot) -> [Int] {
        [
            Fixtures.lines(root, "build.log").count, Fixtures.lines(root, "activations.log").count,
            Int(Run.git(root, ["tag", "-l", "gen/*"]).stdout.split(separator: "\n").count),
        ]
    }

    func testAppendingTheLiveValueAgainLeavesNothingToApply() throws {
        let root = rootAtGeneration1(option: "services.harmonia.settings.workers", value: "7")
        _ = dynix(root, "append", "services.harmonia.settings.workers", "7")
        XCTAssertTrue(dynix(root, "status").stdout.contains("pending             none"))
        let before = counts(root)
        let result = dynix(root, "apply")
        XCTAssertEqual(
            result.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "nothing to apply: generation 1 is live with these values (--force applies anyway)")
        XCTAssertEqual(counts(root), before, "no build, no activation, no generation")
        let forced = dynix(root, "apply", "--force")
        XCTAssertTrue(forced.stdout.contains("generation 2 is live"), forced.stdout)
        XCTAssertEqual(counts(root)[2], before[2] + 1)
    }

    func testARollbackToTheLiveValuesAppliesNothing() throws {
        let root = rootAtGeneration1(option: "services.harmonia.settings.workers", value: "7")
        _ = dynix(root, "append", "services.harmonia.settings.workers", "8")
        _ = dynix(root, "apply")
        _ = dynix(root, "append", "services.harmonia.settings.workers", "7")
        _ = dynix(root, "apply")  // generation 3 has generation 1's values
        _ = dynix(root, "rollback", "1", "--no-apply")
        let before = counts(root)
        XCTAssertTrue(dynix(root, "apply").stdout.contains("nothing to apply: generation 3 is live with these values"))
        let rollback = dynix(root, "rollback", "3")
        XCTAssertTrue(rollback.stdout.contains("nothing to apply: generation 3 is live"), rollback.stdout)
        XCTAssertEqual(counts(root), before)
    }

    func testNothingDynamicCommittedWhileStaticIsLive() throws {
        let root = Fixtures.applyRoot()
        _ = dynix(root, "init")
        let result = dynix(root, "apply")
        XCTAssertTrue(result.stdout.contains("nothing to apply: the static configuration is live"), result.stdout)
        XCTAssertEqual(counts(root), [0, 0, 0])
    }
}
