import CGit2
import Glibc

/// Who made a commit or tag, and when (seconds since the epoch, UTC offset in minutes).
struct GitSignature: Equatable, Sendable {
    var name: String
    var email: String
    var time: Int64
    var offsetMinutes: Int32

    init(name: String, email: String, time: Int64, offsetMinutes: Int32) {
        self.name = name
        self.email = email
        self.time = time
        self.offsetMinutes = offsetMinutes
    }

    init(_ pointer: UnsafePointer<git_signature>) {
        name = String(cString: pointer.pointee.name)
        email = String(cString: pointer.pointee.email)
        time = pointer.pointee.when.time
        offsetMinutes = pointer.pointee.when.offset
    }

    /// Lends libgit2 a signature for the duration of `body`.
    func withRaw<T>(_ body: (UnsafePointer<git_signature>) throws -> T) throws -> T {
        var raw: UnsafeMutablePointer<git_signature>?
        try check("create signature", git_signature_new(&raw, name, email, time, Int32(offsetMinutes)))
        defer { git_signature_free(raw) }
        return try body(raw!)
    }
}
