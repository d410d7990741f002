/// The dynamic file (`/etc/nixos/dynamic.nix`): its bytes, and the entries they hold.
package struct DynamicFile: Equatable, Sendable {
    package let bytes: [UInt8]
    package let entries: [Entry]
    private let closingBracket: Int

    package static let header = """
        # Managed by dynix. Append with `dynix append`; later entries win.
        # History: `dynix log`. Hand edits: record them with `dynix adopt`.

        """

    /// Parses the file; a file that is not dynix's data format throws `DynixError.fileUnparsable` with line and column.
    package init(bytes: [UInt8]) throws {
        var parser = DynamicFileParser(bytes)
        let result = try parser.parseFile()
        self.bytes = bytes
        self.entries = result.entries
        self.closingBracket = result.closingBracket
    }

    package init(text: String) throws { try self.init(bytes: Array(text.utf8)) }

    /// Parses bytes read from `source` (a path, or a commit); a refusal names it as `source:line:column`.
    package init(bytes: [UInt8], source: String, note: String? = nil) throws {
        do {
            try self.init(bytes: bytes)
        } catch DynixError.fileUnparsable(nil, let line, let column, let why) {
            throw DynixError.fileUnparsable(path: source, line: line, column: column, note.map { "\(why) (\($0))" } ?? why)
        }
    }

    /// A whole file holding `entries`, one per line.
    package static func rendering(_ entries: [Entry]) -> DynamicFile {
        var text = header + "[\n"
        for entry in entries { text += "  " + NixSyntax.renderEntry(entry) + "\n" }
        text += "]\n"
        // Our own rendering always parses; a failure here is a bug worth crashing on in tests.
        return try! DynamicFile(text: text)
    }

    package var text: String { String(decoding: bytes, as: UTF8.self) }

    package var effective: EffectiveValues { EffectiveValues(entries: entries) }

    /// The append without parsing, for the common case: the last non-blank line of a file known to parse
    /// is a lone `]`. That `]` can only be the list's end (a comment or string holding it would have to close
    /// after it), so the new line goes right before it. Nil when the file does not end that way.
    package static func appendingLine(_ entry: Entry, to bytes: [UInt8]) -> [UInt8]? {
        var end = bytes.count
        while end > 0, [32, 9, 10, 13].contains(bytes[end - 1]) { end -= 1 }
        guard end > 0, bytes[end - 1] == UInt8(ascii: "]") else { return nil }
        var lineStart = end - 1
        while lineStart > 0, bytes[lineStart - 1] == 32 || bytes[lineStart - 1] == 9 { lineStart -= 1 }
        guard lineStart == 0 || bytes[lineStart - 1] == 10 else { return nil }
        // Built in one buffer: `insert` on a copy of a megabyte copies it twice.
        let line = Array(("  " + NixSyntax.renderEntry(entry) + "\n").utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + line.count)
        out += bytes[..<lineStart]
        out += line
        out += bytes[lineStart...]
        return out
    }

    /// The file with `entry` added as a new line before the closing `]`: as a diff, a pure addition.
    package func appending(_ entry: Entry) -> DynamicFile {
        let line = Array(("  " + NixSyntax.renderEntry(entry) + "\n").utf8)
        var lineStart = closingBracket
        while lineStart > 0, bytes[lineStart - 1] == 32 || bytes[lineStart - 1] == 9 { lineStart -= 1 }
        var out = bytes
        if lineStart == 0 || bytes[lineStart - 1] == 10 {
            out.insert(contentsOf: line, at: lineStart)
        } else {
            // `]` shares its line with other text (`[ ]`, or a hand edit): give the entry a line of its own.
            out.insert(contentsOf: [10] + line, at: closingBracket)
        }
        return try! DynamicFile(bytes: out)
    }
}
