import DynixHistory
import DynixTestSupport
import Foundation
import XCTest

/// Generations, rollback, diff and `log --option` on a history with resets and rollbacks.
final class GenerationTests: XCTestCase {
    /// gen 1: workers 8; gen 2: workers 20, rate 100; static switch; gen 3: rollback to 1.
    func historyWithResetAndRollback() -> TempRoot {
        let root = Fixtures.applyRoot()
        _ = dynix(root, "init")
        _ = dynix(root, "append", "services.harmonia.settings.workers", "8", "-m", "first bump")
        _ = dynix(root, "apply")
        _ = dynix(root, "append", "services.harmonia.settings.workers", "20")
        _ = dynix(root, "append", "services.harmonia.settings.max_connection_rate", "100")
        _ = dynix(root, "apply")
        root.switchStatic(to: 2)
        _ = dynix(root, "rebuild-hook", "--system", root.file("systems/2"))
        // Rolling back onto a new static system must rebuild: the old program was built against static 1.
        _ = dynix(root, "rollback", "1")
        return root
    }

    func testRollbackReusesAnExistingActivationProgramAndRebuildsAMissingOne() throws {
        let root = Fixtures.applyRoot()
        _ = dynix(root, "init")
        _ = dynix(root, "append", "services.harmonia.settings.workers", "8")
        _ = dynix(root, "apply")
        _ = dynix(root, "append", "services.harmonia.settings.workers", "20")
        _ = dynix(root, "apply")
        let builds = Fixtures.lines(root, "build.log").count
        XCTAssertEqual(builds, 2)
        let reused = dynix(root, "rollback")  // default: the generation before the live one
        XCTAssertTrue(reused.stdout.contains("reusing the activation program of generation 1"), reused.stdout)
        XCTAssertEqual(Fixtures.lines(root, "build.log").count, builds, "no build for a program that still exists")
        XCTAssertEqual(Fixtures.lines(root, "activations.log").last, Fixtures.lines(root, "activations.log").first)

        // Remove generation 2's program: rolling back to it must build again.
        let program = Run.trailer(root, .activation, at: "gen/2")
        try FileManager.default.removeItem(atPath: program)
        let rebuilt = dynix(root, "rollback", "2")
        XCTAssertTrue(rebuilt.stdout.contains("building against static generation 1"), rebuilt.stdout)
        XCTAssertEqual(Fixtures.lines(root, "build.log").count, builds + 1)
        XCTAssertTrue(FileManager.default.fileExists(atPath: program), "the rebuilt program is the same store path")
        XCTAssertEqual(
            Run.trailer(root, .rollbackOf, at: "gen/4"), "2")
    }

    func testDiffBetweenGenerationsInTextAndJSON() throws {
        let root = historyWithResetAndRollback()
        let text = dynix(root, "diff", "1", "2").stdout
        XCTAssertTrue(text.contains("services.harmonia.settings.max_connection_rate  256 (static) → 100"), text)
        XCTAssertTrue(text.contains("services.harmonia.settings.workers              8 → 20"), text)
        XCTAssertEqual(
            dynix(root, "diff", "1", "3").stdout.trimmingCharacters(in: .whitespacesAndNewlines), "no difference between generation 1 and generation 3")
        let json = dynix(root, "diff", "2", "3", "--json").stdout
        guard case .attrs(let top)? = try? JSON.parse(json), case .list(let changes)? = top["changes"] else { return XCTFail(json) }
        XCTAssertEqual(changes.count, 2)
        guard case .attrs(let first) = changes[0] else { return XCTFail() }
        XCTAssertEqual(first["option"], .string("services.harmonia.settings.max_connection_rate"))
        XCTAssertEqual(first["to"], .attrs(["value": .int(256), "static": .bool(true), "set": .bool(true)]))
        let patch = dynix(root, "diff", "1", "2", "--patch").stdout
        XCTAssertTrue(patch.contains("+  { services.harmonia.settings.workers = 20; }"), patch)
        XCTAssertTrue(patch.hasPrefix("diff --git a/dynamic.nix b/dynamic.nix"), patch)
        // Default: live (gen 3) against pending (the same): nothing.
        XCTAssertTrue(dynix(root, "diff").stdout.contains("no difference"))
    }

