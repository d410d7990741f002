/// How a command-line VALUE argument becomes a Nix value.
package enum ValueReading: Sendable {
    /// As the manifest's type when there is one; else `true`/`false`, integers and `null` as such, the rest a string.
    case inferred
    case json
    case string
}

/// Names the module system gives meaning to: an entry starting with one would be code, not data.
package let reservedTopLevelNames: Set<String> = [
    "imports", "options", "config", "disabledModules", "_module", "_file", "_class", "key", "meta", "freeformType",
]

extension NixValue {
    /// Throws when the value has no exact Nix literal: NUL in a string (Nix would cut it there), NaN or infinity.
    package func checkRepresentable() throws {
        switch self {
        case .string(let s):
            if s.utf8.contains(0) { throw DynixError.unrepresentableValue("the string contains a NUL character") }
        case .float(let d):
            if !d.isFinite { throw DynixError.unrepresentableValue("\(d) is not a finite number") }
            // Nix's lexer rejects subnormal literals ("invalid float"): such a value would break the file.
            if d != 0 && abs(d) < Double.leastNormalMagnitude { throw DynixError.unrepresentableValue("\(d) is too small for Nix") }
        case .list(let items): for item in items { try item.checkRepresentable() }
        case .attrs(let set):
            for (name, value) in set {
                if name.utf8.contains(0) { throw DynixError.unrepresentableValue("an attribute name contains a NUL character") }
                try value.checkRepresentable()
            }
        default: break
        }
    }
}

extension Entry {
    /// Turns the command line's OPTION and VALUE into a checked entry, or refuses with the reason.
    package static func from(option: String, value: String, reading: ValueReading, manifest: Manifest?) throws -> Entry {
        let path = try OptionPath(parsing: option)
        try Limits.check(path)
        try checkName(path)
        // The declared type when the path is a declared option; nil without a manifest or inside an `attrs` option.
        let declaredType = try declaredOption(path, manifest: manifest).flatMap { $0.path == path ? $0.type : nil }
        let parsed: NixValue
        switch reading {
        case .string:
            parsed = .string(value)
        case .json:
            let v: NixValue
            do {
                v = try JSON.parse(value, maxDepth: Limits.valueDepth)
            } catch is JSON.TooDeep {
                throw DynixError.limitExceeded(.valueDepth)
            } catch {
                throw DynixError.invalidValue(option: path.description, value: value, expected: "JSON")
            }
            parsed = declaredType?.coerce(v) ?? v
        case .inferred:
            // Digits that do not fit: Nix integers are 64-bit, and turning them into a string would surprise.
            if looksLikeInteger(value), Int64(value) == nil, declaredType?.accepts(.string(value)) != true {
                throw DynixError.invalidValue(
                    option: path.description, value: value, expected: "an integer from \(Int64.min) to \(Int64.max) (Nix integers are 64-bit)")
            }
            if let declaredType {
                guard let v = declaredType.read(argument: value) else {
                    throw DynixError.invalidValue(option: path.description, value: value, expected: declaredType.description)
                }
                parsed = v
            } else {
                parsed = inferValue(value)
            }
        }
        if let declaredType, !declaredType.accepts(parsed) {
            throw DynixError.invalidValue(option: path.description, value: value, expected: declaredType.description)
        }
        let entry = Entry(path: path, value: parsed)
        try entry.check(against: manifest)
        return entry
    }

    /// The checks every entry that reaches the file passes, whoever wrote it (append, adopt, import):
    /// no name of the module system's own, nothing Nix cannot hold, and, with a manifest, a declared
    /// option and a value of its type.
    package func check(against manifest: Manifest?) throws {
        try Limits.check(path)
        try Limits.check(value)
        try Entry.checkName(path)
        try value.checkRepresentable()
        if let declared = try Entry.declaredOption(path, manifest: manifest), declared.path == path, !declared.type.accepts(value) {
            throw DynixError.invalidValue(option: path.description, value: NixSyntax.render(value), expected: declared.type.description)
        }
    }

    /// Refuses a first component the module system gives meaning to, and NUL in a name.
    static func checkName(_ path: OptionPath) throws {
        if let first = path.components.first, reservedTopLevelNames.contains(first) {
            throw DynixError.reservedOptionName(first)
        }
        if path.components.contains(where: { $0.utf8.contains(0) }) {
            throw DynixError.unrepresentableValue("an attribute name contains a NUL character")
        }
    }

    /// The manifest's option covering `path`; refuses an undeclared one. nil without a manifest.
    static func declaredOption(_ path: OptionPath, manifest: Manifest?) throws -> Manifest.Option? {
        guard let manifest else { return nil }
        guard let declared = manifest.option(covering: path) else {
            throw DynixError.unknownOption(path.description, suggestions: manifest.suggestions(for: path))
        }
        return declared
    }

    static func looksLikeInteger(_ text: String) -> Bool {
        let digits = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
        return !digits.isEmpty && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }

    static func inferValue(_ text: String) -> NixValue {
        switch text {
        case "true": return .bool(true)
        case "false": return .bool(false)
        case "null": return .null
        default: return Int64(text).map(NixValue.int) ?? .string(text)
        }
    }
}
