import DynixHistory
import DynixTestSupport
import XCTest

final class DynamicFileTests: XCTestCase {
    func entry(_ path: [String], _ value: NixValue) -> Entry { Entry(path: OptionPath(path), value: value) }

    func testAppendingIsAPureAdditionBeforeTheClosingBracket() throws {
        let start = try DynamicFile(text: "# mine\n[\n  { a.b = 1; } # keep\n]\n")
        let next = start.appending(entry(["a", "c"], .string("x")))
        XCTAssertEqual(next.text, "# mine\n[\n  { a.b = 1; } # keep\n  { a.c = \"x\"; }\n]\n")
        let oneLine = try DynamicFile(text: "[ ]").appending(entry(["a"], .int(1)))
        XCTAssertEqual(oneLine.text, "[ \n  { a = 1; }\n]")
        XCTAssertEqual(oneLine.entries, [entry(["a"], .int(1))])
    }

    func testFastAppendMatchesTheParsingAppend() throws {
        let new = entry(["s", "x"], .string("v"))
        for text in [DynamicFile.rendering([]).text, DynamicFile.rendering([entry(["a"], .int(1))]).text, "[\n  { a = 1; }\n  ]  \n\n"] {
            let file = try DynamicFile(text: text)
            XCTAssertEqual(DynamicFile.appendingLine(new, to: file.bytes), file.appending(new).bytes, text)
        }
        for text in ["[ ]", "[\n]\n# end ]\n", "[ { a = 1; } ]\n"] {
            XCTAssertNil(DynamicFile.appendingLine(new, to: Array(text.utf8)), text)
        }
    }

    func testUnparsableFilesReportLineAndColumn() {
        let cases: [(String, Int, Int, String)] = [
            ("[\n  { a = 1 }\n]", 2, 11, "expected `;`"),
            ("[\n  { a = \"${x}\"; }\n]", 2, 10, "interpolation"),
            ("[\n  { a = import ./x.nix; }\n]", 2, 9, "`import` is not a literal"),
            ("{ a = 1; }", 1, 1, "must be a list"),
            ("[\n  { a = 1; a = 2; }\n]", 2, 12, "already defined"),
            ("[ { a = 1; } ] ++ [ ]", 1, 16, "after the closing"),
            ("[\n  { é = 1; }\n]", 2, 5, "expected an attribute name"),
            ("[ { a = 99999999999999999999; } ]", 1, 9, "not a number"),
        ]
        for (text, line, column, words) in cases {
            XCTAssertThrowsError(try DynamicFile(text: text), text) { error in
                guard case DynixError.fileUnparsable(nil, let l, let c, let why) = error else { return XCTFail("\(error)") }
                XCTAssertEqual([l, c], [line, column], "\(text): \(why)")
                XCTAssertTrue(why.contains(words), "\(text): \(why)")
            }
        }
    }

    func testNestedSetsCommentsAndQuotedNamesParse() throws {
        let file = try DynamicFile(
            text: """
                /* hand-written */ [
                  { services.nginx.virtualHosts."example.com" = { root = "/srv"; "listen-port" = 80; }; }
                  { services.x = [ 1 (-2) 3.5 null true "s" ]; services.y.z = { }; }
                ]
                """)
        XCTAssertEqual(file.entries.count, 3)
        XCTAssertEqual(file.effective.value(at: OptionPath(["services", "nginx", "virtualHosts", "example.com", "listen-port"])), .int(80))
        XCTAssertEqual(file.entries[1].value, .list([.int(1), .int(-2), .float(3.5), .null, .bool(true), .string("s")]))
    }

    /// Whatever dynix accepts, real Nix parses and evaluates to exactly the entries dynix read;
    /// these texts are where a hand-written parser and Nix's lexer most easily disagree.
    func testDynixAcceptsOnlyWhatNixReadsTheSameWay() throws {
        let corpus = [
            "a = 1.0e-400;", "a = 0.0e-400;", "a = 1.5e3;", "a = 1e5;", "a = 00.5;", "a = 0.;", "a = .5;", "a = 1.;", "a = 01;",
            "a = { b.x = 1; }; a = { b.y = 2; };", "a.b.x = 1; a = { b = { y = 2; }; };", "a.b.x = 1; a.b = { y = 2; };",
            "a.b = { y = 2; }; a.b.x = 1;", "a = { b = 1; }; a.c = 2;", "a = 1; a = 2;", "a = \"x\r\ny\rz\";",
            "a = \"\\${x}\";", "a = [ 1 (-2) ];", "a = [ 1 -2 ];", "a = -3;", "a = (-9223372036854775807 - 1);",
            "a = 9223372036854775807;", "a = 9223372036854775808;", "\"a b\".\"c\" = true; # c\r d = 1;",
            "a = /* x */ null;", "a = \"${\";", "a = { }; a.b = 1;", "\"\" = 1;",
        ]
        let root = TempRoot()
        var accepted = 0
        for (index, text) in corpus.enumerated() {
            let source = "[\n  { \(text) }\n]\n"
            root.write("c\(index).nix", source)
            guard let file = try? DynamicFile(text: source) else { continue }
            accepted += 1
            let result = Run.program(["nix-instantiate", "--eval", "--strict", "--json", root.file("c\(index).nix")])
            XCTAssertEqual(result.status, 0, "dynix accepted what Nix refuses: \(text)\n\(result.stderr)")
            guard case .list(let elements)? = NixJSON.decode(result.stdout), elements.count == 1 else { continue }
            XCTAssertTrue(NixJSON.matches(elements[0], .attrs(file.effective.tree)), "\(text): Nix \(result.stdout), dynix \(file.effective.tree)")
        }
        XCTAssertGreaterThan(accepted, 12)
    }
}
