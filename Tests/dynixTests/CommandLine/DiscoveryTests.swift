import DynixHistory
import DynixTestSupport
import Foundation
import XCTest

/// What a newcomer finds before and around the first command: the options before `init`, shell completion, the man page.
final class DiscoveryTests: XCTestCase {
    func testOptionsWorkBeforeInit() throws {
        let root = Fixtures.applyRoot()
        let options = dynix(root, "options").stdout
        XCTAssertTrue(options.contains("services.harmonia.settings.workers") && options.contains("4 (static)"), options)
        XCTAssertTrue(dynix(root, "options", "--json").stdout.contains("\"type\": \"int\""))
    }

    /// The generated bash script, in a real bash: `complete -p`, then the completion function itself.
    func testBashCompletesOptionPathsValuesGenerationsAndDirectories() throws {
        let root = rootAtGeneration1(option: "services.harmonia.settings.workers", value: "8")
        let binDirectory = (Run.dynixBinary as NSString).deletingLastPathComponent
        func complete(_ line: String) -> [String] {
            let script = """
                source <(dynix --generate-completion-script bash)
                complete -p dynix >/dev/null || exit 9
                COMP_LINE='\(line)'; COMP_POINT=${#COMP_LINE}
                read -ra COMP_WORDS <<< "$COMP_LINE"; [[ $COMP_LINE == *' ' ]] && COMP_WORDS+=('')
                COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); COMPREPLY=()
                # As bash calls it: the command, the word being completed, the word before it.
                _dynix dynix "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
                printf '%s\\n' "${COMPREPLY[@]}"
                """
            let result = Run.program(["bash", "-c", script], environment: ["PATH": binDirectory + ":/usr/bin:/bin"])
            XCTAssertEqual(result.status, 0, result.stderr)
            return result.stdout.split(separator: "\n").map(String.init)
        }
        XCTAssertTrue(complete("dynix append --root \(root.path) services.harm").contains("services.harmonia.settings.workers"))
        XCTAssertTrue(complete("dynix append --root \(root.path) services.distccd.logLevel ").contains("warning"))
        XCTAssertTrue(complete("dynix rollback --root \(root.path) ").contains("1"))
        let states = complete("dynix show --root \(root.path) ")
        XCTAssertTrue(states.contains("live") && states.contains("1"), "\(states)")
        XCTAssertTrue(complete("dynix status --root \(root.path)/va").contains("\(root.path)/var"))
    }

    func testTheManPageIsInstalledFromTheRepositoryAndCoversEveryCommand() throws {
        let page = try String(contentsOfFile: Run.packageRoot + "/man/dynix.1", encoding: .utf8)
        for command in ["init", "append", "apply", "unset", "rollback", "status", "log", "options"] {
            XCTAssertTrue(page.contains(".It Em \(command)"), command)
        }
        let package = try String(contentsOfFile: Run.packageRoot + "/package.nix", encoding: .utf8)
        XCTAssertTrue(package.contains("installManPage man/dynix.1") && package.contains("installShellCompletion"))
    }
}
