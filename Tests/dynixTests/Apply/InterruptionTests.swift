import DynixHistory
import DynixTestSupport
import Foundation
import XCTest

/// What the programs dynix starts inherit, and SIGINT/SIGTERM/SIGHUP in each phase of an apply:
/// acknowledged at once, the previous state restored, exit 130, a second interrupt refused while restoring.
final class InterruptionTests: XCTestCase {
    /// Starts `dynix ARGS`, sends `signal` after `delay`, and returns its exit status and stderr.
    func interrupt(_ root: TempRoot, _ arguments: [String], with signals: [(delay: Double, signal: Int32)]) -> (status: Int32, stderr: String) {
        let errFile = root.file("stderr.txt")
        let process = Run.startDynix(root, arguments, stderr: errFile)
        for (delay, signal) in signals {
            Thread.sleep(forTimeInterval: delay)
            kill(process.processIdentifier, signal)
        }
        process.waitUntilExit()
        return (process.terminationStatus, root.read("stderr.txt") ?? "")
    }

    /// Fields of /proc/PID/status as hexadecimal masks.
    func mask(_ text: String, _ field: String) -> UInt64? {
        for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
            return UInt64(line.dropFirst(field.count + 1).trimmingCharacters(in: .whitespaces), radix: 16)
        }
        return nil
    }

    func testProgramsStartWithNoBlockedSignalsAndTheirDaemonsStopOnSIGTERM() throws {
        let root = Fixtures.applyRoot()
        _ = dynix(root, "init")
        _ = dynix(root, "append", Fixtures.activation, Fixtures.Behaviour.signals.rawValue)
        _ = dynix(root, "apply")
        let status = root.read("activation-signals") ?? ""
        XCTAssertEqual(mask(status, "SigBlk"), 0, status)
        let ignored = try XCTUnwrap(mask(status, "SigIgn"), status)
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGPIPE] {
            XCTAssertEqual(ignored & (1 << UInt64(signal - 1)), 0, "signal \(signal) ignored in the activation program: \(status)")
        }
        let pid = try XCTUnwrap(root.read("daemon.pid").flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
        defer { kill(pid, SIGKILL) }
        let daemonStatus = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        XCTAssertEqual(mask(daemonStatus, "SigBlk"), 0, daemonStatus)
        XCTAssertEqual(kill(pid, SIGTERM), 0)
        let deadline = Date().addingTimeInterval(1)
        while kill(pid, 0) == 0, Date() < deadline {
            // A zombie has stopped; its parent (the activation shell) is gone, so init reaps it.
            if let state = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), state.contains(") Z") { break }
            Thread.sleep(forTimeInterval: 0.02)
        }
        let state = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        XCTAssertTrue(state.isEmpty || state.contains(") Z"), "the daemon ignored SIGTERM: \(state)")
    }

    func testInterruptDuringTheBuildStopsItAndChangesNothing() throws {
        let root = rootAtGeneration1()
        _ = dynix(root, "append", Fixtures.activation, Fixtures.Behaviour.slowBuild.rawValue)
        let activations = Fixtures.lines(root, "activations.log")
        let start = Date()
        let result = interrupt(root, ["apply"], with: [(1.5, SIGINT)])
        XCTAssertLessThan(Date().timeIntervalSince(start), 5, "the build was stopped, not waited for")
        XCTAssertEqual(result.status, 130, result.stderr)
        XCTAssertTrue(result.stderr.contains("dynix: SIGINT received: stopping; nothing on the running system has changed"), result.stderr)
        XCTAssertTrue(result.stderr.contains("dynix: error: interrupted by SIGINT before anything was activated"), result.stderr)
        XCTAssertFalse(result.stderr.contains("the build failed"), result.stderr)
        XCTAssertEqual(Fixtures.lines(root, "activations.log"), activations, "nothing was activated")
        XCTAssertTrue(dynix(root, "status").stdout.contains("dynamic generation  1"))
    }

    func testInterruptDuringActivationRestoresAndExits130() throws {
        let root = rootAtGeneration1()
        _ = dynix(root, "append", Fixtures.activation, Fixtures.Behaviour.slow.rawValue)
        let result = interrupt(root, ["apply"], with: [(1.5, SIGINT)])
        XCTAssertEqual(result.status, 130, result.stderr)
        XCTAssertTrue(result.stderr.contains("dynix: SIGINT received: stopping the activation; what was live will be restored"), result.stderr)
        XCTAssertTrue(result.stderr.contains("dynix: error: apply interrupted by SIGINT; the previous state was restored"), result.stderr)
        XCTAssertFalse(result.stderr.contains("exit status 0"), result.stderr)
        XCTAssertTrue(Run.lastEvent(root).hasPrefix("apply interrupted by SIGINT; previous state restored|apply-failed|yes"), Run.lastEvent(root))
        let activations = Fixtures.lines(root, "activations.log")
        XCTAssertEqual(activations.last, activations.first, "generation 1's program ran again")
    }

    func testInterruptDuringTheHealthCheckIsNotIgnored() throws {
        let root = rootAtGeneration1()
        _ = dynix(root, "append", "services.gotosocial.settings.application-name", "next")
        root.write("check-fails", "")
        // The check fails until the interrupt; removing the marker then would let a retry pass, and the
        // interrupt must still win.
        let result = interrupt(root, ["apply", "--confirm-timeout", "20"], with: [(2, SIGTERM)])
        XCTAssertEqual(result.status, 130, result.stderr)
        XCTAssertTrue(result.stderr.contains("apply interrupted by SIGTERM; the previous state was restored"), result.stderr)
        XCTAssertFalse(result.stderr.contains("is live"), result.stderr)
        XCTAssertTrue(dynix(root, "status").stdout.contains("dynamic generation  1"))
    }

    func testASecondInterruptDuringTheRestoreIsRefusedAndTheRestoreFinishes() throws {
        // Generation 1's program sleeps, so restoring it takes seconds.
        let root = rootAtGeneration1(option: Fixtures.activation, value: Fixtures.Behaviour.slow.rawValue)
        _ = dynix(root, "append", "services.gotosocial.settings.application-name", "second")  // still slow: the behaviour stays
        let result = interrupt(root, ["apply"], with: [(1.5, SIGINT), (1.5, SIGINT)])
        XCTAssertEqual(result.status, 130, result.stderr)
        XCTAssertTrue(result.stderr.contains("dynix: SIGINT refused: what was live is being restored, and that must finish"), result.stderr)
        XCTAssertTrue(result.stderr.contains("the previous state was restored"), result.stderr)
        let activations = Fixtures.lines(root, "activations.log")
        XCTAssertEqual(activations.count, 3, "gen 1, the interrupted one, gen 1 again: \(activations)")
        XCTAssertEqual(activations.last, activations.first)
        XCTAssertTrue(Run.lastEvent(root).hasSuffix("|apply-failed|yes"), Run.lastEvent(root))
    }

    func testARollbackIsInterruptedTheSameWay() throws {
        let root = rootAtGeneration1(option: Fixtures.activation, value: Fixtures.Behaviour.slow.rawValue)
        _ = dynix(root, "append", "services.gotosocial.settings.application-name", "second")
        _ = dynix(root, "apply")
        let program = Run.trailer(root, .activation, at: "gen/1")
        let result = interrupt(root, ["rollback", "1"], with: [(1.5, SIGHUP)])
        XCTAssertEqual(result.status, 130, result.stderr)
        XCTAssertTrue(result.stderr.contains("apply interrupted by SIGHUP; the previous state was restored"), result.stderr)
        XCTAssertTrue(dynix(root, "status").stdout.contains("dynamic generation  2"))
        XCTAssertFalse(program.isEmpty)
    }

    /// exit 5 names why restoring failed even when the program printed nothing.
    func testARestoreThatPrintsNothingStillSaysSo() throws {
        let root = Fixtures.applyRoot()
        _ = dynix(root, "init")
        root.write("restore-fails", "")
        root.write("bin/restore-static", "#!/bin/sh\nexit 1\n")
        _ = dynix(root, "append", Fixtures.activation, Fixtures.Behaviour.fails.rawValue)
        let result = dynix(root, "apply", status: 5)
        XCTAssertTrue(result.stderr.contains("restoring exited with status 1: it printed nothing"), result.stderr)
    }
}
