/// JSON in and out, over `NixValue` (JSON's data model is Nix's minus functions).
/// Own code rather than Foundation's, so the CLI need not load full Foundation.
package enum JSON {
    package struct SyntaxError: Error, Equatable {
        package let offset: Int
        package let reason: String
    }

    /// Arrays and objects nested deeper than the reader goes: it stops there rather than recurse on.
    package struct TooDeep: Error, Equatable {
        package let limit: Int
    }

    /// `maxDepth` bounds the recursion: no document reaches a stack overflow.
    package static func parse(_ text: String, maxDepth: Int = 512) throws -> NixValue {
        var reader = Reader(bytes: Array(text.utf8), maxDepth: maxDepth)
        reader.skipSpace()
        let value = try reader.value()
        reader.skipSpace()
        guard reader.index == reader.bytes.count else { throw reader.fail("unexpected text after the value") }
        return value
    }

    /// Compact JSON with sorted keys; `pretty` indents by two spaces.
    package static func serialize(_ value: NixValue, pretty: Bool = false) -> String {
        var out = ""
        write(value, into: &out, pretty: pretty, indent: "")
        return out
    }

    private static func write(_ value: NixValue, into out: inout String, pretty: Bool, indent: String) {
        let inner = indent + "  "
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .float(let d): out += d.isFinite ? "\(d)" : "null"
        case .string(let s): out += quote(s)
        case .list(let items):
            if items.isEmpty {
                out += "[]"
                return
            }
            out += "["
            for (n, item) in items.enumerated() {
                if n > 0 { out += "," }
                if pretty { out += "\n" + inner }
                write(item, into: &out, pretty: pretty, indent: inner)
            }
            out += pretty ? "\n" + indent + "]" : "]"
        case .attrs(let set):
            if set.isEmpty {
                out += "{}"
                return
            }
            out += "{"
            for (n, key) in set.keys.sorted().enumerated() {
                if n > 0 { out += "," }
                if pretty { out += "\n" + inner }
                out += quote(key) + (pretty ? ": " : ":")
                write(set[key]!, into: &out, pretty: pretty, indent: inner)
            }
            out += pretty ? "\n" + indent + "}" : "}"
        }
    }

    package static func quote(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if c.value < 0x20 {
                    let hex = String(c.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(c)
                }
            }
        }
        return out + "\""
    }

    private struct Reader {
        let bytes: [UInt8]
        let maxDepth: Int
        var index = 0
        var depth = 0

        func fail(_ reason: String) -> SyntaxError { SyntaxError(offset: index, reason: reason) }

        mutating func skipSpace() {
            while index < bytes.count, [32, 9, 10, 13].contains(bytes[index]) { index += 1 }
        }

        mutating func literal(_ word: String, _ value: NixValue) throws -> NixValue {
            let w = Array(word.utf8)
            guard index + w.count <= bytes.count, Array(bytes[index..<index + w.count]) == w else { throw fail("unexpected character") }
            index += w.count
            return value
        }

        mutating func value() throws -> NixValue {
            guard index < bytes.count else { throw fail("unexpected end") }
            switch bytes[index] {
            case UInt8(ascii: "n"): return try literal("null", .null)
            case UInt8(ascii: "t"): return try literal("true", .bool(true))
            case UInt8(ascii: "f"): return try literal("false", .bool(false))
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "["):
                index += 1
                depth += 1
                defer { depth -= 1 }
                if depth > maxDepth { throw TooDeep(limit: maxDepth) }
                var items: [NixValue] = []
                skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                    index += 1
                    return .list(items)
                }
                while true {
                    skipSpace()
                    items.append(try value())
                    skipSpace()
                    guard index < bytes.count else { throw fail("unclosed array") }
                    if bytes[index] == UInt8(ascii: "]") {
                        index += 1
                        return .list(items)
                    }
                    guard bytes[index] == UInt8(ascii: ",") else { throw fail("expected `,` or `]`") }
                    index += 1
                }
            case UInt8(ascii: "{"):
                index += 1
                depth += 1
                defer { depth -= 1 }
                if depth > maxDepth { throw TooDeep(limit: maxDepth) }
                var set: [String: NixValue] = [:]
                skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                    index += 1
                    return .attrs(set)
                }
                while true {
                    skipSpace()
                    guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw fail("expected a key") }
                    let key = try string()
                    skipSpace()
                    guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail("expected `:`") }
                    index += 1
                    skipSpace()
                    set[key] = try value()
                    skipSpace()
                    guard index < bytes.count else { throw fail("unclosed object") }
                    if bytes[index] == UInt8(ascii: "}") {
                        index += 1
                        return .attrs(set)
                    }
                    guard bytes[index] == UInt8(ascii: ",") else { throw fail("expected `,` or `}`") }
                    index += 1
                }
            default: return try number()
            }
        }

        mutating func number() throws -> NixValue {
            let start = index
            var isFloat = false
            while index < bytes.count {
                let c = bytes[index]
                if c == UInt8(ascii: ".") || c == UInt8(ascii: "e") || c == UInt8(ascii: "E") { isFloat = true }
                guard
                    (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c) || c == UInt8(ascii: "-") || c == UInt8(ascii: "+") || c == UInt8(ascii: ".")
                        || c == UInt8(ascii: "e") || c == UInt8(ascii: "E")
                else { break }
                index += 1
            }
            let text = String(decoding: bytes[start..<index], as: UTF8.self)
            if !isFloat, let i = Int64(text) { return .int(i) }
            if let d = Double(text), !text.isEmpty { return .float(d) }
            index = start
            throw fail("not a JSON value")
        }

        mutating func string() throws -> String {
            index += 1
            var out: [UInt8] = []
            while index < bytes.count {
                let c = bytes[index]
                index += 1
                if c == UInt8(ascii: "\"") { return String(decoding: out, as: UTF8.self) }
                guard c == UInt8(ascii: "\\") else {
                    out.append(c)
                    continue
                }
                guard index < bytes.count else { break }
                let e = bytes[index]
                index += 1
                switch e {
                case UInt8(ascii: "n"): out.append(10)
                case UInt8(ascii: "r"): out.append(13)
                case UInt8(ascii: "t"): out.append(9)
                case UInt8(ascii: "b"): out.append(8)
                case UInt8(ascii: "f"): out.append(12)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                            throw fail("unpaired surrogate")
                        }
                        index += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw fail("unpaired surrogate") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let u = UnicodeScalar(scalar) else { throw fail("invalid \\u escape") }
                    out += Array(String(Character(u)).utf8)
                default: out.append(e)
                }
            }
            throw fail("unclosed string")
        }

        mutating func hex4() throws -> UInt32 {
            guard index + 4 <= bytes.count, let v = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16) else {
                throw fail("invalid \\u escape")
            }
            index += 4
            return v
        }
    }
}
