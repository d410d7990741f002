import DynixHistory
import DynixTestSupport
import XCTest

final class OptionPathTests: XCTestCase {
    func testOptionPathsParseLikeNix() throws {
        XCTAssertEqual(
            try OptionPath(parsing: "services.nginx.virtualHosts.\"example.com\".root").components,
            ["services", "nginx", "virtualHosts", "example.com", "root"])
        XCTAssertEqual(try OptionPath(parsing: "a.\"b\\\"c\".d").components, ["a", "b\"c", "d"])
        XCTAssertEqual(OptionPath(["a", "if", "x y", "ok-name'"]).description, "a.\"if\".\"x y\".ok-name'")
        for bad in ["", "a.", ".a", "a..b", "a.\"b", "a b", "1a", "a.\"${x}\""] {
            XCTAssertThrowsError(try OptionPath(parsing: bad), bad)
        }
    }
}
