import DynixHistory
import DynixTestSupport
import Foundation
import XCTest

/// `dynix diff` between generations, in text and JSON.
final class DiffTests: XCTestCase {
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
}
