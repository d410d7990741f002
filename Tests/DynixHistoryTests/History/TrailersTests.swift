import DynixTestSupport
import XCTest

@testable import DynixHistory

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

    /// The byte-level parse of an ASCII message gives exactly what the Character-based one gives.
    func testASCIIParseMatchesCharacterParse() {
        let pieces = [
            "set a.b = 1", "", " ", "\t", "Dynix-Event: append", "Dynix-Option: a.b", "Key:value", "Two words: x",
            "K: ", "K:", ": v", "plain text", "Dynix-User: root", "x: y: z", "  indented: v",
        ]
        var generator = SystemRandomNumberGenerator()
        var messages = ["", "\n", "\n\n", "subject", "subject\n", "subject\n\nbody\n\nDynix-Event: append\nDynix-Value: 3\n"]
        for _ in 0..<3000 {
            let count = Int.random(in: 0...7, using: &generator)
            var message = (0..<count).map { _ in pieces.randomElement(using: &generator)! }.joined(separator: "\n")
            if Bool.random(using: &generator) { message += "\n" }
            messages.append(message)
        }
        for message in messages {
            guard let fast = Trailers.parseASCII(message) else { return XCTFail("not taken: \(message.debugDescription)") }
            let slow = Trailers.parseCharacters(message)
            XCTAssertEqual(fast.subject, slow.subject, message.debugDescription)
            XCTAssertEqual(fast.body, slow.body, message.debugDescription)
            XCTAssertEqual(fast.trailers, slow.trailers, message.debugDescription)
        }
        XCTAssertNil(Trailers.parseASCII("caf\u{E9}\n\nK: v"))
        XCTAssertNil(Trailers.parseASCII("a\r\n\r\nK: v"))
    }
}
