/// Every system path dynix touches, resolved under one root so tests and demos run in a temporary directory.
package struct Paths: Sendable {
    package let root: String
    package let dynamicFile: String

    package init(root: String = "/", dynamicFile: String? = nil) {
        let trimmed = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
        self.root = trimmed
        self.dynamicFile = dynamicFile ?? Paths.join(trimmed, "etc/nixos/dynamic.nix")
    }

    static func join(_ root: String, _ relative: String) -> String {
        root == "/" ? "/" + relative : root + "/" + relative
    }

    package func under(_ relative: String) -> String { Paths.join(root, relative) }

    package var stateDirectory: String { under("var/lib/dynix") }
    package var history: String { under("var/lib/dynix/history.git") }
    package var lock: String { under("var/lib/dynix/lock") }
    package var transaction: String { under("var/lib/dynix/txn") }
    package var spool: String { under("var/lib/dynix/spool") }
    /// Effective values by content (`EffectiveCache`): derived data, safe to delete at any time.
    package var effectiveCache: String { under("var/lib/dynix/effective") }
    /// The dynamic file's last known version and the tree it holds (`FileStamp`): derived data, safe to delete.
    package var fileStamp: String { under("var/lib/dynix/file-stamp") }
    /// Every commit's time and id in commit order (`MomentIndex`): derived data, safe to delete.
    package var momentIndex: String { under("var/lib/dynix/moments") }
    /// Present while an activation runs; left behind, it means the running system is in an unknown state.
    package var activating: String { under("var/lib/dynix/activating") }
    /// The last push the central side acknowledged (`PushRecord`): if lost, the next push says everything again.
    package var centralPush: String { under("var/lib/dynix/central-push") }
    package var manifest: String { under("etc/dynix/manifest.json") }
    package var systemProfile: String { under("nix/var/nix/profiles/system") }
    package var currentSystem: String { under("run/current-system") }

    /// The boot id from the root when a test provides one, else the kernel's.
    package var bootID: String {
        let local = under("proc/sys/kernel/random/boot_id")
        return root != "/" && FileSystem.exists(local) ? local : "/proc/sys/kernel/random/boot_id"
    }
}