    func testLogShowsGenerationsResetsAndRollbacks() throws {
        let root = historyWithResetAndRollback()
        let log = dynix(root, "log").stdout.split(separator: "\n").map(String.init)
        XCTAssertTrue(log[0].hasPrefix("gen 3"), log.joined(separator: "\n"))
        XCTAssertTrue(log[0].contains("rollback to generation 1"), log[0])
        XCTAssertTrue(log[1].contains("roll back to generation 1"), log[1])
        XCTAssertTrue(log[2].hasPrefix("rebuild"), log[2])
        XCTAssertTrue(log[2].contains("switch to static generation 2; generation 2 no longer live"), log[2])
        XCTAssertTrue(log[3].hasPrefix("gen 2"))
        let generations = dynix(root, "generations").stdout
        let rows = generations.split(separator: "\n")
        XCTAssertTrue(rows.first?.hasPrefix("Generation  Applied") ?? false, generations)
        XCTAssertTrue(rows.count > 1 && rows[1].contains("live"), generations)
    }

    func testLogOptionSaysWhoChangedItWhenAndWhetherItWasLive() throws {
        let root = historyWithResetAndRollback()
        _ = dynix(root, "append", "services.harmonia.settings.workers", "99", "-m", "not applied yet")
        let story = dynix(root, "log", "--option", "services.harmonia.settings.workers").stdout.split(separator: "\n").map(String.init)
        XCTAssertTrue(story[0].contains("= 99: not applied yet") && story[0].contains("[never live]"), story.joined(separator: "\n"))
        XCTAssertTrue(story[1].contains("roll back to generation 1") && story[1].contains("[live as gen 3]"), story[1])
        XCTAssertTrue(story[2].contains("= 20") && story[2].contains("[live as gen 2]"), story[2])
        XCTAssertTrue(story[3].contains("= 8: first bump") && story[3].contains("[live as gen 1]"), story[3])
        XCTAssertFalse(story.contains { $0.contains("max_connection_rate") })
        let json = dynix(root, "log", "--option", "services.harmonia.settings.workers", "--json").stdout
        guard case .attrs(let document)? = try? JSON.parse(json), document["schemaVersion"] == .int(1),
            case .list(let items)? = document["events"]
        else { return XCTFail(json) }
        let live = items.compactMap { item -> NixValue? in if case .attrs(let set) = item { return set["liveAs"] } else { return nil } }
        XCTAssertEqual(Array(live.prefix(3)), [.int(3), .int(2), .int(1)], "a change never live has no liveAs key")
        XCTAssertEqual(items.count, live.count + 2, "the unapplied append and init were never live")
    }

    func testFailedApplyRestoresThePreviousGenerationAndRecordsIt() throws {
        let root = rootAtGeneration1()
        _ = dynix(root, "append", Fixtures.activation, Fixtures.Behaviour.fails.rawValue)
        let failed = dynix(root, "apply", status: 4)
        XCTAssertTrue(failed.stderr.contains("activation failed (exit status 3); the previous state was restored"), failed.stderr)
        XCTAssertTrue(failed.stderr.contains("service refused to start"), "the tail of the output is shown")
        let activations = Fixtures.lines(root, "activations.log")
        XCTAssertEqual(activations.count, 3)
        XCTAssertEqual(activations[2], activations[0], "generation 1's program ran again")
        let body = Run.git(root, ["log", "-1", "--format=%B"]).stdout
        XCTAssertTrue(body.contains("Dynix-Event: apply-failed") && body.contains("Exit-Status: 3") && body.contains("service refused to start"), body)
        // status says so, and exits 4 as `systemctl status` exits non-zero for a failed unit.
        let status = dynix(root, "status", status: 4).stdout
        XCTAssertTrue(status.contains("dynamic generation  1") && status.contains("last apply          FAILED"), status)
    }

