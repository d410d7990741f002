import DynixTestSupport
import Foundation
import XCTest

/// The command line as argument-parser declares it, against the word rewriting that runs before it
/// (`CommandLineWords`: options before the subcommand, values that begin with `-`).
final class CommandLineTests: XCTestCase {
    /// Every option that takes a value, per command, read from argument-parser's own description of the commands.
    func valueOptions() throws -> [(command: String, name: String)] {
        let dump = Run.program([Run.dynixBinary, "--experimental-dump-help"])
        XCTAssertEqual(dump.status, 0, dump.stderr)
        let document = try JSONSerialization.jsonObject(with: Data(dump.stdout.utf8)) as? [String: Any]
        var result: [(String, String)] = []
        for command in (document?["command"] as? [String: Any])?["subcommands"] as? [[String: Any]] ?? [] {
            let name = command["commandName"] as? String ?? ""
            for argument in command["arguments"] as? [[String: Any]] ?? [] where argument["kind"] as? String == "option" {
                for option in argument["names"] as? [[String: Any]] ?? [] {
                    let text = option["name"] as? String ?? ""
                    result.append((name, (option["kind"] as? String == "long" ? "--" : "-") + text))
                }
            }
        }
        return result
    }

    /// A value that begins with `-` must reach argument-parser as the option's value (`--opt=-7`); an option the
    /// rewriter does not know leaves argument-parser saying "Missing value", or `append` refusing `-7` as an option.
    func testEveryOptionThatTakesAValueIsKnownToTheWordRewriter() throws {
        let options = try valueOptions()
        XCTAssertGreaterThan(options.count, 40)
        XCTAssertTrue(options.contains { $0.command == "apply" && $0.name == "--activation-timeout" })
        let root = TempRoot()
        var unknown: [String] = []
        for (command, name) in options where name != "-n" {
            let arguments = [command] + (command == "append" ? ["services.a", "1"] : []) + [name, "-7"]
            let result = Run.dynix(root, arguments)
            XCTAssertLessThan(result.status, 128, "\(arguments): \(result.stderr)")
            if result.stderr.contains("Missing value") || result.stderr.contains("looks like an option, not a VALUE") {
                unknown.append("\(command) \(name)")
            }
        }
        XCTAssertEqual(unknown, [], "options CommandLineWords.takesValue does not know")
    }
}
