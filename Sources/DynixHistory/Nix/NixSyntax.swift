/// Rendering of values and names as Nix source; the only code that writes Nix text.
package enum NixSyntax {
    static let keywords: Set<String> = ["if", "then", "else", "assert", "with", "let", "in", "rec", "inherit", "or"]

    /// Names that need no quotes: a Nix identifier that is not a keyword.
    package static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, !keywords.contains(name) else { return false }
        guard first == "_" || ("a"..."z").contains(first) || ("A"..."Z").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { c in
            c == "_" || c == "-" || c == "'" || ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c)
        }
    }

    package static func attributeName(_ name: String) -> String {
        isIdentifier(name) ? name : stringLiteral(name)
    }

    /// A double-quoted string: every character that Nix would interpret is escaped, so the literal is exactly `text`.
    package static func stringLiteral(_ text: String) -> String {
        var out = "\""
        for c in text.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "$": out += "\\$"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default: out.unicodeScalars.append(c)
            }
        }
        return out + "\""
    }

    package static func render(_ value: NixValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i):
            // Nix has no negative literals: `-5` is unary minus, fine; Int64.min has no positive twin.
            if i == Int64.min { return "(-9223372036854775807 - 1)" }
            return i < 0 ? "(\(i))" : String(i)
        case .float(let d): return renderFloat(d)
        case .string(let s): return stringLiteral(s)
        case .list(let items):
            if items.isEmpty { return "[ ]" }
            return "[ " + items.map(render).joined(separator: " ") + " ]"
        case .attrs(let set):
            if set.isEmpty { return "{ }" }
            return "{ " + set.keys.sorted().map { "\(attributeName($0)) = \(render(set[$0]!)); " }.joined() + "}"
        }
    }

    static func renderFloat(_ d: Double) -> String {
        var text = "\(d)"
        // Swift prints 1e+20 style; Nix reads `1e+20`? Not before 2.x: keep a plain decimal form Nix's lexer accepts.
        if text.contains("e") {
            let parts = text.split(separator: "e")
            let exponent = parts[1].hasPrefix("+") ? String(parts[1].dropFirst()) : String(parts[1])
            text = parts[0].contains(".") ? "\(parts[0])e\(exponent)" : "\(parts[0]).0e\(exponent)"
        }
        if !text.contains(".") && !text.contains("e") { text += ".0" }
        return text.hasPrefix("-") ? "(\(text))" : text
    }

    /// One entry of the dynamic file: `{ a.b."c d" = value; }`.
    package static func renderEntry(_ entry: Entry) -> String {
        "{ \(entry.path) = \(render(entry.value)); }"
    }
}
