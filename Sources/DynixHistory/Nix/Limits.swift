/// Bounds on what enters the dynamic file, checked where input enters (the command line, JSON, a file dynix reads).
/// Every program that reads the file after that (Nix's parser, the module system, dynix's own fold, renderer and
/// parser, which recurse) then stays far inside its own limits: Nix 2.8's parser gives up ("memory exhausted") at
/// about 2,490 nested attribute sets or 4,990 nested lists, and a deep enough fold overflows a thread's stack.
package enum Limits {
    /// Names in an option path. NixOS option paths have fewer than ten, keys inside an attribute-set option a few more.
    package static let pathComponents = 32
    /// Bytes of an option path, written as Nix writes it.
    package static let pathBytes = 1024
    /// Lists and attribute sets inside each other in one value: 38 times below where Nix's parser gives up on
    /// attribute sets, and, with a path of `pathComponents`, 96 levels for the whole entry at most.
    package static let valueDepth = 64
    /// Bytes of one value's strings and names (its text, about); a setting is not a data store.
    package static let valueBytes = 1 << 20

    /// What went over: for the message and the hint.
    package enum Exceeded: Equatable, Sendable {
        case pathComponents(Int)
        case pathBytes(Int)
        case valueDepth
        case valueBytes
    }

    /// Whether the names of `set`, the value at `path`, may move into the path, one entry per name (`checkpoint`
    /// compacting, `init --import` flattening): only while the path stays within both limits.
    package static func canSplit(_ path: [String], _ set: [String: NixValue]) -> Bool {
        guard path.count < pathComponents else { return false }
        let base = path.isEmpty ? 0 : OptionPath(path).description.utf8.count + 1
        return set.keys.allSatisfy { base + NixSyntax.attributeName($0).utf8.count <= pathBytes }
    }

    package static func check(_ path: OptionPath) throws {
        if path.components.count > pathComponents { throw DynixError.limitExceeded(.pathComponents(path.components.count)) }
        let bytes = path.description.utf8.count
        if bytes > pathBytes { throw DynixError.limitExceeded(.pathBytes(bytes)) }
    }

    /// Walks the value without recursing, so that a value deeper than any limit (built in memory) is measured too.
    package static func check(_ value: NixValue) throws {
        var pending: [(NixValue, Int)] = [(value, 0)]
        var bytes = 0
        while let (current, depth) = pending.popLast() {
            switch current {
            case .string(let s): bytes += s.utf8.count
            case .list(let items):
                if depth + 1 > valueDepth { throw DynixError.limitExceeded(.valueDepth) }
                for item in items { pending.append((item, depth + 1)) }
            case .attrs(let set):
                if depth + 1 > valueDepth { throw DynixError.limitExceeded(.valueDepth) }
                for (name, item) in set {
                    bytes += name.utf8.count
                    pending.append((item, depth + 1))
                }
            default: bytes += 8
            }
            if bytes > valueBytes { throw DynixError.limitExceeded(.valueBytes) }
        }
    }
}
