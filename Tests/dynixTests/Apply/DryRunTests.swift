import DynixHistory
import DynixTestSupport
import Foundation
import XCTest

/// `apply --dry-run` and `rollback --dry-run`: what would change and restart, with nothing activated.
final class DryRunTests: XCTestCase {
    func testApplyDryRunSaysWhatChangesAndWhatRestartsAndChangesNothing() throws {
        let root = rootAtGeneration1(option: "services.harmonia.settings.workers", value: "8", activationDryRun: true)
        dynix(root, "append", "services.harmonia.settings.workers", "20")
        let activations = Fixtures.lines(root, "activations.log")
        let dry = dynix(root, "apply", "--dry-run").stdout
        XCTAssertTrue(dry.contains("services.harmonia.settings.workers  8 → 20"), dry)
        XCTAssertTrue(dry.contains("would restart demo-"), dry)
        XCTAssertEqual(Fixtures.lines(root, "activations.log"), activations, "nothing activated")
        XCTAssertEqual(Run.git(root, ["tag", "-l"]).stdout, "gen/1\n", "no generation")

        let rollback = dynix(root, "rollback", "1", "--dry-run").stdout
        XCTAssertTrue(rollback.contains("no value would change") || rollback.contains("nothing to apply"), rollback)
        dynix(root, "apply")
        let back = dynix(root, "rollback", "1", "--dry-run").stdout
        XCTAssertTrue(back.contains("services.harmonia.settings.workers  20 → 8"), back)
        XCTAssertEqual(Run.trailer(root, .event), "apply", "a dry rollback commits nothing")
    }

    func testADryRunWithoutTheProgramsSupportSaysSoAndDoesNotActivate() throws {
        let root = rootAtGeneration1(option: "services.harmonia.settings.workers", value: "8")
        dynix(root, "append", "services.harmonia.settings.workers", "20")
        let activations = Fixtures.lines(root, "activations.log")
        let dry = dynix(root, "apply", "--dry-run").stdout
        XCTAssertTrue(dry.contains("which units would restart is not known"), dry)
        XCTAssertEqual(Fixtures.lines(root, "activations.log"), activations)
    }
}
