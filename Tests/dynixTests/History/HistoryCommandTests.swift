import DynixHistory
import DynixTestSupport
import Foundation
import XCTest

/// Each change a commit: messages, trailers, author and committer; what show, status and options read back.
final class HistoryCommandTests: XCTestCase {
    func testAppendsAreCommitsWithMessagesAndTrailers() throws {
        let root = TempRoot()
        XCTAssertEqual(Run.dynix(root, ["init"]).status, 0)
        XCTAssertEqual(Run.dynix(root, ["init"]).status, 0, "init is idempotent")
        let a = Run.dynix(root, ["append", "services.harmonia.settings.workers", "20", "-m", "more workers for the release build"])
        XCTAssertEqual(a.status, 0, a.stderr)
        XCTAssertTrue(a.stdout.contains("appended services.harmonia.settings.workers = 20"))
        XCTAssertEqual(Run.dynix(root, ["append", "services.nginx.virtualHosts.\"example.com\".root", "/srv/www"]).status, 0)
        XCTAssertEqual(Run.dynix(root, ["append", "services.x.offset", "--", "-5"]).status, 0)

        let log = Run.git(
            root,
            [
                "log",
                "--format=%an%x00%s%x00%(trailers:key=Dynix-Event,valueonly)%x00%(trailers:key=Dynix-Option,valueonly)%x00%(trailers:key=Dynix-Value,valueonly)%x01",
            ])
        XCTAssertEqual(log.status, 0, log.stderr)
        let commits = log.stdout.split(separator: "\u{1}").map {
            $0.trimmingCharacters(in: .whitespacesAndNewlines).components(separatedBy: "\u{0}").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        }.filter { $0.count == 5 }
        XCTAssertEqual(commits.count, 4)
        XCTAssertEqual(commits[0][2], "append")
        XCTAssertEqual(commits[0][3], "services.x.offset")
        XCTAssertEqual(commits[0][4], "(-5)")
        XCTAssertEqual(commits[1][3], "services.nginx.virtualHosts.\"example.com\".root")
        XCTAssertEqual(commits[2][1], "more workers for the release build")
        XCTAssertEqual(commits[2][4], "20")
        XCTAssertEqual(commits[3][2], "init")
        XCTAssertEqual(Run.git(root, ["fsck", "--full", "--strict"]).status, 0)
        XCTAssertEqual(Run.git(root, ["show", "main:dynamic.nix"]).stdout, root.dynamicFile)
        XCTAssertTrue(Run.nixParses(root.file("etc/nixos/dynamic.nix")))
        // An append is a pure addition in git's eyes.
        let diff = Run.git(root, ["diff", "--numstat", "main~1", "main"]).stdout
        XCTAssertTrue(diff.hasPrefix("1\t0\t"), diff)

        let json = Run.dynix(root, ["log", "--json", "-n", "2"])
        guard case .attrs(let document)? = try? JSON.parse(json.stdout), case .list(let items)? = document["events"] else { return XCTFail(json.stdout) }
        XCTAssertEqual(items.count, 2)
        guard case .attrs(let newest) = items[0] else { return XCTFail() }
        XCTAssertEqual(newest["event"], .string("append"))
        XCTAssertEqual(newest["options"], .list([.string("services.x.offset")]))
    }

    func testAuthorIsTheSudoUserAndCommitterIsDynix() {
        let root = TempRoot()
        Run.dynix(root, ["init"])
        // loginuid wins when the kernel has one; SUDO_USER only matters when it is unset.
        let loginUID = (try? String(contentsOfFile: "/proc/self/loginuid", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        Run.dynix(root, ["append", "services.a.b", "1"], environment: ["SUDO_USER": "alice"])
        let names = Run.git(root, ["log", "-1", "--format=%an|%cn|%(trailers:key=Dynix-User,valueonly)"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        if loginUID == nil || loginUID == "4294967295" {
            XCTAssertEqual(names, "alice|dynix|alice")
        } else {
            XCTAssertTrue(names.hasSuffix("|dynix|" + names.split(separator: "|")[0]), names)
        }
    }

    func testShowStatusAndOptionsWithAManifest() throws {
        let root = Fixtures.applyRoot()
        Run.dynix(root, ["init"])
        XCTAssertEqual(Run.dynix(root, ["append", "services.harmonia.settings.workers", "20"]).status, 0)
        let show = Run.dynix(root, ["show"])
        XCTAssertTrue(show.stdout.contains("services.harmonia.settings.workers  4 (static) → 20"), show.stdout)
        let status = Run.dynix(root, ["status", "--json"])
        guard case .attrs(let s)? = try? JSON.parse(status.stdout) else { return XCTFail(status.stdout) }
        XCTAssertEqual(s["staticGeneration"], .int(1))
        XCTAssertEqual(s["drift"], .bool(false))
        guard case .list(let pending)? = s["pending"] else { return XCTFail() }
        XCTAssertEqual(pending.count, 1)
        let options = Run.dynix(root, ["options"])
        XCTAssertTrue(options.stdout.contains("services.distccd.logLevel"), options.stdout)
        XCTAssertTrue(options.stdout.contains("pending 20"), options.stdout)
    }
}
