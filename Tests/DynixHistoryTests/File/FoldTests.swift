import DynixHistory
import DynixTestSupport
import Foundation
import XCTest

/// The Swift fold and `modules/dynamicism/fold.nix` must agree on files dynix wrote.
final class FoldTests: XCTestCase {
    var foldNix: String { Run.packageRoot + "/modules/dynamicism/fold.nix" }

    func testSwiftFoldMatchesFoldNixOnGeneratedFiles() throws {
        var generator = ValueGenerator(seed: 7)
        let names = ["a", "b", "c"]
        let root = TempRoot()
        for round in 0..<15 {
            var entries: [Entry] = []
            for _ in 0..<(1 + generator.below(12)) {
                // A small alphabet of names makes later entries override and merge with earlier ones.
                let depth = 1 + generator.below(3)
                let path = OptionPath(["services"] + (0..<depth).map { _ in names[generator.below(3)] })
                let value: NixValue = generator.below(3) == 0 ? .attrs([names[generator.below(3)]: .int(Int64(generator.below(9)))]) : generator.value(depth: 2)
                entries.append(Entry(path: path, value: value))
            }
            var file = DynamicFile.rendering([])
            for entry in entries { file = file.appending(entry) }  // written the way `dynix append` writes
            root.write("f\(round).nix", file.text)
            let result = Run.nixEval("import \(foldNix) (import \(root.file("f\(round).nix")))")
            XCTAssertEqual(result.status, 0, result.stderr)
            XCTAssertTrue(NixJSON.matches(NixJSON.decode(result.stdout), .attrs(file.effective.tree)), "round \(round): \(file.text)\nnix: \(result.stdout)")
        }
    }

    func testLaterEntriesWinAndSetsMerge() throws {
        let entries = [
            Entry(path: OptionPath(["s", "x"]), value: .int(1)),
            Entry(path: OptionPath(["s", "y"]), value: .attrs(["a": .int(1)])),
            Entry(path: OptionPath(["s", "y", "b"]), value: .int(2)),
            Entry(path: OptionPath(["s", "x"]), value: .int(3)),
            Entry(path: OptionPath(["s", "l"]), value: .list([.int(1)])),
            Entry(path: OptionPath(["s", "l"]), value: .list([.int(2)])),
        ]
        let effective = EffectiveValues(entries: entries)
        XCTAssertEqual(effective.value(at: OptionPath(["s", "x"])), .int(3))
        XCTAssertEqual(effective.value(at: OptionPath(["s", "y"])), .attrs(["a": .int(1), "b": .int(2)]))
        XCTAssertEqual(effective.value(at: OptionPath(["s", "l"])), .list([.int(2)]))
        XCTAssertEqual(EffectiveValues(entries: effective.leafEntries), effective)
    }
}
