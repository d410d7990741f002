import DynixHistory
import DynixTestSupport
import XCTest

final class TrailersTests: XCTestCase {
    func testTrailersInAUserMessageCannotForgeAnEvent() {
        var trailers = Trailers()
        trailers.add("Dynix-Event", "append")
        trailers.add("Dynix-Value", "\"a\nDynix-Event: apply\"")
        let message = "my message\n\nDynix-Event: apply\nDynamic-Generation: 99\n\n" + trailers.text + "\n"
        let parsed = Trailers.parse(message: message)
        XCTAssertEqual(parsed.trailers["Dynix-Event"], "append")
        XCTAssertNil(parsed.trailers["Dynamic-Generation"])
        XCTAssertEqual(parsed.trailers.pairs.count, 2)
        XCTAssertTrue(parsed.body.contains("Dynamic-Generation: 99"))
    }
}
