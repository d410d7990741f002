import DynixHistory
import DynixTestSupport
import Foundation
import XCTest

/// What an administrator types, refused: bad option paths and reserved names, values outside the type or the bounds, broken JSON, paths and values beyond the limits. Each: exit 1, one `dynix: error:` line, a hint, nothing on disk changed.
final class InputRefusalTests: XCTestCase {
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

    func testBrokenJSONIsAnErrorNotACrash() {
        let root = TempRoot()
        Run.dynix(root, ["init"])
        refuse(root, ["append", "services.e", "\"\\ud800\\u0041\"", "--json"], mentions: "expected JSON")
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
}
