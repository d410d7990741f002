import DynixHistory
import DynixTestSupport
import Foundation
import XCTest

/// What a new administrator meets in the first hour: unset, dry runs, discovery before init, git's rules
/// for log, one JSON schema, clear refusals, status that says what needs attention.
final class FirstHourTests: XCTestCase {
    // MARK: unset and several pairs

    func testUnsetReturnsAnOptionToItsStaticValueAndTheHistoryKeepsIt() throws {
        let root = rootAtGeneration1(option: "services.harmonia.settings.workers", value: "8")
        let appended = dynix(root, "append", "services.harmonia.settings.workers", "20", "services.distccd.logLevel", "error", "-m", "two at once")
        XCTAssertTrue(appended.stdout.contains("workers = 20, services.distccd.logLevel = \"error\""), appended.stdout)
        XCTAssertEqual(Run.git(root, ["rev-list", "--count", "main"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines), "4", "one commit for both")
        XCTAssertEqual(
            Run.git(root, ["log", "-1", "--format=%(trailers:key=Dynix-Option,valueonly,separator=%x2C)"]).stdout.trimmingCharacters(
                in: .whitespacesAndNewlines),
            "services.harmonia.settings.workers,services.distccd.logLevel")

        let unset = dynix(root, "unset", "services.harmonia.settings.workers")
        XCTAssertTrue(unset.stdout.contains("unset services.harmonia.settings.workers (was 20)"), unset.stdout)
        XCTAssertEqual(Run.trailer(root, .event), "unset")
        let show = dynix(root, "show", "--json").stdout
        XCTAssertFalse(show.contains("\"services.harmonia.settings.workers\": 20"), show)
        XCTAssertTrue(dynix(root, "diff").stdout.contains("services.harmonia.settings.workers  8 → 4 (static)"))
        XCTAssertTrue(Run.git(root, ["show", "main~1:dynamic.nix"]).stdout.contains("workers = 20"), "the history keeps what was there")
        XCTAssertTrue(Run.nixParses(root.file("etc/nixos/dynamic.nix")))

        let refused = dynix(root, "unset", "services.harmonia.settings.workers", status: 1)
        XCTAssertTrue(refused.stderr.contains("has no dynamic value") && refused.stderr.contains("hint:"), refused.stderr)
        dynix(root, "apply")
        XCTAssertTrue(dynix(root, "show", "live").stdout.contains("logLevel"))
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

    func testUnsetInsideAnAttributeSetValue() throws {
        let root = Fixtures.applyRoot()
        dynix(root, "init")
        dynix(root, "append", "services.nginx.virtualHosts", "{\"a\": {\"root\": \"/srv/a\"}, \"b\": {\"root\": \"/srv/b\"}}")
        let inside = dynix(root, "unset", "services.nginx.virtualHosts.a")
        XCTAssertTrue(inside.stderr.contains("note: services.nginx.virtualHosts.a is inside the attribute-set option"), inside.stderr)
        let file = root.dynamicFile
        XCTAssertFalse(file.contains("/srv/a"), file)
        XCTAssertTrue(file.contains("/srv/b"), file)
        dynix(root, "unset", "services.nginx.virtualHosts.b")
        XCTAssertFalse(root.dynamicFile.contains("virtualHosts"), "an emptied set is dropped, not left as {} over the static one")
    }

    // MARK: dry runs

    func testApplyDryRunSaysWhatChangesAndWhatRestartsAndChangesNothing() throws {
        let root = rootAtGeneration1(option: "services.harmonia.settings.workers", value: "8", activationDryRun: true)
        dynix(root, "append", "services.harmonia.settings.workers", "20")
        let activations = Fixtures.lines(root, "activations.log")
        let dry = dynix(root, "apply", "--dry-run").stdout
        XCTAssertTrue(dry.contains("services.harmonia.settings.workers  8 → 20"), dry)
        XCTAssertTrue(dry.contains("would restart demo-"), dry)
        XCTAssertEqual(Fixtures.lines(root, "activations.log"), activations, "nothing activated")
        XCTAssertEqual(Run.git(root, ["tag", "-l"]).stdout, "gen/1\n", "no generation")

        let rollback = dynix(root, "rollback", "1", "--dry-run").stdout
        XCTAssertTrue(rollback.contains("no value would change") || rollback.contains("nothing to apply"), rollback)
        dynix(root, "apply")
        let back = dynix(root, "rollback", "1", "--dry-run").stdout
        XCTAssertTrue(back.contains("services.harmonia.settings.workers  20 → 8"), back)
        XCTAssertEqual(Run.trailer(root, .event), "apply", "a dry rollback commits nothing")
    }

    func testADryRunWithoutTheProgramsSupportSaysSoAndDoesNotActivate() throws {
        let root = rootAtGeneration1(option: "services.harmonia.settings.workers", value: "8")
        dynix(root, "append", "services.harmonia.settings.workers", "20")
        let activations = Fixtures.lines(root, "activations.log")
        let dry = dynix(root, "apply", "--dry-run").stdout
        XCTAssertTrue(dry.contains("which units would restart is not known"), dry)
        XCTAssertEqual(Fixtures.lines(root, "activations.log"), activations)
    }

    // MARK: discovery, completion, man page

    func testOptionsWorkBeforeInit() throws {
        let root = Fixtures.applyRoot()
        let options = dynix(root, "options").stdout
        XCTAssertTrue(options.contains("services.harmonia.settings.workers") && options.contains("4 (static)"), options)
        XCTAssertTrue(dynix(root, "options", "--json").stdout.contains("\"type\": \"int\""))
    }

    /// The generated bash script, in a real bash: `complete -p`, then the completion function itself.
    func testBashCompletesOptionPathsValuesGenerationsAndDirectories() throws {
        let root = rootAtGeneration1(option: "services.harmonia.settings.workers", value: "8")
        let binDirectory = (Run.dynixBinary as NSString).deletingLastPathComponent
        func complete(_ line: String) -> [String] {
            let script = """
                source <(dynix --generate-completion-script bash)
                complete -p dynix >/dev/null || exit 9
                COMP_LINE='\(line)'; COMP_POINT=${#COMP_LINE}
                read -ra COMP_WORDS <<< "$COMP_LINE"; [[ $COMP_LINE == *' ' ]] && COMP_WORDS+=('')
                COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); COMPREPLY=()
                # As bash calls it: the command, the word being completed, the word before it.
                _dynix dynix "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
                printf '%s\\n' "${COMPREPLY[@]}"
                """
            let result = Run.program(["bash", "-c", script], environment: ["PATH": binDirectory + ":/usr/bin:/bin"])
            XCTAssertEqual(result.status, 0, result.stderr)
            return result.stdout.split(separator: "\n").map(String.init)
        }
        XCTAssertTrue(complete("dynix append --root \(root.path) services.harm").contains("services.harmonia.settings.workers"))
        XCTAssertTrue(complete("dynix append --root \(root.path) services.distccd.logLevel ").contains("warning"))
        XCTAssertTrue(complete("dynix rollback --root \(root.path) ").contains("1"))
        let states = complete("dynix show --root \(root.path) ")
        XCTAssertTrue(states.contains("live") && states.contains("1"), "\(states)")
        XCTAssertTrue(complete("dynix status --root \(root.path)/va").contains("\(root.path)/var"))
    }

    func testTheManPageIsInstalledFromTheRepositoryAndCoversEveryCommand() throws {
        let page = try String(contentsOfFile: Run.packageRoot + "/man/dynix.1", encoding: .utf8)
        for command in ["init", "append", "apply", "unset", "rollback", "status", "log", "options"] {
            XCTAssertTrue(page.contains(".It Em \(command)"), command)
        }
        let package = try String(contentsOfFile: Run.packageRoot + "/package.nix", encoding: .utf8)
        XCTAssertTrue(package.contains("installManPage man/dynix.1") && package.contains("installShellCompletion"))
    }

    // MARK: log as git users expect

    func testLogFollowsGit() throws {
        let root = rootAtGeneration1(option: "services.harmonia.settings.workers", value: "8")
        dynix(root, "append", "services.harmonia.settings.workers", "9", "-m", "nine")
        XCTAssertEqual(dynix(root, "log", "-n", "0").stdout, "", "git prints nothing for -n 0")
        XCTAssertEqual(dynix(root, "log", "-2").stdout.split(separator: "\n").count, 2)
        let oneline = dynix(root, "log", "--oneline").stdout.split(separator: "\n")
        XCTAssertTrue(oneline[0].hasSuffix(" nine") && oneline[0].count == 7 + 5, "\(oneline)")
        let patch = dynix(root, "log", "-p", "-1").stdout
        XCTAssertTrue(patch.contains("+  { services.harmonia.settings.workers = 9; }"), patch)
        let text = dynix(root, "log", "-1").stdout
        XCTAssertNotNil(text.range(of: #"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} [+-]\d{4}"#, options: .regularExpression), text)
        XCTAssertNotNil(dynix(root, "log", "-1", "--date=iso").stdout.range(of: #"T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}"#, options: .regularExpression))
        XCTAssertTrue(dynix(root, "log", "-1", "--date=relative").stdout.contains("ago"))
        for date in ["2026-13-01", "2026-11-99", "2026-02-30"] { dynix(root, "log", "--since", date, status: 1) }
        let typo = dynix(root, "log", "--option", "services.harmonia.settings.wrokers", status: 1)
        XCTAssertTrue(typo.stderr.contains("did you mean services.harmonia.settings.workers"), typo.stderr)
    }

    func testAResetLineDoesNotDependOnHowManyAreShown() throws {
        let root = rootAtGeneration1(option: "services.harmonia.settings.workers", value: "8")
        root.switchStatic(to: 2)
        dynix(root, "rebuild-hook", "--system", root.file("systems/2"))
        let first = dynix(root, "log", "-1").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let all = dynix(root, "log").stdout.split(separator: "\n").first.map(String.init) ?? ""
        XCTAssertEqual(first, all)
        XCTAssertTrue(first.hasPrefix("rebuild") && first.contains("generation 1 no longer live"), first)
    }

    // MARK: one JSON schema

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

    // MARK: refusals that point the way

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

    // MARK: status

    func testStatusSaysWhatNeedsAttentionAndHowToRecover() throws {
        let root = rootAtGeneration1(option: "services.harmonia.settings.workers", value: "8")
        XCTAssertTrue(dynix(root, "status").stdout.contains("dynamic generation  1, live since"))
        // The rebuild hook did not run after a static switch: static drift.
        root.switchStatic(to: 2)
        let drift = dynix(root, "status").stdout
        XCTAssertTrue(drift.contains("static drift") && drift.contains("nixos-rebuild switch"), drift)
        // The file deleted: status and adopt give the same remedy.
        try FileManager.default.removeItem(atPath: root.file("etc/nixos/dynamic.nix"))
        XCTAssertTrue(dynix(root, "status").stdout.contains("restore it with `dynix show --nix >"))
        XCTAssertTrue(dynix(root, "adopt", status: 1).stderr.contains("dynix show --nix >"))
        dynix(root, "append", "services.harmonia.settings.workers", "3", status: 1)
        Run.program(["sh", "-c", "\(Run.dynixBinary) --root \(root.path) show --nix > \(root.file("etc/nixos/dynamic.nix"))"])
        dynix(root, "append", "services.harmonia.settings.workers", "3")
        // Without a manifest nothing can be applied: status says so instead of "run dynix apply".
        try FileManager.default.removeItem(atPath: root.file("etc/dynix/manifest.json"))
        let noManifest = dynix(root, "status").stdout
        XCTAssertTrue(noManifest.contains("no manifest") && !noManifest.contains("run `dynix apply`"), noManifest)
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

    // MARK: pager and color, under a pseudo-terminal

    /// Runs a shell command line under `script`, so dynix's stdout (and stderr unless redirected) is a terminal.
    func underTerminal(_ command: String, rows: Int = 50, environment: [String: String] = [:]) -> String {
        let result = Run.program(["script", "-qec", "stty rows \(rows) cols 200; \(command)", "/dev/null"], environment: environment)
        return result.stdout
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
}
