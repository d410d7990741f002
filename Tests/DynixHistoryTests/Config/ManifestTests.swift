import DynixHistory
import DynixTestSupport
import XCTest

final class ManifestTests: XCTestCase {
    func testManifestTypesReadArguments() throws {
        let manifest = try Manifest(
            json: """
                {"version": 1, "options": {
                  "s.i": {"type": "int", "static": 4}, "s.e": {"type": {"enum": ["a", "b"]}},
                  "s.n": {"type": {"nullOr": "int"}}, "s.l": {"type": {"listOf": "str"}}, "s.f": {"type": "float"},
                  "s.h": {"type": "attrs"}}, "build": ["/b", "{file}"], "restoreStatic": ["/r"]}
                """, path: "m.json")
        func read(_ option: String, _ value: String) throws -> NixValue {
            try Entry.from(option: option, value: value, reading: .inferred, manifest: manifest).value
        }
        XCTAssertEqual(try read("s.i", "-3"), .int(-3))
        XCTAssertEqual(try read("s.e", "b"), .string("b"))
        XCTAssertEqual(try read("s.n", "null"), .null)
        XCTAssertEqual(try read("s.n", "5"), .int(5))
        XCTAssertEqual(try read("s.l", "[\"x\", \"y\"]"), .list([.string("x"), .string("y")]))
        XCTAssertEqual(try read("s.f", "2"), .float(2))
        XCTAssertEqual(try read("s.h.deep.name", "true"), .bool(true))
        XCTAssertThrowsError(try read("s.i", "4.5"))
        XCTAssertThrowsError(try read("s.e", "c"))
        XCTAssertThrowsError(try read("s.l", "[1]"))
        XCTAssertThrowsError(try read("s.x", "1")) { error in
            guard case DynixError.unknownOption(_, let suggestions) = error else { return XCTFail() }
            XCTAssertEqual(suggestions.first, "s.e")
        }
        XCTAssertThrowsError(try Manifest(json: "{\"version\": 2, \"options\": {}}", path: "m"))
        XCTAssertThrowsError(try Manifest(json: "{\"version\": 1, \"options\": {\"a\": {\"type\": \"number\"}}}", path: "m"))
    }
}