    func testStaticDriftIsRefused() throws {
        let root = Fixtures.applyRoot()
        _ = dynix(root, "init")
        _ = dynix(root, "append", "services.harmonia.settings.workers", "8")
        // The build evaluates against a static system that is not the running one.
        let build = root.file("bin/build")
        let script = try String(contentsOfFile: build, encoding: .utf8).replacingOccurrences(
            of: "echo \"static-system: $(readlink", with: "echo \"static-system: /nix/store/other\" #")
        try script.write(toFile: build, atomically: false, encoding: .utf8)
        let refused = dynix(root, "apply", status: 1)
        XCTAssertTrue(refused.stderr.contains("the static configuration changed since the last switch"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("nixos-rebuild switch"), refused.stderr)
        XCTAssertEqual(Fixtures.lines(root, "activations.log").count, 0, "nothing was activated")
        _ = dynix(root, "apply", "--allow-static-drift")
    }

    /// Exit 5 when restoring fails too; from then on dynix says loudly that nobody knows what is live.
    func testRestoreFailureIsExitFiveAndTheStateIsUnknown() throws {
        let root = Fixtures.applyRoot()
        _ = dynix(root, "init")
        _ = dynix(root, "append", Fixtures.activation, Fixtures.Behaviour.fails.rawValue)
        root.write("restore-fails", "")
        let failed = dynix(root, "apply", status: 5)
        XCTAssertTrue(failed.stderr.contains("AND RESTORING THE PREVIOUS STATE FAILED TOO"), failed.stderr)
        XCTAssertTrue(failed.stderr.contains("restore broke"), failed.stderr)
        XCTAssertTrue(dynix(root, "status", status: 5).stdout.contains("UNKNOWN"))
        XCTAssertTrue(dynix(root, "status", "--json", status: 5).stdout.contains("\"state\": \"unknown\""))
    }

    /// An activation that leaves a background process holding its output still finishes promptly.
    func testBackgroundProcessDoesNotHoldTheApply() throws {
        let root = Fixtures.applyRoot()
        _ = dynix(root, "init")
        _ = dynix(root, "append", Fixtures.activation, Fixtures.Behaviour.background.rawValue)
        let start = Date()
        XCTAssertTrue(dynix(root, "apply").stdout.contains("generation 1 is live"))
        XCTAssertLessThan(Date().timeIntervalSince(start), 10)
    }

    func testIntegersForFloatOptionsAreWrittenAsFloats() {
        let root = Fixtures.applyRoot()
        _ = dynix(root, "init")
        _ = dynix(root, "append", "services.x.ratio", "5", "--json")
        _ = dynix(root, "append", "services.x.ratio", "7")
        XCTAssertTrue(root.dynamicFile.contains("services.x.ratio = 5.0;"), root.dynamicFile)
        XCTAssertTrue(root.dynamicFile.contains("services.x.ratio = 7.0;"), root.dynamicFile)
    }

    /// Every commit that is not itself a liveness event names the one in force, so status reads one commit.
    func testCommitsNameTheLivenessEventInForce() {
        let root = Fixtures.applyRoot()
        _ = dynix(root, "init")
        func pointer() -> String {
            Run.trailer(root, .liveEvent)
        }
        XCTAssertEqual(pointer(), "none")
        _ = dynix(root, "append", "services.harmonia.settings.workers", "8")
        _ = dynix(root, "apply")
        XCTAssertEqual(pointer(), "", "an apply carries no pointer: it is the event")
        _ = dynix(root, "append", "services.harmonia.settings.workers", "9")
        let gen1 = Run.git(root, ["rev-parse", "gen/1^{commit}"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(pointer(), gen1)
        root.switchStatic(to: 2)
        _ = dynix(root, "rebuild-hook")
        let reset = Run.git(root, ["rev-parse", "main"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        _ = dynix(root, "append", "services.harmonia.settings.workers", "10")
        XCTAssertEqual(pointer(), reset)
        XCTAssertTrue(dynix(root, "status").stdout.contains("none since rebuild"))
    }

    /// SIGTERM (or Ctrl-C, or a closed SSH session) during activation: the child is stopped, what was live
    /// is put back, and the failure is recorded.
    func testTerminationDuringActivationRestoresAndRecords() throws {
        let root = rootAtGeneration1()
        _ = dynix(root, "append", Fixtures.activation, Fixtures.Behaviour.slow.rawValue)
        let process = Run.startDynix(root, ["apply"])
        Thread.sleep(forTimeInterval: 1.5)
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 130)
        XCTAssertTrue(Run.lastEvent(root).hasSuffix("|apply-failed|yes"), Run.lastEvent(root))
        let activations = Fixtures.lines(root, "activations.log")
        XCTAssertEqual(activations.last, activations.first, "generation 1's program ran again")
        XCTAssertTrue(dynix(root, "status").stdout.contains("dynamic generation  1"))
    }

    /// SIGKILL during activation cannot be caught: the next command records that nobody knows what runs.
    func testKillDuringActivationIsRecordedAsUnknown() throws {
        let root = Fixtures.applyRoot()
        _ = dynix(root, "init")
        _ = dynix(root, "append", Fixtures.activation, Fixtures.Behaviour.slow.rawValue)
        let process = Run.startDynix(root, ["apply"])
        Thread.sleep(forTimeInterval: 1.5)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        XCTAssertTrue(dynix(root, "status", status: 5).stdout.contains("UNKNOWN"))
        XCTAssertTrue(Run.lastEvent(root).hasPrefix("apply interrupted"), Run.lastEvent(root))
        // A later failed apply that puts the static configuration back ends the unknown state.
        _ = dynix(root, "append", Fixtures.activation, Fixtures.Behaviour.fails.rawValue)
        _ = dynix(root, "apply", status: 4)
        XCTAssertTrue(Run.lastEvent(root).hasSuffix("|apply-failed|static"), Run.lastEvent(root))
        XCTAssertFalse(dynix(root, "status", status: 4).stdout.contains("UNKNOWN"), "a failed apply that restored static: exit 4, not unknown")
    }

    func testGenerationsNameTheChangeNotTheEventBeforeIt() throws {
        let root = Fixtures.applyRoot()
        _ = dynix(root, "init")
        _ = dynix(root, "append", Fixtures.activation, Fixtures.Behaviour.fails.rawValue, "-m", "broken name")
        _ = dynix(root, "apply", status: 4)
        _ = dynix(root, "append", Fixtures.activation, "null")
        _ = dynix(root, "checkpoint", "-m", "a good name")
        _ = dynix(root, "apply")
        let generations = dynix(root, "generations").stdout
        XCTAssertTrue(generations.contains("a good name"), generations)
        XCTAssertFalse(generations.contains("apply failed"), generations)
    }

    /// A program that closes its output and then hangs is still held to --activation-timeout.
    func testActivationTimeoutHoldsAfterTheProgramClosesItsOutput() throws {
        let root = Fixtures.applyRoot()
        _ = dynix(root, "init")
        _ = dynix(root, "append", Fixtures.activation, Fixtures.Behaviour.closedOutput.rawValue)
        let start = Date()
        let result = dynix(root, "apply", "--activation-timeout", "1", status: 4)
        XCTAssertLessThan(Date().timeIntervalSince(start), 6, result.stderr)
        XCTAssertTrue(Run.lastEvent(root).contains("exit status 124"), Run.lastEvent(root))
    }

    /// Ctrl-C while the health check is retrying: no child runs then, and still the previous state comes back.
    func testInterruptDuringHealthCheckRestoresAndRecords() throws {
        let root = rootAtGeneration1()
        _ = dynix(root, "append", "services.gotosocial.settings.application-name", "next")
        root.write("check-fails", "")
        let process = Run.startDynix(root, ["apply", "--confirm-timeout", "20"])
        Thread.sleep(forTimeInterval: 2)
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 130)
        XCTAssertTrue(Run.lastEvent(root).hasPrefix("apply interrupted by SIGINT; previous state restored"), Run.lastEvent(root))
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.file("var/lib/dynix/activating")))
    }

    /// A marker whose outcome already reached the history is only cleaned up; one that knows how restoring
    /// went is recorded with that outcome instead of "unknown".
    func testActivationMarkerRecordsWhatItKnows() throws {
        let root = rootAtGeneration1()
        _ = dynix(root, "append", Fixtures.activation, Fixtures.Behaviour.fails.rawValue)
        _ = dynix(root, "apply", status: 4)
        let program = Run.trailer(root, .activation)
        let before = Run.git(root, ["rev-parse", "main~1"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let commits = Run.git(root, ["rev-list", "--count", "main"]).stdout
        root.write("var/lib/dynix/activating", "program \(program)\nhead \(before)\n")
        XCTAssertEqual(Run.dynix(root, ["status"]).status, 4, "the FAIL apply is still the last outcome")
        XCTAssertEqual(Run.git(root, ["rev-list", "--count", "main"]).stdout, commits, "nothing new to record")
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.file("var/lib/dynix/activating")))

        let head = Run.git(root, ["rev-parse", "main"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        root.write("var/lib/dynix/activating", "program /nix/store/other-activate\nhead \(head)\noutcome yes\n")
        XCTAssertTrue(dynix(root, "status", status: 4).stdout.contains("dynamic generation  1"))
        XCTAssertTrue(Run.lastEvent(root).hasPrefix("apply failed; dynix stopped before recording it (restored: yes)"), Run.lastEvent(root))
    }
}
