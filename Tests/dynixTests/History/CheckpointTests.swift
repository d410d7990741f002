import DynixHistory
import DynixTestSupport
import Foundation
import XCTest

/// `dynix checkpoint` compacts the file and keeps every effective value.
final class CheckpointTests: XCTestCase {
    func testCheckpointKeepsEffectiveValues() throws {
        let root = TempRoot()
        Run.dynix(root, ["init"])
        for (option, value) in [("services.a.x", "1"), ("services.a.y", "2"), ("services.a.x", "3"), ("services.b", "{\"c\": 1}"), ("services.b.d", "2")] {
            XCTAssertEqual(Run.dynix(root, ["append", option, value] + (value.hasPrefix("{") ? ["--json"] : [])).status, 0)
        }
        let fold = Run.packageRoot + "/modules/dynamicism/fold.nix"
        let before = Run.nixEval("import \(fold) (import \(root.file("etc/nixos/dynamic.nix")))").stdout
        let result = Run.dynix(root, ["checkpoint"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("5 entries compacted to 4"), result.stdout)
        XCTAssertEqual(Run.nixEval("import \(fold) (import \(root.file("etc/nixos/dynamic.nix")))").stdout, before)
        XCTAssertEqual(
            Run.trailer(root, .event), "checkpoint")
    }
}
