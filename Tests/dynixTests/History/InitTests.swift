import DynixHistory
import DynixTestSupport
import Foundation
import XCTest

/// `dynix init`, and `init --import` of an existing file through real Nix.
final class InitTests: XCTestCase {
    func testInitAndImportSayTheRightThing() throws {
        let root = Fixtures.applyRoot()
        root.write("etc/nixos/dynamic.nix", "[ { services.harmonia.settings.workers = ; } ]\n")
        let refused = dynix(root, "init", status: 1)
        XCTAssertTrue(refused.stderr.contains("run `dynix init` again") && !refused.stderr.contains("dynix adopt"), refused.stderr)

        let other = Fixtures.applyRoot()
        let directory = other.file("with space")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try "let w = 5 + 3; in [ { services.harmonia.settings.workers = w; } ]\n".write(toFile: directory + "/plain.nix", atomically: true, encoding: .utf8)
        let imported = Run.program([Run.dynixBinary, "--root", other.path, "init", "--import", "plain.nix"], directory: directory)
        XCTAssertEqual(imported.status, 0, imported.stderr)
        XCTAssertTrue(other.dynamicFile.contains("workers = 8"), other.dynamicFile)

        let third = Fixtures.applyRoot()
        third.write("broken.nix", "[ { a = builtins.throw \"no\"; } ]\n")
        let failed = dynix(third, "init", "--import", third.file("broken.nix"), status: 1)
        XCTAssertTrue(failed.stderr.contains("could not evaluate") && !failed.stderr.contains("six significant digits"), failed.stderr)
    }

    /// Nix 2.8's JSON keeps six digits of a float: an import that would round a value is refused.
    func testImportRefusesToRoundFloats() throws {
        let root = TempRoot()
        root.write("p.nix", "let r = 0.123456789; in [ { services.x.ratio = r; } ]")
        let result = Run.dynix(root, ["init", "--import", root.file("p.nix")])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("six significant digits"), result.stderr)
        root.write("q.nix", "[ { services.x.ratio = 0.123456789; } ]")
        XCTAssertEqual(Run.dynix(root, ["init", "--import", root.file("q.nix")]).status, 0, "a file dynix reads itself is exact")
        XCTAssertTrue(root.dynamicFile.contains("0.123456789"), root.dynamicFile)
    }

    func testInitImportEvaluatesWithRealNix() throws {
        let root = TempRoot()
        root.write(
            "prototype.nix",
            """
            let workers = 10 + 10; in
            [ { services.harmonia.settings.workers = workers; } { services.gotosocial.settings.application-name = "yay!"; } ]
            """)
        let result = Run.dynix(root, ["init", "--import", root.file("prototype.nix")])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(root.dynamicFile.contains("{ services.harmonia.settings.workers = 20; }"), root.dynamicFile)
        XCTAssertTrue(root.dynamicFile.contains("{ services.gotosocial.settings.application-name = \"yay!\"; }"), root.dynamicFile)
        XCTAssertEqual(
            Run.trailer(root, .event), "import")
    }
}
