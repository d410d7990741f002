/// Reads the data subset of Nix that the dynamic file uses: a list of attribute sets of literals.
/// Anything else (functions, `let`, interpolation, paths) is refused with its line and column.
struct DynamicFileParser {
    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    private var column = 1
    /// How deep the value being read nests (lists, sets, and the names of a path inside a set): bounded by
    /// `Limits.valueDepth`, so neither this parser nor the fold recurses further, whatever the file holds.
    private var depth = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    struct Result {
        var entries: [Entry]
        /// Byte offset of the `]` closing the top-level list: appends go in front of it.
        var closingBracket: Int
    }

    mutating func parseFile() throws -> Result {
        try skipTrivia()
        try expect(UInt8(ascii: "["), "the dynamic file must be a list `[ … ]`")
        var entries: [Entry] = []
        while true {
            try skipTrivia()
            guard let c = peek() else { throw error("the list is not closed with `]`") }
            if c == UInt8(ascii: "]") { break }
            guard c == UInt8(ascii: "{") else { throw error("each element of the list must be an attribute set `{ … }`") }
            entries += try parseBindings()
        }
        let closing = index
        advance()
        try skipTrivia()
        if peek() != nil { throw error("unexpected text after the closing `]`") }
        return Result(entries: entries, closingBracket: closing)
    }

    // MARK: values

    /// Parses `{ path = value; … }`, keeping each binding as an entry and refusing what Nix would call a duplicate.
    private mutating func parseBindings() throws -> [Entry] {
        try expect(UInt8(ascii: "{"), "expected `{`")
        var entries: [Entry] = []
        var seen = DefinedPaths()
        while true {
            try skipTrivia()
            guard let c = peek() else { throw error("the attribute set is not closed with `}`") }
            if c == UInt8(ascii: "}") {
                advance()
                return entries
            }
            let (startLine, startColumn) = (line, column)
            let path = try parseAttributePath()
            try skipTrivia()
            try expect(UInt8(ascii: "="), "expected `=` after `\(path)`")
            // Inside a value, `a.b.c = …` nests as deep as `a = { b = { c = …; }; }`.
            let nested = depth > 0 ? path.components.count - 1 : 0
            try enter(nested)
            let value = try parseValue()
            depth -= nested
            try skipTrivia()
            try expect(UInt8(ascii: ";"), "expected `;` after the value of `\(path)`")
            if !seen.define(path.components, value) {
                throw DynixError.fileUnparsable(path: nil, line: startLine, column: startColumn, "attribute `\(path)` is already defined")
            }
            entries.append(Entry(path: path, value: value))
        }
    }

    private mutating func parseAttributePath() throws -> OptionPath {
        var names: [String] = []
        while true {
            try skipTrivia()
            if peek() == UInt8(ascii: "\"") {
                names.append(try parseString())
            } else {
                let name = readIdentifier()
                guard !name.isEmpty else { throw error("expected an attribute name") }
                guard NixSyntax.isIdentifier(name) else { throw error("`\(name)` is not an attribute name") }
                names.append(name)
            }
            if names.count > Limits.pathComponents {
                throw error("the attribute path has more than \(Limits.pathComponents) names; dynix takes at most \(Limits.pathComponents)")
            }
            try skipTrivia()
            guard peek() == UInt8(ascii: ".") else { return OptionPath(names) }
            advance()
        }
    }

