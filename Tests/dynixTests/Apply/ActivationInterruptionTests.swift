import DynixHistory
import DynixTestSupport
import Foundation
import XCTest

/// A signal to dynix while the activation or its health check runs: restored and recorded, or, for SIGKILL, recorded as unknown by the next command.
final class ActivationInterruptionTests: XCTestCase {
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
}
