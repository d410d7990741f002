/// The fold of `modules/dynamicism/fold.nix`, in Swift: later entries win, attribute sets merge recursively.
public struct EffectiveValues: Equatable, Sendable {
    /// The merged attribute set, exactly what `import fold.nix entries` evaluates to.
    public let tree: [String: NixValue]

    public init(entries: [Entry]) {
        var tree: [String: NixValue] = [:]
        for entry in entries {
            guard case .attrs(let set) = entry.asAttrs else { continue }
            tree = EffectiveValues.merge(tree, set)
        }
        self.tree = tree
    }

    static func merge(_ left: [String: NixValue], _ right: [String: NixValue]) -> [String: NixValue] {
        var result = left
        for (name, value) in right {
            if case .attrs(let l)? = left[name], case .attrs(let r) = value {
                result[name] = .attrs(merge(l, r))
            } else {
                result[name] = value
            }
        }
        return result
    }

    /// The value at `path`, or nil when no entry sets it.
    public func value(at path: OptionPath) -> NixValue? {
        var current: NixValue = .attrs(tree)
        for name in path.components {
            guard case .attrs(let set) = current, let next = set[name] else { return nil }
            current = next
        }
        return current
    }

    /// One entry per leaf, sorted by path: a file with these entries folds to the same tree.
    public var leafEntries: [Entry] {
        var result: [Entry] = []
        func walk(_ prefix: [String], _ set: [String: NixValue]) {
            for name in set.keys.sorted() {
                let value = set[name]!
                if case .attrs(let inner) = value, !inner.isEmpty {
                    walk(prefix + [name], inner)
                } else {
                    result.append(Entry(path: OptionPath(prefix + [name]), value: value))
                }
            }
        }
        walk([], tree)
        return result
    }
}
