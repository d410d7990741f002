import DynixHistory
import DynixTestSupport
import Foundation
import XCTest

/// `dynix log` over generations, resets and rollbacks, and `log --option`: who changed an option, when, and whether it was live.
final class LogOfGenerationsTests: XCTestCase {
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
}
