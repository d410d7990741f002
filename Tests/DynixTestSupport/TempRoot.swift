import DynixHistory
import Foundation

/// A temporary system root with real files and symlinks, removed when the test ends.
package final class TempRoot: Sendable {
    package let path: String
    package var paths: Paths { Paths(root: path) }

    package init() {
        let template = NSTemporaryDirectory() + "dynix-test-XXXXXX"
        var bytes = Array(template.utf8CString)
        let made = bytes.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        path = String(cString: made!)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    package func file(_ relative: String) -> String { path + "/" + relative }

    package func write(_ relative: String, _ text: String) {
        let full = file(relative)
        try! FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try! text.write(toFile: full, atomically: false, encoding: .utf8)
    }

    package func read(_ relative: String) -> String? { try? String(contentsOfFile: file(relative), encoding: .utf8) }

    package var dynamicFile: String { read("etc/nixos/dynamic.nix") ?? "" }
    package var historyPath: String { file("var/lib/dynix/history.git") }

    /// Static generation N: `systems/N`, the profile links and `run/current-system`.
    package func switchStatic(to generation: Int) {
        let fm = FileManager.default
        try? fm.createDirectory(atPath: file("systems/\(generation)"), withIntermediateDirectories: true)
        try? fm.createDirectory(atPath: file("nix/var/nix/profiles"), withIntermediateDirectories: true)
        try? fm.createDirectory(atPath: file("run"), withIntermediateDirectories: true)
        let link = file("nix/var/nix/profiles/system-\(generation)-link")
        try? fm.removeItem(atPath: link)
        try! fm.createSymbolicLink(atPath: link, withDestinationPath: file("systems/\(generation)"))
        for (at, to) in [(file("nix/var/nix/profiles/system"), "system-\(generation)-link"), (file("run/current-system"), file("systems/\(generation)"))] {
            try? fm.removeItem(atPath: at)
            try! fm.createSymbolicLink(atPath: at, withDestinationPath: to)
        }
    }

    package func setBootID(_ id: String) { write("proc/sys/kernel/random/boot_id", id + "\n") }

    /// Every file under the root with its content and mode, to prove a refusal changed nothing.
    package func snapshot() -> [String: Snapshot] {
        var result: [String: Snapshot] = [:]
        let fm = FileManager.default
        guard let walker = fm.enumerator(atPath: path) else { return result }
        while let relative = walker.nextObject() as? String {
            let full = path + "/" + relative
            var info = stat()
            guard lstat(full, &info) == 0 else { continue }
            let mode = String(info.st_mode, radix: 8)
            if (info.st_mode & S_IFMT) == S_IFLNK {
                result[relative] = .link(mode: mode, target: (try? fm.destinationOfSymbolicLink(atPath: full)) ?? "")
            } else if (info.st_mode & S_IFMT) == S_IFREG {
                result[relative] = .file(mode: mode, bytes: fm.contents(atPath: full) ?? Data())
            } else {
                result[relative] = .directory(mode: mode)
            }
        }
        return result
    }
}

/// One entry of `TempRoot.snapshot()`: compared by content, byte for byte.
package enum Snapshot: Equatable {
    case file(mode: String, bytes: Data)
    case link(mode: String, target: String)
    case directory(mode: String)
}
