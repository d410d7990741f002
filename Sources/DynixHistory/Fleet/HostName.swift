/// A host's name in a fleet: its git namespace (`refs/namespaces/NAME/`), its principal in the allowed-signers file,
/// and a word of its forced command in `authorized_keys`. Each of those reads some characters as syntax (`/` in a
/// ref, `*`, `?`, `,` and `!` in a principal, spaces and quotes in a command), so only letters, digits, `.`, `_`
/// and `-` are taken, beginning with a letter or digit.
package struct HostName: Hashable, Comparable, Sendable, CustomStringConvertible {
    package let text: String

    package static let maximumLength = 63

    package init(_ text: String) throws {
        guard let reason = HostName.problem(text) else {
            self.text = text
            return
        }
        throw DynixError.fleet(.invalidHostName(text, reason: reason))
    }

    /// Why `text` is not a host name, or nil when it is one.
    static func problem(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        guard let first = bytes.first else { return "it is empty" }
        if bytes.count > maximumLength { return "it is longer than \(maximumLength) characters" }
        func isAlphanumeric(_ b: UInt8) -> Bool { (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) }
        guard isAlphanumeric(first) else { return "it must begin with a letter or a digit" }
        if let bad = bytes.first(where: { !isAlphanumeric($0) && $0 != 0x2e && $0 != 0x5f && $0 != 0x2d }) {
            let shown = bad == 0x20 ? "a space" : bad < 0x20 || bad >= 0x7f ? "a control or non-ASCII byte" : "'\(Character(Unicode.Scalar(bad)))'"
            return "it holds \(shown); only letters, digits, '.', '_' and '-' are allowed"
        }
        if text.contains("..") { return "it holds '..'" }
        if text.hasSuffix(".") || text.hasSuffix(".lock") { return "git refuses a ref name component ending in '.' or '.lock'" }
        return nil
    }

    /// Where this host's refs live in the central repository.
    package var refPrefix: String { "refs/namespaces/\(text)/" }
    /// Where the central repository keeps the receipts of this host's pushes (outside every namespace).
    package var receiptsRef: String { "refs/receipts/\(text)" }

    package var description: String { text }
    package static func < (a: HostName, b: HostName) -> Bool { a.text < b.text }
}
