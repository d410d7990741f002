import DynixHistory
import DynixTestSupport
import Foundation
import XCTest

/// `dynix log` as git users expect it: counts, dates, one line, resets.
final class LogTests: XCTestCase {
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
}
