import DynixHistory
import DynixTestSupport
import Foundation
import XCTest

/// `dynix adopt` records a hand edit of the file.
final class AdoptTests: XCTestCase {
    func testAdoptRecordsAHandEdit() {
        let root = TempRoot()
        Run.dynix(root, ["init"])
        Run.dynix(root, ["append", "services.a.x", "1"])
        let edited = root.dynamicFile.replacingOccurrences(of: "services.a.x = 1;", with: "services.a.x = 2; /* by hand */")
        root.write("etc/nixos/dynamic.nix", edited)
        let refused = Run.dynix(root, ["append", "services.a.y", "1"])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("changed outside dynix"), refused.stderr)
        let adopt = Run.dynix(root, ["adopt", "-m", "fix by hand"])
        XCTAssertEqual(adopt.status, 0, adopt.stderr)
        XCTAssertEqual(Run.git(root, ["show", "main:dynamic.nix"]).stdout, edited)
        XCTAssertEqual(Run.dynix(root, ["append", "services.a.y", "1"]).status, 0)
    }
}
