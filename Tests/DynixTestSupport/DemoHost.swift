import Foundation

/// The simulated NixOS host of `demo/host/` with its real distccd, for end-to-end tests.
package final class DemoHost {
    package let root = TempRoot()
    package let port: Int
    static var hostDirectory: String { Run.packageRoot + "/demo/host" }

    package init() throws {
        let made = Run.program([DemoHost.hostDirectory + "/make-root", root.path])
        guard made.status == 0, let port = Int(made.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw NSError(domain: "DemoHost", code: Int(made.status), userInfo: [NSLocalizedDescriptionKey: "make-root failed: \(made.stderr)"])
        }
        self.port = port
    }

    deinit { Run.program([DemoHost.hostDirectory + "/stop", root.path]) }

    /// The running daemon's command line, read from /proc as the prototype's VM tests read the process.
    package func daemonFlags() -> String {
        guard let pid = root.read("run/distccd.pid")?.trimmingCharacters(in: .whitespacesAndNewlines),
            let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline")
        else { return "(no daemon)" }
        return String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
    }

    package func switchStatic(to generation: Int, _ overrides: String? = nil) -> RunResult {
        Run.program(
            [DemoHost.hostDirectory + "/switch-static", root.path, String(generation)] + (overrides.map { [$0] } ?? []),
            environment: ["DYNIX": Run.dynixBinary])
    }
}

/// A TCP listener on 127.0.0.1 that holds a port busy for as long as it lives.
package final class BusyPort {
    package let port: Int
    private let fd: Int32

    package init() {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.fd = fd
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                _ = bind(fd, raw, length)
                _ = listen(fd, 1)
                _ = getsockname(fd, raw, &length)
            }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(fd) }
}
