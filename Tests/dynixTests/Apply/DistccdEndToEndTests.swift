import DynixHistory
import DynixTestSupport
import Foundation
import XCTest

/// The prototype's distccd VM test, replayed on a real distccd with the built binary.
final class DistccdEndToEndTests: XCTestCase {
    func testPrototypeStoryOnARealDaemon() throws {
        guard geteuid() == 0 else { throw XCTSkip("distccd drops to user distccd, which needs root") }
        let host = try DemoHost()
        let root = host.root
        func flags(_ expected: [String], _ step: String, file: StaticString = #filePath, line: UInt = #line) {
            let actual = host.daemonFlags()
            for flag in expected { XCTAssertTrue(actual.contains(flag + " "), "\(step): expected \(flag) in \(actual)", file: file, line: line) }
        }
        var everything = ""
        func dynix(_ arguments: String..., status: Int32 = 0, file: StaticString = #filePath, line: UInt = #line) -> RunResult {
            let result = Run.dynix(root, arguments)
            everything += result.stdout + result.stderr
            XCTAssertEqual(result.status, status, "dynix \(arguments.joined(separator: " ")): \(result.stdout)\n\(result.stderr)", file: file, line: line)
            return result
        }

        flags(["--jobs 12", "--log-level warning"], "static")
        _ = dynix("init")
        _ = dynix("append", "services.distccd.maxJobs", "4", "-m", "share the build farm")
        XCTAssertTrue(dynix("apply").stdout.contains("generation 1 is live"))
        flags(["--jobs 4", "--log-level warning"], "gen 1")
        XCTAssertTrue(dynix("apply").stdout.contains("nothing to apply"), "a second apply with nothing pending changes nothing")

        _ = dynix("append", "services.distccd.logLevel", "error")
        _ = dynix("apply")
        flags(["--jobs 4", "--log-level error"], "gen 2")

        let switched = host.switchStatic(to: 2)
        XCTAssertEqual(switched.status, 0, switched.stderr)
        flags(["--jobs 12", "--log-level warning"], "after the static switch")
        let status = dynix("status", "--json")
        XCTAssertTrue(status.stdout.contains("\"state\": \"rebuild\""), status.stdout)

        XCTAssertTrue(dynix("rollback", "1").stdout.contains("generation 3 is live"))
        flags(["--jobs 4", "--log-level warning"], "rollback to gen 1")
        XCTAssertEqual(
            Run.trailer(root, .rollbackOf, at: "gen/3"), "1")

        // A real failure: the new daemon cannot bind a port something else holds; the old one comes back.
        let busy = BusyPort()
        let before = host.daemonFlags()
        _ = dynix("append", "services.distccd.port", String(busy.port))
        let failed = dynix("apply", status: 4)
        XCTAssertTrue(failed.stderr.contains("dynix: error: activation failed"), failed.stderr)
        XCTAssertTrue(failed.stderr.contains("restored"), failed.stderr)
        XCTAssertEqual(host.daemonFlags(), before, "the previous daemon flags are back")
        XCTAssertEqual(Run.program([Run.packageRoot + "/demo/host/check", "--root", root.path]).status, 0, "the restored daemon answers")

        let events = Run.trailers(root, .event, reverse: true)
        XCTAssertEqual(events, ["init", "append", "apply", "append", "apply", "rebuild", "rollback", "apply", "append", "apply-failed"])
        XCTAssertEqual(Run.git(root, ["fsck", "--full", "--strict"]).status, 0)
        // A daemon an activation started must stop on SIGTERM: it inherits no blocked signals from dynix.
        XCTAssertFalse(everything.contains("ignored SIGTERM"), everything)
        XCTAssertEqual(Run.git(root, ["tag", "-l", "gen/*"]).stdout.split(separator: "\n"), ["gen/1", "gen/2", "gen/3"])
    }
}
