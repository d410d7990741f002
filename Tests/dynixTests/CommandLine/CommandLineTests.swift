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

    /// What the fast path reads, argument-parser reads the same, value for value.
    func testTheFastPathReadsWhatTheFullParserReads() throws {
        let taken: [[String]] = [
            ["log"], ["log", "-n", "3"], ["log", "--json"], ["log", "--oneline", "-n", "2", "--root", "/r"], ["log", "--file", "/f", "--json"],
            ["log", "-n", "1", "-n", "4"], ["append", "a.b", "1"], ["append", "a.b", "1", "-m", "why"], ["append", "--message", "why", "a.b", "1", "c.d", "x"],
            ["append", "a.b", "1", "--message=why, with --dashes"], ["append", "a.b", "1", "--root", "/r", "--file", "/f"],
        ]
        for words in taken {
            let fast = try XCTUnwrap(FastPath.parse(words), "\(words): declined")
            let full = try Dynix.parseAsRoot(words)
            switch full {
            case let command as LogCommand: XCTAssertEqual(fast, .log(command.global.settings, command.request), "\(words)")
            case let command as AppendCommand: XCTAssertEqual(fast, .append(command.global.settings, command.request), "\(words)")
            default: XCTFail("\(words): \(full)")
            }
        }
        let declined: [[String]] = [
            ["log", "--since", "now"], ["log", "-p"], ["log", "-n"], ["log", "-n", "-1"], ["log", "-3"], ["log", "--color", "never"], ["append", "a.b"],
            ["append", "a.b", "1", "--apply"], ["append", "a.b", "1", "-m", "one", "-m", "two"], ["append", "a.b", "1", "--message="],
            ["append", "a.b", "--", "-5"], ["append"], ["status"], ["--root", "/r", "log"],
        ]
        for words in declined { XCTAssertNil(FastPath.parse(words), "\(words)") }
    }

    /// The same, end to end: the fast path (the root from `DYNIX_ROOT`, so the first word is the command) against the
    /// full parser (`--color never`, which the fast path declines and which changes nothing off a terminal).
    func testTheFastPathAndTheFullParserDoTheSame() {
        let fast = TempRoot()
        let full = TempRoot()
        for root in [fast, full] { Run.dynix(root, ["init"]) }
        func both(_ words: [String]) -> (RunResult, RunResult) {
            (Run.program([Run.dynixBinary] + words, environment: ["DYNIX_ROOT": fast.path]), Run.dynix(full, words + ["--color", "never"]))
        }
        let appends: [[String]] = [
            ["append", "services.a.b", "1"], ["append", "services.a.b", "2", "-m", "why"],
            ["append", "--message", "two", "services.a.c", "x", "services.a.d", "3"],
            ["append", "services.a.b"], ["append", "services.a.b", "-m", "x"], ["append", "services.a.b", "4", "-m", "one", "-m", "two"],
            ["append", "services.a.b", "-1"],
        ]
        for words in appends {
            let (a, b) = both(words)
            XCTAssertEqual(a.status, b.status, "\(words)")
            XCTAssertEqual(a.stderr, b.stderr, "\(words)")
            XCTAssertEqual(a.stdout.prefix(while: { $0 != "(" }), b.stdout.prefix(while: { $0 != "(" }), "\(words)")
        }
        XCTAssertEqual(fast.dynamicFile, full.dynamicFile)
        let messages = ["log", "--format=%s%n%b"]
        XCTAssertEqual(Run.git(fast, messages).stdout, Run.git(full, messages).stdout)
        for words in [["log"], ["log", "-n", "2"], ["log", "--oneline"], ["log", "--json", "-n", "1"], ["log", "-n", "x"], ["log", "-n", "-1"]] {
            let (a, b) = both(words)
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
    /// Messages that begin with `-`, an empty `--message=`, a second `-m`: each reaches the parser that reads it right,
    /// typed as an administrator types them (the root from `DYNIX_ROOT`, so the fast path sees them first).
    func testAppendsMessagesWhicheverParserReadsThem() {
        let root = TempRoot()
        dynix(root, "init")
        @discardableResult func dynix(_ root: TempRoot, _ arguments: String..., status: Int32 = 0, line: UInt = #line) -> RunResult {
            let result = Run.program([Run.dynixBinary] + arguments, environment: ["DYNIX_ROOT": root.path])
            XCTAssertEqual(result.status, status, "\(arguments): \(result.stderr)", line: line)
            return result
        }
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
