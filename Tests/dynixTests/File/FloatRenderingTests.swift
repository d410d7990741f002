import DynixHistory
import DynixTestSupport
import Foundation
import XCTest

/// Values as the file holds them: an integer given for a float option is written as a float.
final class FloatRenderingTests: XCTestCase {
    func testIntegersForFloatOptionsAreWrittenAsFloats() {
        let root = Fixtures.applyRoot()
        _ = dynix(root, "init")
        _ = dynix(root, "append", "services.x.ratio", "5", "--json")
        _ = dynix(root, "append", "services.x.ratio", "7")
        XCTAssertTrue(root.dynamicFile.contains("services.x.ratio = 5.0;"), root.dynamicFile)
        XCTAssertTrue(root.dynamicFile.contains("services.x.ratio = 7.0;"), root.dynamicFile)
    }
}
