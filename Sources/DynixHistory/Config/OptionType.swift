/// The type of a dynamic option, as the manifest declares it.
package indirect enum OptionType: Equatable, Sendable, CustomStringConvertible {
    case int, bool, float, str, attrs
    /// An integer NixOS bounds (`ints.between`, `ints.unsigned`, `port`, …): the manifest's `min`/`max`.
    case intBetween(min: Int64?, max: Int64?)
    case oneOf([String])
    case nullOr(OptionType)
    case listOf(OptionType)

    init(manifest value: NixValue) throws {
        switch value {
        case .string("int"): self = .int
        case .string("bool"): self = .bool
        case .string("float"): self = .float
        case .string("str"): self = .str
        case .string("attrs"): self = .attrs
        case .attrs(let set) where set.count == 1:
            let (key, inner) = set.first!
            switch key {
            case "enum":
                guard case .list(let items) = inner else { throw ManifestProblem("`enum` must list strings") }
                self = .oneOf(
                    try items.map {
                        guard case .string(let s) = $0 else { throw ManifestProblem("`enum` must list strings") }
                        return s
                    })
            case "nullOr": self = .nullOr(try OptionType(manifest: inner))
            case "listOf": self = .listOf(try OptionType(manifest: inner))
            default: throw ManifestProblem("unknown type `\(key)`")
            }
        default: throw ManifestProblem("unknown type \(JSON.serialize(value))")
        }
    }

    /// The type with the manifest's integer bounds applied to its integers, inside `nullOr` and `listOf` too.
    func bounded(min: Int64?, max: Int64?) -> OptionType {
        guard min != nil || max != nil else { return self }
        switch self {
        case .int, .intBetween: return .intBetween(min: min, max: max)
        case .nullOr(let inner): return .nullOr(inner.bounded(min: min, max: max))
        case .listOf(let inner): return .listOf(inner.bounded(min: min, max: max))
        default: return self
        }
    }

    /// The type as the manifest writes it (`"int"`, `{"nullOr": "int"}`, …); bounds are `bounds`.
    package var manifestForm: NixValue {
        switch self {
        case .int, .intBetween: return .string("int")
        case .bool: return .string("bool")
        case .float: return .string("float")
        case .str: return .string("str")
        case .attrs: return .string("attrs")
        case .oneOf(let names): return .attrs(["enum": .list(names.map(NixValue.string))])
        case .nullOr(let inner): return .attrs(["nullOr": inner.manifestForm])
        case .listOf(let inner): return .attrs(["listOf": inner.manifestForm])
        }
    }

    /// The manifest's `min` and `max`: the bounds of the integers in this type, if any.
    package var bounds: (min: Int64?, max: Int64?) {
        switch self {
        case .intBetween(let low, let high): return (low, high)
        case .nullOr(let inner), .listOf(let inner): return inner.bounds
        default: return (nil, nil)
        }
    }

    package var description: String {
        switch self {
        case .int: return "an integer"
        case .intBetween(let low?, let high?): return "an integer from \(low) to \(high)"
        case .intBetween(let low?, nil): return "an integer of at least \(low)"
        case .intBetween(nil, let high?): return "an integer of at most \(high)"
        case .intBetween(nil, nil): return "an integer"
        case .bool: return "true or false"
        case .float: return "a number"
        case .str: return "a string"
        case .attrs: return "an attribute set (as JSON)"
        case .oneOf(let names): return "one of " + names.joined(separator: ", ")
        case .nullOr(let inner): return "null or \(inner)"
        case .listOf(let inner): return "a JSON list of \(inner)"
        }
    }

    /// Reads a command-line argument as this type: strings verbatim, structured types as JSON.
    package func read(argument: String) -> NixValue? {
        switch self {
        case .str: return .string(argument)
        case .int, .intBetween: return Int64(argument).map(NixValue.int).flatMap { accepts($0) ? $0 : nil }
        case .bool:
            switch argument {
            case "true": return .bool(true)
            case "false": return .bool(false)
            default: return nil
            }
        case .float:
            if let i = Int64(argument) { return .float(Double(i)) }
            return Double(argument).flatMap { $0.isFinite ? .float($0) : nil }
        case .oneOf(let names): return names.contains(argument) ? .string(argument) : nil
        case .nullOr(let inner): return argument == "null" ? .null : inner.read(argument: argument)
        case .listOf, .attrs:
            guard let parsed = try? JSON.parse(argument) else { return nil }
            let value = coerce(parsed)
            guard accepts(value) else { return nil }
            return value
        }
    }

    /// JSON has one kind of number: an integer given for a float option becomes a float (NixOS's
    /// `types.float` refuses integers), inside lists and nullable types too.
    package func coerce(_ value: NixValue) -> NixValue {
        switch (self, value) {
        case (.float, .int(let i)): return .float(Double(i))
        case (.nullOr(let inner), _): return value == .null ? value : inner.coerce(value)
        case (.listOf(let inner), .list(let items)): return .list(items.map(inner.coerce))
        default: return value
        }
    }

    /// Whether a value (from a file or JSON) has this type.
    package func accepts(_ value: NixValue) -> Bool {
        switch (self, value) {
        case (.int, .int), (.bool, .bool), (.str, .string), (.attrs, .attrs): return true
        case (.intBetween(let low, let high), .int(let i)): return i >= (low ?? .min) && i <= (high ?? .max)
        case (.float, .float): return true
        case (.oneOf(let names), .string(let s)): return names.contains(s)
        case (.nullOr, .null): return true
        case (.nullOr(let inner), _): return inner.accepts(value)
        case (.listOf(let inner), .list(let items)): return items.allSatisfy(inner.accepts)
        default: return false
        }
    }
}

struct ManifestProblem: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}
