import Glibc

/// The human behind a command, for the commit author and `Dynix-User`.
package struct Identity: Equatable, Sendable {
    package let user: String

    /// The kernel's audit login uid survives `sudo` and `su`; then `SUDO_USER`; then the effective user.
    package static func current(sudoUser: String?) -> Identity {
        if let text = FileSystem.readText("/proc/self/loginuid")?.trimmingWhitespace(),
            let uid = UInt32(text), uid != UInt32.max, let name = userName(uid)
        {
            return Identity(user: name)
        }
        if let sudo = sudoUser, !sudo.isEmpty { return Identity(user: sudo) }
        return Identity(user: userName(geteuid()) ?? "uid\(geteuid())")
    }

    static func userName(_ uid: uid_t) -> String? {
        guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else { return nil }
        return String(cString: name)
    }

    var signatureEmail: String { "\(user)@localhost" }

    /// This machine's name (`gethostname`), or nil.
    package static func hostName() -> String? {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return nil }
        return String(nulTerminated: buffer)
    }
}
