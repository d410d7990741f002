import DynixHistory
import DynixTestSupport
import Foundation
import XCTest

/// Every rendered value must come back from real Nix exactly, under exactly its path, and nothing else.
final class RenderRoundTripTests: XCTestCase {
    func testGeneratedValuesRoundTripThroughRealNix() throws {
        var generator = ValueGenerator(seed: 0xD1A5_2026)
        let root = TempRoot()
        var checked = 0
        for batch in 0..<6 {
            var entries: [Entry] = []
            for _ in 0..<200 {
                entries.append(Entry(path: generator.path(), value: generator.value()))
            }
            let file = DynamicFile.rendering(entries)
            // dynix reads its own output back to the same entries.
            XCTAssertEqual(try DynamicFile(bytes: file.bytes).entries, entries, "batch \(batch)")
            root.write("batch\(batch).nix", file.text)
            XCTAssertTrue(Run.nixParses(root.file("batch\(batch).nix")))
            let result = Run.program(["nix-instantiate", "--eval", "--strict", "--json", root.file("batch\(batch).nix")])
            XCTAssertEqual(result.status, 0, result.stderr)
            guard case .list(let list)? = NixJSON.decode(result.stdout) else { return XCTFail("not a list: \(result.stdout.prefix(200))") }
            XCTAssertEqual(list.count, entries.count)
            // Exact, inside Nix: each element `==` the intended value (ints and floats without printing).
            let failures = NixJSON.nixEqualityFailures(file: root.file("batch\(batch).nix"), expected: entries.map(\.asAttrs), scratch: root)
            XCTAssertEqual(failures, [], "batch \(batch): \(failures.prefix(3).map { failures.first! >= 0 ? entries[$0].path.description : "length" })")
            for (element, entry) in zip(list, entries) {
                if !NixJSON.matches(element, entry.asAttrs) {
                    XCTFail("mismatch for \(entry.path) = \(NixSyntax.render(entry.value)); Nix gave \(element)")
                    return
                }
                checked += 1
            }
        }
        XCTAssertGreaterThanOrEqual(checked, 1000)
    }

    /// Strings that would be code if an escape were missing: Nix must see them as the literal text.
    func testHostileCorpusStaysLiteral() throws {
        let corpus = [
            "${builtins.abort \"pwned\"}", "\\${x}", "''${x}''", "\"; imports = [ /etc/passwd ]; x = \"", "$${x}", "${", "\\",
            "\n]\n++ [ { config = 1; } ]", "'' + builtins.readFile /etc/shadow + ''", "*/ x /*", "# comment\n", "\u{0}".isEmpty ? "" : "ok",
        ]
        let root = TempRoot()
        let entries =
            corpus.enumerated().map { Entry(path: OptionPath(["services", "x", "v\($0.offset)"]), value: .string($0.element)) }
            + corpus.enumerated().map { Entry(path: OptionPath(["services", $0.element, "n"]), value: .int(Int64($0.offset))) }
        root.write("hostile.nix", DynamicFile.rendering(entries).text)
        let result = Run.program(["nix-instantiate", "--eval", "--strict", "--json", root.file("hostile.nix")])
        XCTAssertEqual(result.status, 0, result.stderr)
        guard case .list(let list)? = NixJSON.decode(result.stdout) else { return XCTFail(result.stdout) }
        for (element, entry) in zip(list, entries) {
            XCTAssertTrue(NixJSON.matches(element, entry.asAttrs), "\(entry.path)")
        }
    }

    func testUnrepresentableValuesAreRefused() {
        XCTAssertThrowsError(try NixValue.string("a\u{0}b").checkRepresentable())
        XCTAssertThrowsError(try NixValue.float(.nan).checkRepresentable())
        XCTAssertThrowsError(try NixValue.list([.float(.infinity)]).checkRepresentable())
        XCTAssertThrowsError(try NixValue.float(.leastNonzeroMagnitude).checkRepresentable())
        XCTAssertNoThrow(try NixValue.string("fine").checkRepresentable())
    }
}