    private mutating func parseValue(inList: Bool = false) throws -> NixValue {
        try skipTrivia()
        guard let c = peek() else { throw error("expected a value") }
        switch c {
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "["):
            advance()
            try enter()
            defer { depth -= 1 }
            var items: [NixValue] = []
            while true {
                try skipTrivia()
                if peek() == UInt8(ascii: "]") {
                    advance()
                    return .list(items)
                }
                if peek() == nil { throw error("the list is not closed with `]`") }
                items.append(try parseValue(inList: true))
            }
        case UInt8(ascii: "{"):
            try enter()
            defer { depth -= 1 }
            return .attrs(EffectiveValues(entries: try parseBindings()).tree)
        case UInt8(ascii: "("):
            advance()
            try enter()
            defer { depth -= 1 }
            var inner = try parseValue()
            try skipTrivia()
            // The one arithmetic dynix writes: `(-9223372036854775807 - 1)`, since Nix has no literal for Int64.min.
            if peek() == UInt8(ascii: "-"), case .int(let left) = inner {
                advance()
                try skipTrivia()
                guard case .int(let right) = try parseNumber() else { throw error("only integers may be subtracted") }
                let (difference, overflow) = left.subtractingReportingOverflow(right)
                if overflow { throw error("the integer is out of range") }
                inner = .int(difference)
                try skipTrivia()
            }
            try expect(UInt8(ascii: ")"), "expected `)`")
            return inner
        case UInt8(ascii: "-"):
            // `[ 1 -2 ]` is a subtraction to Nix, not two elements: inside a list a negative number needs parentheses.
            if inList { throw error("a negative number in a list needs parentheses: (-2)") }
            advance()
            try enter()
            defer { depth -= 1 }
            try skipTrivia()
            switch try parseValue() {
            case .int(let i): return .int(0 &- i)
            case .float(let d): return .float(-d)
            default: throw error("`-` must be followed by a number")
            }
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default:
            let (startLine, startColumn) = (line, column)
            let word = readIdentifier()
            switch word {
            case "true": return .bool(true)
            case "false": return .bool(false)
            case "null": return .null
            case "": throw error("expected a value, found `\(String(decoding: [c], as: UTF8.self))`")
            default:
                throw DynixError.fileUnparsable(path: nil, line: startLine, column: startColumn, "`\(word)` is not a literal; dynix files hold data only")
            }
        }
    }

    /// Numbers exactly as Nix's lexer reads them: INT `[0-9]+`, FLOAT
    /// `(([1-9][0-9]*\.[0-9]*)|(0?\.[0-9]+))([Ee][+-]?[0-9]+)?`. Anything that would lex differently
    /// (`1e5` is `1` applied to `e5`, `00.5` is `00` applied to `.5`) is refused rather than guessed.
    private mutating func parseNumber() throws -> NixValue {
        let (startLine, startColumn) = (line, column)
        func digits() -> String {
            var out = ""
            while let c = peek(), (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c) {
                out.append(Character(UnicodeScalar(c)))
                advance()
            }
            return out
        }
        func refuse(_ text: String) -> DynixError {
            .fileUnparsable(path: nil, line: startLine, column: startColumn, "`\(text)` is not a number Nix reads the same way")
        }
        var text = digits()
        var isFloat = false
        if peek() == UInt8(ascii: "."), text == "0" || text.first != "0" {
            advance()
            let fraction = digits()
            if text == "0" && fraction.isEmpty { throw refuse(text + ".") }
            text += "." + fraction
            isFloat = true
            if let e = peek(), e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
                advance()
                var exponent = ""
                if let sign = peek(), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                    exponent.append(Character(UnicodeScalar(sign)))
                    advance()
                }
                let exponentDigits = digits()
                if exponentDigits.isEmpty { throw refuse(text + "e" + exponent) }
                text += "e" + exponent + exponentDigits
            }
        }
        if let next = peek(),
            next == UInt8(ascii: ".") || next == UInt8(ascii: "_") || next == UInt8(ascii: "'")
                || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(next) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(next)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(next)
        {
            throw refuse(text + String(decoding: [next], as: UTF8.self) + "…")
        }
        if isFloat {
            // Nix refuses literals strtod cannot hold exactly in range ("invalid float").
            // A literal whose digits are not all zero but that rounds to 0 underflowed: Nix refuses it too.
            let allZero = text.prefix { $0 != "e" && $0 != "E" }.allSatisfy { $0 == "0" || $0 == "." }
            guard let d = Double(text), d.isFinite, (d == 0 && allZero) || abs(d) >= Double.leastNormalMagnitude else {
                throw DynixError.fileUnparsable(path: nil, line: startLine, column: startColumn, "`\(text)` is not a float Nix can hold")
            }
            return .float(d)
        }
        // Nix reads the positive literal before negating: -9223372036854775808 is out of range there too.
        guard let i = Int64(text) else {
            throw DynixError.fileUnparsable(path: nil, line: startLine, column: startColumn, "`\(text)` is not a number Nix can hold")
        }
        return .int(i)
    }

    private mutating func parseString() throws -> String {
        let (startLine, startColumn) = (line, column)
        advance()  // opening quote
        var out: [UInt8] = []
        while let c = peek() {
            advance()
            switch c {
            case UInt8(ascii: "\""):
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard let e = peek() else { break }
                advance()
                switch e {
                case UInt8(ascii: "n"): out.append(10)
                case UInt8(ascii: "r"): out.append(13)
                case UInt8(ascii: "t"): out.append(9)
                default: out.append(e)
                }
            case 13:
                // Nix reads CR and CRLF inside a string as LF.
                if peek() == 10 { advance() }
                out.append(10)
            case UInt8(ascii: "$") where peek() == UInt8(ascii: "{"):
                throw DynixError.fileUnparsable(path: nil, line: line, column: column - 1, "string interpolation `${…}` is code, not data")
            default:
                out.append(c)
            }
        }
        throw DynixError.fileUnparsable(path: nil, line: startLine, column: startColumn, "the string is not closed")
    }

    // MARK: lexing

    private func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func advance() {
        guard index < bytes.count else { return }
        if bytes[index] == 10 {
            line += 1
            column = 1
        } else if bytes[index] & 0xC0 != 0x80 {
            column += 1  // count characters, not UTF-8 continuation bytes
        }
        index += 1
    }

    /// The message is built only on failure: two of them name the attribute path, and formatting it
    /// for every binding was a fifth of the parse of a long file.
    private mutating func expect(_ byte: UInt8, _ message: @autoclosure () -> String) throws {
        guard peek() == byte else { throw error(message()) }
        advance()
    }

    private mutating func readIdentifier() -> String {
        let start = index
        while let c = peek(),
            c == UInt8(ascii: "_") || c == UInt8(ascii: "-") || c == UInt8(ascii: "'")
                || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(c) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(c)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c)
        {
            advance()
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    private mutating func skipTrivia() throws {
        while let c = peek() {
            if c == 32 || c == 9 || c == 10 || c == 13 {
                advance()
            } else if c == UInt8(ascii: "#") {
                // Nix ends a line comment at CR as well as LF; anything after a CR is code again.
                while let d = peek(), d != 10, d != 13 { advance() }
            } else if c == UInt8(ascii: "/"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "*") {
                let (startLine, startColumn) = (line, column)
                advance()
                advance()
                var closed = false
                while peek() != nil {
                    if peek() == UInt8(ascii: "*"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "/") {
                        advance()
                        advance()
                        closed = true
                        break
                    }
                    advance()
                }
                if !closed { throw DynixError.fileUnparsable(path: nil, line: startLine, column: startColumn, "the comment `/*` is not closed") }
            } else {
                return
            }
        }
    }

    private func error(_ message: String) -> DynixError {
        .fileUnparsable(path: nil, line: line, column: column, message)
    }

    /// One level deeper (or `levels`), refused past `Limits.valueDepth`; the caller steps back out with `defer`.
    private mutating func enter(_ levels: Int = 1) throws {
        depth += levels
        if depth > Limits.valueDepth {
            throw error("the value nests more than \(Limits.valueDepth) levels deep; dynix takes at most \(Limits.valueDepth)")
        }
    }
}

