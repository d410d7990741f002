import DynixHistory
import DynixTestSupport
import Foundation
import XCTest

/// Generations: a rollback reuses or rebuilds its program; a failed apply restores and is recorded; static drift; what an apply leaves running; names and liveness trailers.
final class GenerationTests: XCTestCase {
    func testRollbackReusesAnExistingActivationProgramAndRebuildsAMissingOne() throws {
        let root = rootAtGeneration1(option: "services.harmonia.settings.workers", value: "8")
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
