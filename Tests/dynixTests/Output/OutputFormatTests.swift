import DynixHistory
import DynixTestSupport
import Foundation
import XCTest

/// How output looks: one JSON schema, aligned columns, and color and the pager as git decides them.
final class OutputFormatTests: XCTestCase {
    func testEveryJSONOutputMatchesTheSchema() throws {
        let root = rootAtGeneration1(option: "services.harmonia.settings.workers", value: "8")
        dynix(root, "append", "services.harmonia.settings.priority", "null", "services.x.hosts", "[\"a\"]")
        dynix(root, "append", "services.distccd.logLevel", "FAIL-not-an-enum", status: 1)
        dynix(root, "append", Fixtures.activation, Fixtures.Behaviour.fails.rawValue)
        dynix(root, "apply", status: 4)
        let documents = [
            dynix(root, "status", "--json", status: 4).stdout, dynix(root, "log", "--json").stdout,
            dynix(root, "log", "--json", "--option", "services.harmonia.settings.workers").stdout, dynix(root, "generations", "--json").stdout,
            dynix(root, "show", "--json").stdout, dynix(root, "show", "1", "--json").stdout, dynix(root, "diff", "--json").stdout,
            dynix(root, "diff", "static", "live", "--patch", "--json").stdout, dynix(root, "options", "--json").stdout,
            dynix(root, "show", "--at", "now", "--json").stdout, dynix(root, "log", "--at", "now", "--json").stdout,
            dynix(root, "diff", "--at", "now", "--json").stdout, dynix(root, "timeline", "--json").stdout,
        ]
        let schema = Run.packageRoot + "/schema/dynix-output.schema.json"
        for document in documents {
            let check = Run.program(
                ["/usr/bin/python3", "-c", "import json, sys, jsonschema; jsonschema.validate(json.load(sys.stdin), json.load(open(sys.argv[1])))", schema],
                input: document)
            XCTAssertEqual(check.status, 0, "\(check.stderr)\n\(document)")
        }
        // One way to say unset: no value key, set false; null is a value.
        let options = dynix(root, "options", "--json").stdout
        XCTAssertTrue(options.contains("\"pending\": {\n        \"set\": true,\n        \"static\": false,\n        \"value\": null"), options)
    }

    func testLayoutHoldsAtTwoDigitGenerationsAndWideCharacters() throws {
        let root = Fixtures.applyRoot()
        dynix(root, "init")
        for n in 1...10 {
            dynix(root, "append", "services.harmonia.settings.workers", String(n))
            dynix(root, "apply")
        }
        let status = dynix(root, "status").stdout.split(separator: "\n").map(String.init)
        XCTAssertTrue(status[1].hasPrefix("dynamic generation  10, live since"), status[1])
        let generations = dynix(root, "generations").stdout.split(separator: "\n").map(String.init)
        XCTAssertTrue(generations[0].hasPrefix("Generation  Applied"), generations[0])
        XCTAssertEqual(
            Set(generations.map { $0.firstIndex(of: "A").map { generations[0].distance(from: generations[0].startIndex, to: $0) } ?? -1 }).count > 0, true)
        dynix(root, "append", "services.nginx.virtualHosts.\"日本\".root", "/srv", "services.nginx.virtualHosts.ab.root", "/srv")
        // The values start in one column, whatever the option names hold (wide characters take two).
        let show = dynix(root, "show").stdout.split(separator: "\n").filter { $0.contains("→") }.map(String.init)
        let valueColumns = show.map { line -> Int in
            let name = line.dropFirst(2).prefix { $0 != " " }
            let spaces = line.dropFirst(2 + name.count).prefix { $0 == " " }.count
            return 2 + name.reduce(0) { $0 + (($1.unicodeScalars.first!.value >= 0x2E80) ? 2 : 1) } + spaces
        }
        XCTAssertEqual(Set(valueColumns).count, 1, "values line up: \(show)")
        let help = dynix(root, "--help").stdout + Run.program([Run.dynixBinary, "help", "append"]).stdout
        for line in help.split(separator: "\n") {
            XCTAssertEqual(line.filter { $0 == "`" }.count % 2, 0, "a code span broken across lines: \(line)")
        }
    }

    /// Runs a shell command line under `script`, so dynix's stdout (and stderr unless redirected) is a terminal.
    func underTerminal(_ command: String, rows: Int = 50, environment: [String: String] = [:]) -> String {
        let result = Run.program(["script", "-qec", "stty rows \(rows) cols 200; \(command)", "/dev/null"], environment: environment)
        return result.stdout
    }

