import CGit2

/// A git object id (SHA-1), a value type detached from libgit2's memory.
package struct ObjectID: Hashable, CustomStringConvertible, Sendable {
    var raw: git_oid

    init(_ raw: git_oid) { self.raw = raw }

    init(_ pointer: UnsafePointer<git_oid>) { self.raw = pointer.pointee }

    package init?(hex: String) {
        var oid = git_oid()
        guard hex.utf8.count == 40, git_oid_fromstr(&oid, hex) == 0 else { return nil }
        self.raw = oid
    }

    package var hex: String {
        var copy = raw
        var buffer = [UInt8](repeating: 0, count: 41)
        buffer.withUnsafeMutableBufferPointer { raw in
            raw.withMemoryRebound(to: CChar.self) { _ = git_oid_tostr($0.baseAddress, 41, &copy) }
        }
        return String(decoding: buffer.prefix(40), as: UTF8.self)
    }

    /// From the 20 bytes of a SHA-1 id (MomentIndex's records).
    init(bytes: ArraySlice<UInt8>) {
        var oid = git_oid()
        withUnsafeMutableBytes(of: &oid) { target in
            for (index, byte) in bytes.prefix(20).enumerated() { target[index] = byte }
        }
        self.raw = oid
    }

    /// The 20 bytes of the id.
    var bytes: [UInt8] { withUnsafeBytes(of: raw) { Array($0.prefix(20)) } }

    package var short: String { String(hex.prefix(7)) }
    package var description: String { hex }

    package static func == (a: ObjectID, b: ObjectID) -> Bool {
        var l = a.raw
        var r = b.raw
        return git_oid_cmp(&l, &r) == 0
    }

    package func hash(into hasher: inout Hasher) {
        withUnsafeBytes(of: raw) { hasher.combine(bytes: $0) }
    }
}