/// Tracks the attribute paths one attribute set defines, to refuse what Nix refuses:
/// the same name twice, unless both definitions are attribute sets (which Nix merges).
private struct DefinedPaths {
    private indirect enum Node {
        case leaf
        case set([String: Node])
    }
    private var root: [String: Node] = [:]

    mutating func define(_ path: [String], _ value: NixValue) -> Bool {
        let node = DefinedPaths.node(for: value)
        return DefinedPaths.insert(path[...], node, into: &root)
    }

    private static func node(for value: NixValue) -> Node {
        if case .attrs(let set) = value { return .set(set.mapValues(node(for:))) }
        return .leaf
    }

    private static func insert(_ path: ArraySlice<String>, _ node: Node, into set: inout [String: Node]) -> Bool {
        let name = path.first!
        if path.count == 1 {
            guard let existing = set[name] else {
                set[name] = node
                return true
            }
            // Nix merges a set literal into an existing set one level deep only: a name both define is an error.
            guard case .set(var inner) = existing, case .set(let incoming) = node else { return false }
            for (key, child) in incoming {
                if inner[key] != nil { return false }
                inner[key] = child
            }
            set[name] = .set(inner)
            return true
        }
        var inner: [String: Node] = [:]
        if let existing = set[name] {
            guard case .set(let existingInner) = existing else { return false }
            inner = existingInner
        }
        let ok = insert(path.dropFirst(), node, into: &inner)
        set[name] = .set(inner)
        return ok
    }
}
