import DynixTestSupport
import Foundation
import XCTest

@testable import dynix

/// The command line as argument-parser declares it, against the word rewriting that runs before it
/// (`CommandLineWords`: options before the subcommand, values that begin with `-`).
final class CommandLineTests: XCTestCase {
    /// Every option that takes a value, per command, read from argument-parser's own description of the commands.
    func valueOptions() throws -> [(command: String, name: String)] {
        let dump = Run.program([Run.dynixBinary, "--experimental-dump-help"])
        XCTAssertEqual(dump.status, 0, dump.stderr)
        let document = try JSONSerialization.jsonObject(with: Data(dump.stdout.utf8)) as? [String: Any]
        var result: [(String, String)] = []
        for command in (document?["command"] as? [String: Any])?["subcommands"] as? [[String: Any]] ?? [] {
            let name = command["commandName"] as? String ?? ""
            for argument in command["arguments"] as? [[String: Any]] ?? [] where argument["kind"] as? String == "option" {
                for option in argument["names"] as? [[String: Any]] ?? [] {
                    let text = option["name"] as? String ?? ""
                    result.append((name, (option["kind"] as? String == "long" ? "--" : "-") + text))
                }
            }
        }
        return result
    }

    /// A value that begins with `-` must reach argument-parser as the option's value (`--opt=-7`); an option the
    /// rewriter does not know leaves argument-parser saying "missing value", or `append` refusing `-7` as an option.
    func testEveryOptionThatTakesAValueIsKnownToTheWordRewriter() throws {
        let options = try valueOptions()
        XCTAssertGreaterThan(options.count, 40)
        XCTAssertTrue(options.contains { $0.command == "apply" && $0.name == "--activation-timeout" })
        let root = TempRoot()
        var unknown: [String] = []
        for (command, name) in options where name != "-n" {
            let arguments = [command] + (command == "append" ? ["services.a", "1"] : []) + [name, "-7"]
            // In the temporary root: `--root -7` and `--file -7` are relative paths, which `init` would create.
            let result = Run.program([Run.dynixBinary, "--root", root.path] + arguments, directory: root.path)
            XCTAssertLessThan(result.status, 128, "\(arguments): \(result.stderr)")
            if result.stderr.contains("missing value") || result.stderr.contains("looks like an option, not a VALUE") {
                unknown.append("\(command) \(name)")
            }
        }
        XCTAssertEqual(unknown, [], "options CommandLineWords.takesValue does not know")
    }

    /// Every option argument-parser declares for `log` and `append`, each known to the fast path's tables (read or
    /// declined): an option added to a command and not to its table fails here, not at run time.
    func testTheFastPathKnowsEveryOptionOfTheCommandsItTakes() throws {
        let dump = Run.program([Run.dynixBinary, "--experimental-dump-help"])
        let document = try JSONSerialization.jsonObject(with: Data(dump.stdout.utf8)) as? [String: Any]
        var declared: [String: Set<String>] = [:]
        for command in (document?["command"] as? [String: Any])?["subcommands"] as? [[String: Any]] ?? [] {
            let name = command["commandName"] as? String ?? ""
            for argument in command["arguments"] as? [[String: Any]] ?? [] where argument["kind"] as? String != "positional" {
                for option in argument["names"] as? [[String: Any]] ?? [] {
                    let text = (option["kind"] as? String == "short" ? "-" : "--") + (option["name"] as? String ?? "")
                    if !["-h", "--help", "--version"].contains(text) { declared[name, default: []].insert(text) }
                }
            }
        }
        let global = Set(FastPath.globalWords.flatMap(\.names))
        XCTAssertEqual(Set(FastPath.logWords.flatMap(\.names)).union(global), declared["log"])
        XCTAssertEqual(Set(FastPath.appendWords.flatMap(\.names)).union(global), declared["append"])
    }

    /// What the fast path takes, the full parser reads the same: `--color never` (which the fast path declines, and
    /// which changes nothing where the output is not a terminal) sends the same words the long way.
    func testTheFastPathAndTheFullParserAgree() {
        let fast = TempRoot()
        let full = TempRoot()
        for root in [fast, full] { Run.dynix(root, ["init"]) }
        let appends: [[String]] = [
            ["append", "services.a.b", "1"], ["append", "services.a.b", "2", "-m", "why"],
            ["append", "--message", "two", "services.a.c", "x", "services.a.d", "3"],
            ["append", "services.a.b"], ["append", "services.a.b", "4", "-m", "one", "-m", "two"],
        ]
        for words in appends {
            let a = Run.dynix(fast, words)
            let b = Run.dynix(full, words + ["--color", "never"])
            XCTAssertEqual(a.status, b.status, "\(words)")
            XCTAssertEqual(a.stderr, b.stderr, "\(words)")
            XCTAssertEqual(a.stdout.prefix(while: { $0 != "(" }), b.stdout.prefix(while: { $0 != "(" }), "\(words)")
        }
        XCTAssertEqual(fast.dynamicFile, full.dynamicFile)
        let subjects = ["log", "-1", "--format=%s%n%b"]
        XCTAssertEqual(Run.git(fast, subjects).stdout, Run.git(full, subjects).stdout)
        for words in [["log"], ["log", "-n", "2"], ["log", "--oneline"], ["log", "--json", "-n", "1"], ["log", "-n", "x"], ["log", "-n", "-1"]] {
            let a = Run.dynix(fast, words)
            let b = Run.dynix(full, words + ["--color", "never"])
            XCTAssertEqual(a.status, b.status, "\(words)")
            XCTAssertEqual(a.stderr, b.stderr, "\(words)")
            XCTAssertEqual(a.stdout.count, b.stdout.count, "\(words)")
        }
    }

