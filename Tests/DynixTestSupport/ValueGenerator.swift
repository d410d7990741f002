import DynixHistory

/// A seeded generator of hostile values and attribute paths (quotes, backslashes, `${`, `''`, newlines,
/// control characters, unicode, empty and long strings, nesting), reproducible from its seed.
package struct ValueGenerator {
    private var state: UInt64

    package init(seed: UInt64) { state = seed }

    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    package mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }

    static let fragments: [String] = [
        "\"", "\\", "${", "${x}", "''", "'''", "''${", "\\${", "$", "$$", "\n", "\r", "\t", "\r\n", "\u{1}", "\u{1B}[31m", "\u{7F}",
        "é", "ß", "→", "日本", "🙂", "\u{200B}", "\u{FEFF}", " ", "#", "/*", "*/", ";", "=", "{", "}", "[", "]", "(", ")", ".", "rec", "let",
        "in", "import", "builtins.abort \"x\"", "a", "Z", "0", "-", "_", "'", "`", "~", "/nix/store", "./path", "<nixpkgs>", "http://x",
    ]

    package mutating func string(maxFragments: Int = 8) -> String {
        switch below(12) {
        case 0: return ""
        case 1: return String(repeating: "x", count: 1000 + below(4000))  // long strings
        default:
            var s = ""
            for _ in 0..<(1 + below(maxFragments)) {
                if below(3) == 0 {
                    s.unicodeScalars.append(UnicodeScalar(UInt8(1 + below(126))))
                } else {
                    s += ValueGenerator.fragments[below(ValueGenerator.fragments.count)]
                }
            }
            return s
        }
    }

    package mutating func name() -> String {
        switch below(4) {
        case 0: return ["workers", "max_connection_rate", "application-name", "a", "_x", "x'", "if", "or", "true", "null"][below(10)]
        default:
            let s = string(maxFragments: 4)
            return s.isEmpty ? "e" : s
        }
    }

    package mutating func path() -> OptionPath {
        var names = ["services"]
        for _ in 0..<(1 + below(4)) { names.append(name()) }
        return OptionPath(names)
    }

    package mutating func float() -> Double {
        let values: [Double] = [0.5, 1.25, -2.5, 0.1, 1e20, 1.5e-7, 3.0, -0.0625, 1.0 / 3.0, 1e300, 2.2250738585072014e-308, -0.0]
        return below(2) == 0 ? values[below(values.count)] : Double(Int(below(2_000_000)) - 1_000_000) / 997.0
    }

    package mutating func value(depth: Int = 0) -> NixValue {
        let leafOnly = depth >= 3
        switch below(leafOnly ? 6 : 8) {
        case 0: return .null
        case 1: return .bool(below(2) == 0)
        case 2:
            let choices: [Int64] = [0, 1, -1, 42, Int64.max, Int64.min, Int64.min + 1, -9_000_000_000, Int64(below(100_000))]
            return .int(choices[below(choices.count)])
        case 3: return .float(float())
        case 4, 5: return .string(string())
        case 6: return .list((0..<below(4)).map { _ in value(depth: depth + 1) })
        default:
            var set: [String: NixValue] = [:]
            for _ in 0..<below(4) { set[name()] = value(depth: depth + 1) }
            return .attrs(set)
        }
    }
}
