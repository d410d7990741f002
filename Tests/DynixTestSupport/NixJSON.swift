import DynixHistory
import Foundation

/// Comparing what real Nix evaluated with what dynix meant to write.
package enum NixJSON {
    package static func decode(_ text: String) -> NixValue? { try? JSON.parse(text) }

    /// Whether Nix's `--json` output is `expected`; numbers compare by value, since Nix 2.8 prints 3.0 as `3`
    /// and floats with six significant digits (the exact check is `nixEqualityFailures`).
    package static func matches(_ actual: NixValue?, _ expected: NixValue) -> Bool {
        guard let actual else { return false }
        switch (actual, expected) {
        case (.int(let a), .int(let b)): return a == b
        case (.int(let a), .float(let b)): return Double(a) == b
        case (.float(let a), .float(let b)): return a == b || abs(a - b) <= abs(b) * 1e-5
        case (.list(let a), .list(let b)): return a.count == b.count && zip(a, b).allSatisfy { matches($0, $1) }
        case (.attrs(let a), .attrs(let b)): return a.count == b.count && b.allSatisfy { key, value in matches(a[key], value) }
        default: return actual == expected
        }
    }

    /// Indices of the elements of the Nix list in `file` that are not `==` (in Nix itself) to `expected`,
    /// which reaches Nix through `builtins.fromJSON`; [-1] when the lengths differ.
    package static func nixEqualityFailures(file: String, expected: [NixValue], scratch: TempRoot) -> [Int] {
        let expectedFile = scratch.file("expected-\(UUID().uuidString).json")
        try! JSON.serialize(.list(expected)).write(toFile: expectedFile, atomically: false, encoding: .utf8)
        let expression = """
            let actual = import \(file); expected = builtins.fromJSON (builtins.readFile \(expectedFile));
            in if builtins.length actual != builtins.length expected then [ (-1) ]
            else builtins.filter (i: i >= 0) (builtins.genList (i: if builtins.elemAt actual i == builtins.elemAt expected i then -1 else i) (builtins.length actual))
            """
        let result = Run.nixEval(expression)
        guard result.status == 0, case .list(let items)? = decode(result.stdout) else { return [-2] }
        return items.compactMap { if case .int(let i) = $0 { return Int(i) } else { return nil } }
    }
}