    /// Every refusal, whoever makes it (the library, the word rewriter, argument-parser), in one voice: one
    /// `dynix: error:` line, then hints, exit status 1, nothing of argument-parser's own `Error:`/`Usage:`.
    func testEveryRefusalSpeaksInOneVoice() {
        let root = TempRoot()
        let refusals: [[String]] = [
            ["log"], ["stauts"], ["append", "services.a", "-5"], ["log", "--nope"], ["log", "-n", "x"], ["apply", "--activation-timeout", "0"],
            ["log", "--since", "2026-13-01"], ["append", "services.a"], ["show", "--at", "yesterday-ish"], ["rollback"],
        ]
        for words in refusals {
            let result = Run.dynix(root, words)
            XCTAssertEqual(result.status, 1, "\(words): \(result.stderr)")
            let lines = result.stderr.split(separator: "\n")
            XCTAssertTrue(lines.first?.hasPrefix("dynix: error: ") == true, "\(words): \(result.stderr)")
            XCTAssertTrue(lines.dropFirst().first?.hasPrefix("hint: ") == true, "\(words): \(result.stderr)")
            XCTAssertFalse(result.stderr.contains("Error:") || result.stderr.contains("Usage:"), "\(words): \(result.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: root.historyPath), "\(words): nothing created")
        }
    }

    /// append's plain form skips argument-parser (FastPath): what the full parser would refuse or read
    /// otherwise must reach it, and the messages it takes must come out the same.
    func testAppendsShortWayAndTheFullParserAgree() {
        let root = TempRoot()
        dynix(root, "init")
        XCTAssertTrue(dynix(root, "append", "services.a.b", "1", "--message=", status: 1).stderr.contains("dynix: error: missing value for '--message"))
        XCTAssertTrue(dynix(root, "append", "services.a.b", status: 1).stderr.contains("has no VALUE"))
        XCTAssertTrue(dynix(root, "append", "services.a.b", "1", "--nope", status: 1).stderr.contains("--nope"))
        XCTAssertEqual(Run.git(root, ["rev-list", "--count", "main"]).stdout, "1\n", "nothing refused was written")
        dynix(root, "append", "services.a.b", "1", "--message=why, with --dashes")
        XCTAssertEqual(Run.git(root, ["log", "-1", "--format=%s"]).stdout, "why, with --dashes\n")
        dynix(root, "append", "services.a.b", "2", "-m", "-2 jobs: less load")
        XCTAssertEqual(Run.git(root, ["log", "-1", "--format=%s"]).stdout, "-2 jobs: less load\n")
        dynix(root, "append", "services.a.b", "3", "-m", "first", "-m", "second")
        XCTAssertEqual(Run.git(root, ["log", "-1", "--format=%s"]).stdout, "second\n", "as argument-parser: the last one")
        dynix(root, "append", "services.a.c", "--", "-5")
        XCTAssertTrue(root.dynamicFile.contains("services.a.c = (-5);"), root.dynamicFile)
    }

    func testTheCommandLineRefusesWithHints() throws {
        let root = Fixtures.applyRoot()
        dynix(root, "init")
        let bare = Run.program([Run.dynixBinary])
        XCTAssertEqual(bare.status, 1)
        XCTAssertTrue(bare.stderr.contains("SUBCOMMANDS") && bare.stderr.contains("dynix: error: no command given"))
        XCTAssertEqual(Run.program([Run.dynixBinary, "help", "nope"]).status, 1)
        let typo = Run.program([Run.dynixBinary, "stauts"])
        XCTAssertEqual(typo.status, 1)
        XCTAssertTrue(typo.stderr.contains("did you mean status?"), typo.stderr)
        XCTAssertTrue(Run.program([Run.dynixBinary, "--root", root.path, "--json", "status"]).stdout.contains("\"schemaVersion\": 1"))
        let dash = dynix(root, "append", "services.harmonia.settings.workers", "-5", status: 1)
        XCTAssertTrue(dash.stderr.contains("goes after `--`"), dash.stderr)
        dynix(root, "append", "services.harmonia.settings.priority", "--", "-5")
        // An option's own value may begin with `-`: it stays that option's value.
        dynix(root, "append", "services.harmonia.settings.workers", "2", "-m", "-2 workers after the incident")
        XCTAssertEqual(Run.git(root, ["log", "-1", "--format=%s"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines), "-2 workers after the incident")
        let big = dynix(root, "append", "services.harmonia.settings.workers", "99999999999999999999", status: 1)
        XCTAssertTrue(big.stderr.contains("Nix integers are 64-bit"), big.stderr)
    }
}