    /// `--color` holds for the refusals of the command line too, before any command has read it.
    func testColorRulesHoldForRefusalsOfTheCommandLine() {
        let dynix = Run.dynixBinary
        XCTAssertTrue(underTerminal("\(dynix) log --nope", environment: ["NO_COLOR": ""]).contains("\u{1B}[31mdynix: error: "))
        for words in ["--color never log --nope", "log --color=never --nope", "--color never stauts"] {
            let text = underTerminal("\(dynix) \(words)", environment: ["NO_COLOR": ""])
            XCTAssertTrue(text.contains("dynix: error: "), text)
            XCTAssertFalse(text.contains("\u{1B}["), "\(words): \(text.debugDescription)")
        }
    }

    func testPagerAndColorAsGitDoesThem() throws {
        let root = rootAtGeneration1(option: "services.harmonia.settings.workers", value: "8")
        for n in 1...12 { dynix(root, "append", "services.harmonia.settings.workers", String(n)) }
        let dynixCommand = "\(Run.dynixBinary) --root \(root.path)"
        // A pager that reports LESS: set to FRX when unset, left alone when set.
        let pager = "sh -c 'echo LESS=$LESS; cat >/dev/null'"
        XCTAssertTrue(underTerminal("\(dynixCommand) log", rows: 5, environment: ["PAGER": pager, "NO_COLOR": ""]).contains("LESS=FRX"))
        XCTAssertTrue(underTerminal("LESS=X \(dynixCommand) log", rows: 5, environment: ["PAGER": pager, "NO_COLOR": ""]).contains("LESS=X"))
        XCTAssertFalse(underTerminal("\(dynixCommand) log --no-pager", rows: 5, environment: ["PAGER": pager, "NO_COLOR": ""]).contains("LESS="))
        XCTAssertTrue(
            underTerminal("\(dynixCommand) log", rows: 5, environment: ["DYNIX_PAGER": "sh -c 'echo OURS; cat >/dev/null'", "PAGER": pager, "NO_COLOR": ""])
                .contains("OURS"))
        // Color on a terminal, not through a pipe; --color overrides; stderr decides for itself.
        XCTAssertTrue(underTerminal("\(dynixCommand) status", environment: ["NO_COLOR": ""]).contains("\u{1B}["))
        XCTAssertFalse(underTerminal("\(dynixCommand) --color=never status", environment: ["NO_COLOR": ""]).contains("\u{1B}["))
        XCTAssertTrue(
            Run.program([Run.dynixBinary, "--root", root.path, "status", "--color=always"], environment: ["NO_COLOR": ""]).stdout.contains("\u{1B}["))
        let errFile = root.file("err.txt")
        _ = underTerminal("\(dynixCommand) show 9 2>\(errFile)", environment: ["NO_COLOR": ""])
        let err = root.read("err.txt") ?? ""
        XCTAssertTrue(err.contains("dynix: error:") && !err.contains("\u{1B}"), err)
        // A control character in a value is shown escaped on a terminal, never sent raw.
        dynix(root, "append", "services.gotosocial.settings.application-name", "\"a\\u001b[2Jb\"", "--json")
        let shown = underTerminal("\(dynixCommand) --color=never show", environment: ["NO_COLOR": ""])
        XCTAssertFalse(shown.contains("\u{1B}[2J"), shown)
    }

    /// Color on a terminal (a pty from `script`), never with NO_COLOR, never into a pipe.
    func testColorOnlyOnATerminalAndNeverWithNoColor() throws {
        guard FileManager.default.fileExists(atPath: "/usr/bin/script") else { throw XCTSkip("no script(1)") }
        let root = TempRoot()
        Run.dynix(root, ["init"])
        let command = "\(Run.dynixBinary) --root \(root.path) log"
        let colored = Run.program(["/usr/bin/script", "-qec", command, "/dev/null"], environment: ["NO_COLOR": "", "DYNIX_PAGER": "cat", "TERM": "xterm"])
        let plain = Run.program(["/usr/bin/script", "-qec", command, "/dev/null"], environment: ["DYNIX_PAGER": "cat", "TERM": "xterm"])
        XCTAssertTrue(colored.stdout.contains("\u{1B}["), colored.stdout)
        XCTAssertFalse(plain.stdout.contains("\u{1B}["), plain.stdout)
        XCTAssertFalse(Run.dynix(root, ["log"], environment: ["NO_COLOR": ""]).stdout.contains("\u{1B}["))
    }
}
