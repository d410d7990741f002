import DynixHistory
import DynixTestSupport
import Foundation
import XCTest

/// The central side's forced command, hooks and readers, end to end without sshd: git's local transport runs
/// `dynix fleet receive` as sshd would (the request in `SSH_ORIGINAL_COMMAND`; the path git appends is a shell
/// comment). `Tests/fleet/run.py` tells the whole story over a real sshd.
final class FleetLocalPushTests: XCTestCase {
    struct Central {
        let directory: TempRoot
        var path: String { directory.file("central") }
        var git: [String] { ["git", "--git-dir", path] }
        func key(_ host: String) -> String { directory.file("\(host)-key") }

        /// All central refs and their values (receipts included): what a refused push must leave as it was.
        func refs() -> String { Run.program(git + ["for-each-ref", "--format=%(refname) %(objectname)"]).stdout }
    }

    func makeCentral(hosts: [String], file: StaticString = #filePath, line: UInt = #line) -> Central {
        let central = Central(directory: TempRoot())
        XCTAssertEqual(Run.program([Run.dynixBinary, "fleet", "init", "--central", central.path]).status, 0, file: file, line: line)
        for host in hosts {
            XCTAssertEqual(Run.program(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", host, "-f", central.key(host)]).status, 0)
            let added = Run.program([Run.dynixBinary, "fleet", "add-host", "--central", central.path, host, "--key", central.key(host) + ".pub"])
            XCTAssertEqual(added.status, 0, added.stderr, file: file, line: line)
            XCTAssertEqual(added.stdout.split(separator: "\n").count, 1, file: file, line: line)
            // The forced command names the binary by the path it runs from, its links resolved.
            let program = URL(fileURLWithPath: Run.dynixBinary).resolvingSymlinksInPath().path
            XCTAssertTrue(added.stdout.hasPrefix("restrict,command=\"\(program) fleet receive --central \(central.path) \(host)\" ssh-ed25519 "), added.stdout)
        }
        return central
    }

    /// `git push` from `root`'s history into `central` as `host`'s key would: signed with `signer`'s key.
    @discardableResult
    func push(_ root: TempRoot, to central: Central, as host: String, signedBy signer: String? = nil, refspecs: [String]? = nil, signed: Bool = true)
        -> RunResult
    {
        let receivePack = "SSH_ORIGINAL_COMMAND=\"git-receive-pack 'fleet'\" '\(Run.dynixBinary)' fleet receive --central '\(central.path)' \(host) #"
        var arguments = ["git", "--git-dir", root.historyPath, "-c", "gpg.format=ssh", "-c", "user.signingKey=\(central.key(signer ?? host))"]
        arguments += ["-c", "user.name=dynix", "-c", "user.email=dynix@\(host)", "push", "--porcelain", "--atomic"]
        arguments += signed ? ["--signed=yes"] : []
        arguments += ["--receive-pack=\(receivePack)", "file://\(central.path)"]
        arguments += refspecs ?? ["refs/heads/main:refs/heads/main", "refs/tags/gen/*:refs/tags/gen/*"]
        return Run.program(arguments)
    }

    func testPushesAreKeptReadAndVerifiedAndEveryRefusalChangesNothing() throws {
        let central = makeCentral(hosts: ["h1", "h2", "h3"])
        let h1 = rootAtGeneration1(option: "services.harmonia.settings.workers", value: "8")
        let h2 = rootAtGeneration1(option: "services.harmonia.settings.workers", value: "9")
        for (root, host) in [(h1, "h1"), (h2, "h2")] {
            let pushed = push(root, to: central, as: host)
            XCTAssertEqual(pushed.status, 0, pushed.stdout + pushed.stderr)
        }
        XCTAssertEqual(Run.program(central.git + ["for-each-ref", "--format=%(refname)", "refs/receipts/"]).stdout, "refs/receipts/h1\nrefs/receipts/h2\n")
        // pre-receive prepared each receipt's tree; post-receive committed it and left nothing behind.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: central.path + "/fleet/pending-receipts"), [])

        // The central copy reads as the host's own history.
        XCTAssertEqual(
            Run.program([Run.dynixBinary, "log", "--central", central.path, "--host", "h1", "--json"]).stdout, dynix(h1, "log", "--json").stdout)
        let live = Run.program([Run.dynixBinary, "fleet", "live", "--central", central.path, "--at", "now", "--json"]).stdout
        let status = Run.program([Run.dynixBinary, "fleet", "status", "--central", central.path, "--json"]).stdout
        let before = Run.program([Run.dynixBinary, "fleet", "live", "--central", central.path, "--at", "@1", "--json"]).stdout
        XCTAssertTrue(before.contains("\"state\": \"absent\""), before)
        let schema = Run.packageRoot + "/schema/dynix-output.schema.json"
        for document in [live, status, before, dynix(h1, "status", "--json").stdout] {
            let check = Run.program(
                ["/usr/bin/python3", "-c", "import json, sys, jsonschema; jsonschema.validate(json.load(sys.stdin), json.load(open(sys.argv[1])))", schema],
                input: document)
            XCTAssertEqual(check.status, 0, "\(check.stderr)\n\(document)")
        }
        XCTAssertTrue(live.contains("\"generation\": 1"), live)
        XCTAssertEqual(Run.program([Run.dynixBinary, "fleet", "verify", "--central", central.path]).status, 0)

        // Refusals: each reaches the pusher with `refused` (or git's `rejected`) and changes no central ref.
        dynix(h1, "append", "services.harmonia.settings.workers", "10")
        let refs = central.refs()
        let refusals: [(String, RunResult)] = [
            ("unsigned", push(h1, to: central, as: "h1", signed: false)),
            ("signed by another host's key", push(h1, to: central, as: "h1", signedBy: "h2")),
            ("a deletion", push(h1, to: central, as: "h1", refspecs: [":refs/tags/gen/1"])),
            ("another ref", push(h1, to: central, as: "h1", refspecs: ["refs/heads/main:refs/heads/other"])),
            ("a generation tag moved", push(h1, to: central, as: "h1", refspecs: ["+refs/heads/main:refs/tags/gen/1"])),
            ("a lightweight generation tag", push(h1, to: central, as: "h1", refspecs: ["refs/heads/main:refs/tags/gen/2"])),
            ("a rewrite", push(h2, to: central, as: "h1", refspecs: ["+refs/heads/main:refs/heads/main"])),
            ("another host's past", push(h1, to: central, as: "h3")),
        ]
        for (what, result) in refusals {
            XCTAssertNotEqual(result.status, 0, what)
            XCTAssertTrue(result.stderr.contains("refused") || result.stdout.contains("rejected"), "\(what): \(result.stdout)\(result.stderr)")
            XCTAssertEqual(central.refs(), refs, what)
        }
        XCTAssertTrue(refusals.last!.1.stderr.contains("shares commits with another host's history"), refusals.last!.1.stderr)
        // The forced command serves nothing but a push.
        for request in ["git-upload-pack 'fleet'", "sh", "git-receive-pack 'fleet'; id"] {
            let result = Run.program([Run.dynixBinary, "fleet", "receive", "--central", central.path, "h1"], environment: ["SSH_ORIGINAL_COMMAND": request])
            XCTAssertEqual(result.status, 1, request)
            XCTAssertTrue(result.stderr.hasPrefix("dynix: error: refused:"), result.stderr)
        }
        XCTAssertEqual(central.refs(), refs)

        // A ref moved by hand is named by verify, and nothing vouches for it.
        let main = "refs/namespaces/h1/refs/heads/main"
        let parent = Run.program(central.git + ["rev-parse", main + "~1"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(Run.program(central.git + ["update-ref", main, parent]).status, 0)
        let verify = Run.program([Run.dynixBinary, "fleet", "verify", "--central", central.path])
        XCTAssertEqual(verify.status, 1)
        XCTAssertTrue(verify.stderr.hasPrefix("dynix: error: host h1: refs/heads/main is \(parent.prefix(12))"), verify.stderr)
        XCTAssertFalse(verify.stderr.contains("host h2"), verify.stderr)
    }

    func testReadingCommandsSayTheSameAfterPackRefs() throws {
        let central = makeCentral(hosts: ["h1"])
        let h1 = rootAtGeneration1()
        XCTAssertEqual(push(h1, to: central, as: "h1").status, 0)
        let commands = [
            ["log", "--central", central.path, "--host", "h1", "--json"], ["fleet", "live", "--central", central.path, "--at", "now", "--json"],
            ["fleet", "status", "--central", central.path, "--json"], ["fleet", "verify", "--central", central.path],
        ]
        let before = commands.map { Run.program([Run.dynixBinary] + $0).stdout }
        XCTAssertEqual(Run.program(central.git + ["pack-refs", "--all"]).status, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: central.path + "/refs/namespaces/h1/refs/heads/main"))
        let after = commands.map { Run.program([Run.dynixBinary] + $0).stdout }
        // `fleet live --at now` names the moment asked about; it may be a second later.
        XCTAssertEqual(before.enumerated().filter { $0.offset != 1 }.map(\.element), after.enumerated().filter { $0.offset != 1 }.map(\.element))
        XCTAssertTrue(after[0].contains("\"events\""), after[0])
    }

    func testVerifyFollowsTheSignedUpdatesNotTheLastReceipt() throws {
        let central = makeCentral(hosts: ["h1"])
        let h1 = rootAtGeneration1()
        for value in ["a", "b"] {
            dynix(h1, "append", "services.gotosocial.settings.application-name", value)
            XCTAssertEqual(push(h1, to: central, as: "h1").status, 0)
        }
        XCTAssertEqual(Run.program([Run.dynixBinary, "fleet", "verify", "--central", central.path]).status, 0)
        // The administrator moves main back one push and adds a copy of that push's receipt on top: every receipt
        // is still signed, and the newest one names where main is now.
        let main = "refs/namespaces/h1/refs/heads/main"
        let receipts = "refs/receipts/h1"
        func revision(_ name: String) -> String {
            Run.program(central.git + ["rev-parse", name]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let copy = Run.program(
            central.git + ["commit-tree", revision(receipts + "~1^{tree}"), "-p", revision(receipts), "-m", "push from h1"],
            environment: ["GIT_AUTHOR_NAME": "x", "GIT_AUTHOR_EMAIL": "x@x", "GIT_COMMITTER_NAME": "x", "GIT_COMMITTER_EMAIL": "x@x"]
        ).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(Run.program(central.git + ["update-ref", receipts, copy]).status, 0)
        XCTAssertEqual(Run.program(central.git + ["update-ref", main, revision(main + "~1")]).status, 0)
        let verify = Run.program([Run.dynixBinary, "fleet", "verify", "--central", central.path])
        XCTAssertEqual(verify.status, 1, verify.stdout)
        XCTAssertTrue(verify.stderr.hasPrefix("dynix: error: host h1: refs/heads/main is"), verify.stderr)

        // Receipts taken away: the receipts ref's reflog still names them.
        let cleared = makeCentral(hosts: ["h1"])
        let h2 = rootAtGeneration1()
        XCTAssertEqual(push(h2, to: cleared, as: "h1").status, 0)
        dynix(h2, "append", "services.gotosocial.settings.application-name", "c")
        XCTAssertEqual(push(h2, to: cleared, as: "h1").status, 0)
        let parent = Run.program(cleared.git + ["rev-parse", receipts + "~1"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let previousMain = Run.program(cleared.git + ["rev-parse", main + "~1"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(Run.program(cleared.git + ["update-ref", receipts, parent]).status, 0)
        XCTAssertEqual(Run.program(cleared.git + ["update-ref", main, previousMain]).status, 0)
        let truncated = Run.program([Run.dynixBinary, "fleet", "verify", "--central", cleared.path])
        XCTAssertEqual(truncated.status, 1, truncated.stdout)
        XCTAssertTrue(truncated.stderr.contains("refs/receipts/h1 once held receipt"), truncated.stderr)

        // Keys kept outside the repository: another key put into fleet/allowed-signers vouches for nothing.
        let outside = makeCentral(hosts: ["h1", "h2"])
        let h3 = rootAtGeneration1()
        XCTAssertEqual(push(h3, to: outside, as: "h1").status, 0)
        let keys = outside.directory.file("keys")
        XCTAssertEqual(Run.program(["cp", outside.path + "/fleet/allowed-signers", keys]).status, 0)
        XCTAssertEqual(Run.program([Run.dynixBinary, "fleet", "verify", "--central", outside.path, "--keys", keys]).status, 0)
        // h1 named with h2's key: every signature of h1's is then another key's.
        let h2Key = try String(contentsOfFile: outside.key("h2") + ".pub", encoding: .utf8).split(separator: " ").prefix(2).joined(separator: " ")
        let swapped = "h1 namespaces=\"git,dynix-bundle\" \(h2Key)\n"
        try swapped.write(toFile: keys, atomically: true, encoding: .utf8)
        let against = Run.program([Run.dynixBinary, "fleet", "verify", "--central", outside.path, "--keys", keys])
        XCTAssertEqual(against.status, 1, against.stdout)
        XCTAssertTrue(against.stderr.hasPrefix("dynix: error: host h1: receipt "), against.stderr)
    }

    func testNothingThatWouldReachAShellOrSshdUnchecked() throws {
        let directory = TempRoot()
        let unsafe = directory.file("c x$(touch \(directory.file("pwned")))")
        let made = Run.program([Run.dynixBinary, "fleet", "init", "--central", unsafe])
        XCTAssertEqual(made.status, 1)
        XCTAssertTrue(made.stderr.hasPrefix("dynix: error: "), made.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: unsafe))
        // One key, one host: sshd would give the second host's pushes to the first.
        let central = makeCentral(hosts: ["h1"])
        let again = Run.program([Run.dynixBinary, "fleet", "add-host", "--central", central.path, "h2", "--key", central.key("h1") + ".pub"])
        XCTAssertEqual(again.status, 1)
        XCTAssertEqual(again.stderr.split(separator: "\n").first, "dynix: error: this key is already host h1's")
        XCTAssertEqual(Run.program(["grep", "-c", "", central.path + "/fleet/allowed-signers"]).stdout, "1\n")
    }

    func testARefusedCommandLineNamesTheFleetCommandItWasFor() {
        let result = Run.program([Run.dynixBinary, "fleet", "live", "--central", "/nonexistent", "--at", "yesterdayish"])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stderr.split(separator: "\n").last, "hint: `dynix fleet live --help` shows its usage", result.stderr)
    }
}
