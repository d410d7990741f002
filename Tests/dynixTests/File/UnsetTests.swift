import DynixHistory
import DynixTestSupport
import Foundation
import XCTest

/// `dynix unset`: an option back to its static value, with the history keeping what was there.
final class UnsetTests: XCTestCase {
    func testUnsetReturnsAnOptionToItsStaticValueAndTheHistoryKeepsIt() throws {
        let root = rootAtGeneration1(option: "services.harmonia.settings.workers", value: "8")
        let appended = dynix(root, "append", "services.harmonia.settings.workers", "20", "services.distccd.logLevel", "error", "-m", "two at once")
        XCTAssertTrue(appended.stdout.contains("workers = 20, services.distccd.logLevel = \"error\""), appended.stdout)
        XCTAssertEqual(Run.git(root, ["rev-list", "--count", "main"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines), "4", "one commit for both")
        XCTAssertEqual(
            Run.git(root, ["log", "-1", "--format=%(trailers:key=Dynix-Option,valueonly,separator=%x2C)"]).stdout.trimmingCharacters(
                in: .whitespacesAndNewlines),
            "services.harmonia.settings.workers,services.distccd.logLevel")

        let unset = dynix(root, "unset", "services.harmonia.settings.workers")
        XCTAssertTrue(unset.stdout.contains("unset services.harmonia.settings.workers (was 20)"), unset.stdout)
        XCTAssertEqual(Run.trailer(root, .event), "unset")
        let show = dynix(root, "show", "--json").stdout
        XCTAssertFalse(show.contains("\"services.harmonia.settings.workers\": 20"), show)
        XCTAssertTrue(dynix(root, "diff").stdout.contains("services.harmonia.settings.workers  8 → 4 (static)"))
        XCTAssertTrue(Run.git(root, ["show", "main~1:dynamic.nix"]).stdout.contains("workers = 20"), "the history keeps what was there")
        XCTAssertTrue(Run.nixParses(root.file("etc/nixos/dynamic.nix")))

        let refused = dynix(root, "unset", "services.harmonia.settings.workers", status: 1)
        XCTAssertTrue(refused.stderr.contains("has no dynamic value") && refused.stderr.contains("hint:"), refused.stderr)
        dynix(root, "apply")
        XCTAssertTrue(dynix(root, "show", "live").stdout.contains("logLevel"))
    }

    func testUnsetInsideAnAttributeSetValue() throws {
        let root = Fixtures.applyRoot()
        dynix(root, "init")
        dynix(root, "append", "services.nginx.virtualHosts", "{\"a\": {\"root\": \"/srv/a\"}, \"b\": {\"root\": \"/srv/b\"}}")
        let inside = dynix(root, "unset", "services.nginx.virtualHosts.a")
        XCTAssertTrue(inside.stderr.contains("note: services.nginx.virtualHosts.a is inside the attribute-set option"), inside.stderr)
        let file = root.dynamicFile
        XCTAssertFalse(file.contains("/srv/a"), file)
        XCTAssertTrue(file.contains("/srv/b"), file)
        dynix(root, "unset", "services.nginx.virtualHosts.b")
        XCTAssertFalse(root.dynamicFile.contains("virtualHosts"), "an emptied set is dropped, not left as {} over the static one")
    }
}
