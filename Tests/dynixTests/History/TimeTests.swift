import DynixHistory
import DynixTestSupport
import Foundation
import XCTest

/// Time as the axis of the history: an order that does not depend on the wall clock, and a clock set back said.
final class TimeTests: XCTestCase {
    func skipWithoutFaketime() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/faketime") else { throw XCTSkip("faketime is not installed") }
    }

    /// first (now), second (the clock a year back), third (now again).
    func steppedBackStory() -> TempRoot {
        let root = TempRoot()
        Run.dynix(root, ["init"])
        Run.dynix(root, ["append", "services.a", "1", "-m", "first"])
        Run.program(["/usr/bin/faketime", "-f", "-400d", Run.dynixBinary, "--root", root.path, "append", "services.b", "2", "-m", "second"])
        Run.dynix(root, ["append", "services.c", "3", "-m", "third"])
        return root
    }

    /// `log --since` stopped at the first commit older than DATE: the one made while the clock was set back hid
    /// every older event, however recent.
    func testLogSinceFiltersTheWholeHistory() throws {
        try skipWithoutFaketime()
        let root = steppedBackStory()
        let log = Run.dynix(root, ["log", "--since", "1 hour ago", "--oneline"])
        XCTAssertEqual(log.status, 0, log.stderr)
        let subjects = log.stdout.split(separator: "\n").map { $0.split(separator: " ", maxSplits: 1).last.map(String.init) ?? "" }
        XCTAssertEqual(subjects, ["third", "first", "start the dynamic configuration history"])
        let story = Run.dynix(root, ["log", "--option", "services.a", "--since", "1 hour ago"])
        XCTAssertTrue(story.stdout.contains("first"), story.stdout)
    }

    /// Where the clock went back between two commits, `log` says so, and its JSON gives the seconds.
    func testLogSaysWhereTheClockWasSetBack() throws {
        try skipWithoutFaketime()
        let root = steppedBackStory()
        let lines = Run.dynix(root, ["log"]).stdout.split(separator: "\n").map(String.init)
        // 400 days back, less the second or so between the commits: `log` floors it to whole days, 399 or 400.
        let marked = lines.filter {
            $0.contains("[the clock was set back 400 days before this commit]") || $0.contains("[the clock was set back 399 days before this commit]")
        }
        XCTAssertEqual(marked.count, 1, lines.joined(separator: "\n"))
        XCTAssertTrue(marked.first?.contains("second") ?? false, lines.joined(separator: "\n"))
        let json = try JSONSerialization.jsonObject(with: Data(Run.dynix(root, ["log", "--json", "-n", "2"]).stdout.utf8)) as? [String: Any]
        let events = json?["events"] as? [[String: Any]] ?? []
        XCTAssertEqual(events.count, 2)
        XCTAssertNil(events.first?["clockSetBackBy"])
        let back = (events.last?["clockSetBackBy"] as? Int) ?? 0
        XCTAssertTrue(abs(back - 400 * 86400) <= 2, "\(back)")
    }

    /// Two resets spooled across a backward clock step fold in the order they happened, not by their times.
    func testSpooledEventsFoldInTheOrderTheyWereSpooled() throws {
        try skipWithoutFaketime()
        let root = Fixtures.applyRoot()
        Run.dynix(root, ["init"])
        let fd = open(root.file("var/lib/dynix/lock"), O_RDWR)
        XCTAssertEqual(flock(fd, LOCK_EX), 0)
        let hook = ["rebuild-hook", "--lock-timeout", "0"]
        XCTAssertEqual(Run.dynix(root, hook + ["--system", "/nix/store/first-system"]).status, 0)
        let back = Run.program(["/usr/bin/faketime", "-f", "-400d", Run.dynixBinary, "--root", root.path] + hook + ["--system", "/nix/store/second-system"])
        XCTAssertEqual(back.status, 0, back.stderr)
        close(fd)
        XCTAssertEqual(Run.dynix(root, ["append", "services.harmonia.settings.workers", "5"]).status, 0)
        let systems = Run.git(root, ["log", "--reverse", "--format=%(trailers:key=Static-System,valueonly,separator=)"]).stdout
            .split(separator: "\n").filter { $0.contains("-system") }
        XCTAssertEqual(systems, ["/nix/store/first-system", "/nix/store/second-system"])
    }
}
