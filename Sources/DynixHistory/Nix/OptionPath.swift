/// An attribute path such as `services.nginx.virtualHosts."example.com".root`, one component per name.
package struct OptionPath: Hashable, Comparable, CustomStringConvertible, Sendable {
    package let components: [String]

    package init(_ components: [String]) { self.components = components }

    /// Parses the Nix syntax typed on the command line: identifiers, and double-quoted names with escapes.
    package init(parsing text: String) throws {
        var components: [String] = []
        var chars = Array(text.unicodeScalars)[...]
        func fail(_ why: String) -> DynixError {
            .invalidOptionPath(text, why)
        }
        if chars.isEmpty { throw fail("it is empty") }
        while true {
            guard let first = chars.first else { throw fail("it ends with a dot") }
            if first == "\"" {
                chars.removeFirst()
                var name = String.UnicodeScalarView()
                var closed = false
                while let c = chars.popFirst() {
                    if c == "\"" {
                        closed = true
                        break
                    }
                    if c == "\\" {
                        guard let e = chars.popFirst() else { break }
                        switch e {
                        case "n": name.append("\n")
                        case "r": name.append("\r")
                        case "t": name.append("\t")
                        default: name.append(e)
                        }
                    } else if c == "$", chars.first == "{" {
                        throw fail("a quoted name may not contain `${`; write `\\${`")
                    } else {
                        name.append(c)
                    }
                }
                if !closed { throw fail("a quoted name is not closed") }
                components.append(String(name))
            } else {
                var name = String.UnicodeScalarView()
                while let c = chars.first, c != "." {
                    name.append(c)
                    chars.removeFirst()
                }
                let identifier = String(name)
                guard NixSyntax.isIdentifier(identifier) else {
                    throw fail("`\(identifier)` is not a Nix identifier; quote it: \"\(identifier)\"")
                }
                components.append(identifier)
            }
            if chars.isEmpty { break }
            guard chars.popFirst() == "." else { throw fail("expected `.` after a quoted name") }
        }
        self.components = components
    }

    package var description: String { components.map(NixSyntax.attributeName).joined(separator: ".") }

    package func hasPrefix(_ other: OptionPath) -> Bool {
        components.count >= other.components.count && Array(components.prefix(other.components.count)) == other.components
    }

    package static func < (a: OptionPath, b: OptionPath) -> Bool { a.description < b.description }
}
