import DynixHistory
import DynixTestSupport
import Foundation
import XCTest

/// `dynix status`: what needs attention, and how to recover.
final class StatusTests: XCTestCase {
    func testStatusSaysWhatNeedsAttentionAndHowToRecover() throws {
        let root = rootAtGeneration1(option: "services.harmonia.settings.workers", value: "8")
        XCTAssertTrue(dynix(root, "status").stdout.contains("dynamic generation  1, live since"))
        // The rebuild hook did not run after a static switch: static drift.
        root.switchStatic(to: 2)
        let drift = dynix(root, "status").stdout
        XCTAssertTrue(drift.contains("static drift") && drift.contains("nixos-rebuild switch"), drift)
        // The file deleted: status and adopt give the same remedy.
        try FileManager.default.removeItem(atPath: root.file("etc/nixos/dynamic.nix"))
        XCTAssertTrue(dynix(root, "status").stdout.contains("restore it with `dynix show --nix >"))
        XCTAssertTrue(dynix(root, "adopt", status: 1).stderr.contains("dynix show --nix >"))
        dynix(root, "append", "services.harmonia.settings.workers", "3", status: 1)
        Run.program(["sh", "-c", "\(Run.dynixBinary) --root \(root.path) show --nix > \(root.file("etc/nixos/dynamic.nix"))"])
        dynix(root, "append", "services.harmonia.settings.workers", "3")
        // Without a manifest nothing can be applied: status says so instead of "run dynix apply".
        try FileManager.default.removeItem(atPath: root.file("etc/dynix/manifest.json"))
        let noManifest = dynix(root, "status").stdout
        XCTAssertTrue(noManifest.contains("no manifest") && !noManifest.contains("run `dynix apply`"), noManifest)
    }
}
