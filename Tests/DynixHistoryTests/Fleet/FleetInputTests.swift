import XCTest

@testable import DynixHistory

/// What the fleet takes from outside, before git or ssh sees it: host names, keys, the forced command's request,
/// central.json, push certificates and bundle headers.
final class FleetInputTests: XCTestCase {
    func testHostNamesAreWordsOfEveryLanguageTheyAppearIn() throws {
        for good in ["h1", "cache-1.example", "A_b", String(repeating: "x", count: 63)] { XCTAssertNoThrow(try HostName(good), good) }
        for bad in ["", "-h", ".h", "a/b", "a b", "a..b", "h.", "h.lock", "a*", "a,b", "a\"b", "a\nb", "é", String(repeating: "x", count: 64)] {
            XCTAssertThrowsError(try HostName(bad), bad) { error in
                guard case DynixError.fleet(.invalidHostName(let name, _)) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(name, bad)
            }
        }
    }

    func testAPublicKeyIsTypeAndDataOnly() throws {
        let key = try PublicKey("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIK6n9Wpj3ECoZ+r1qN6yoh7swaFzrixOtq3yI2Wc09PE root@h1\n")
        XCTAssertEqual(key.text, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIK6n9Wpj3ECoZ+r1qN6yoh7swaFzrixOtq3yI2Wc09PE")
        for bad in [
            "command=\"id\" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIK6n9Wpj3ECoZ",  // options are not a key
            "ssh-ed25519 AAAA\"C3NzaC1lZDI1NTE5AAAAIK6n9Wpj3ECoZ",  // a quote would end the forced command's option
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIK6n9Wpj3ECoZ\nssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIK6n9Wpj3ECoZ",
            "",
        ] {
            XCTAssertThrowsError(try PublicKey(bad), bad)
        }
    }

    func testTheForcedCommandServesAPushAndNothingElse() throws {
        XCTAssertNoThrow(try ReceivePack.checkRequest("git-receive-pack '/fleet'"))
        XCTAssertNoThrow(try ReceivePack.checkRequest("git receive-pack 'anything'"))
        for bad in [
            nil, "", "git-upload-pack '/fleet'", "git-upload-archive '/fleet'", "sh", "id", "git-receive-pack '/fleet'; id",
            "git-receive-pack '/fleet' && id", "git-receive-pack '/a'\\''b'", "git-receive-pack /fleet", "git-receive-pack '/fleet\n'",
        ] {
            XCTAssertThrowsError(try ReceivePack.checkRequest(bad), String(describing: bad)) { error in
                guard case DynixError.fleet(.notAPush) = error else { return XCTFail("\(error)") }
            }
        }
        let (argv, environment) = ReceivePack.invocation(central: CentralRepository(path: "/srv/fleet"), host: try HostName("h1"))
        XCTAssertEqual(argv, ["git", "-c", "receive.hideRefs=!^refs/namespaces/h1", "receive-pack", "/srv/fleet"])
        XCTAssertEqual(environment.filter { $0.hasPrefix("GIT_NAMESPACE=") }, ["GIT_NAMESPACE=h1"])
        XCTAssertEqual(
            Set(environment.map { String($0.prefix { $0 != "=" }) }), ["PATH", "LC_ALL", "GIT_CONFIG_NOSYSTEM", "GIT_CONFIG_GLOBAL", "GIT_NAMESPACE"])
    }

    func testCentralConfigurationNamesTheKeyItRefuses() throws {
        let good = #"{"version": 1, "url": "ssh://fleet@central:2222/x", "identityFile": "/k", "knownHostsFile": "/kh"}"#
        let config = try CentralConfiguration(json: good, path: "c.json")
        XCTAssertEqual(config.connectTimeout, 5)
        XCTAssertNil(config.metricsFile)
        let cases: [(String, String)] = [
            (#"{"version": 1, "url": "ssh://c/x", "identityFile": "/k", "knownHostsFile": "/kh", "colour": 1}"#, "`colour`"),
            (#"{"version": 1, "url": "https://c/x", "identityFile": "/k", "knownHostsFile": "/kh"}"#, "`url`"),
            (#"{"version": 1, "url": "ssh://c/x", "identityFile": 3, "knownHostsFile": "/kh"}"#, "`identityFile`"),
            (#"{"version": 1, "url": "ssh://c/x", "identityFile": "k", "knownHostsFile": "/kh"}"#, "`identityFile`"),
            (#"{"version": 1, "url": "ssh://c/x", "identityFile": "/k"}"#, "`knownHostsFile`"),
            (#"{"version": 1, "url": "ssh://c/x", "identityFile": "/k", "knownHostsFile": "/kh", "connectTimeout": "5"}"#, "`connectTimeout`"),
            (#"{"version": 2, "url": "ssh://c/x", "identityFile": "/k", "knownHostsFile": "/kh"}"#, "`version`"),
            (#"{"version": 1, "url": "ssh://-oProxyCommand=x/x", "identityFile": "/k", "knownHostsFile": "/kh"}"#, "`url`"),
        ]
        for (json, key) in cases {
            XCTAssertThrowsError(try CentralConfiguration(json: json, path: "c.json"), json) { error in
                XCTAssertTrue((error as? DynixError)?.message.contains(key) == true, "\(error) should name \(key)")
            }
        }
    }

    func testAPushCertificateSplitsIntoTextSignatureAndUpdates() throws {
        let old = String(repeating: "0", count: 40)
        let new = String(repeating: "a", count: 40)
        let text = "certificate version 0.1\npusher x 1 +0000\npushee ssh://c/x\nnonce 1-abc\n\n\(old) \(new) refs/heads/main\n"
        let signature = "-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----\n"
        let certificate = try XCTUnwrap(PushCertificate(Array((text + signature).utf8)))
        XCTAssertEqual(String(decoding: certificate.payload, as: UTF8.self), text)
        XCTAssertEqual(String(decoding: certificate.signature, as: UTF8.self), signature)
        XCTAssertEqual(certificate.updates, [RefUpdate(old: old, new: new, ref: "refs/heads/main")])
        XCTAssertNil(PushCertificate(Array(text.utf8)), "no signature, no certificate")
    }

    func testABundleHeaderListsItsRefs() {
        let bundle =
            Array("# v2 git bundle\n-\(String(repeating: "b", count: 40)) prerequisite\n\(String(repeating: "a", count: 40)) refs/heads/main\n\n".utf8) + [
                0, 1, 2,
            ]
        XCTAssertEqual(BundleHeader.heads(bundle), ["refs/heads/main": String(repeating: "a", count: 40)])
        XCTAssertEqual(BundleHeader.heads(Array("not a bundle\n".utf8)), [:])
    }

    func testGenerationTagNamesAreCanonical() {
        XCTAssertEqual(PushPolicy.generationNumber("refs/tags/gen/12"), 12)
        for bad in ["refs/tags/gen/0", "refs/tags/gen/01", "refs/tags/gen/", "refs/tags/gen/1x", "refs/tags/gen/1/2", "refs/heads/gen/1", "refs/tags/gen/-1"] {
            XCTAssertNil(PushPolicy.generationNumber(bad), bad)
        }
    }
}
