/// The fold of `modules/dynamicism/fold.nix`, in Swift: later entries win, attribute sets merge recursively.
package struct EffectiveValues: Equatable, Sendable {
    /// The merged attribute set, exactly what `import fold.nix entries` evaluates to.
    package let tree: [String: NixValue]

    package init(entries: [Entry]) {
        var tree: [String: NixValue] = [:]
        for entry in entries {
            guard case .attrs(let set) = entry.asAttrs else { continue }
            EffectiveValues.merge(into: &tree, set)
        }
        self.tree = tree
    }

    /// `merge`, in place: each nested set is taken out of its parent while it is merged, so it is
    /// uniquely referenced and not copied (copying every level per entry more than doubled the fold of a
    /// long file: BENCHMARKS.md).
    static func merge(into left: inout [String: NixValue], _ right: [String: NixValue]) {
        for (name, value) in right {
            if case .attrs(let r) = value, case .attrs(var l)? = left.removeValue(forKey: name) {
                merge(into: &l, r)
                left[name] = .attrs(l)
            } else {
                left[name] = value
            }
        }
    }

    /// The value at `path`, or nil when no entry sets it.
    package func value(at path: OptionPath) -> NixValue? {
        var current: NixValue = .attrs(tree)
        for name in path.components {
            guard case .attrs(let set) = current, let next = set[name] else { return nil }
            current = next
        }
        return current
    }

    /// One entry per leaf, sorted by path: a file with these entries folds to the same tree. A set that would make
    /// a path longer than `Limits` allows stays whole, as the value of the entry at its path.
    package var leafEntries: [Entry] {
        var result: [Entry] = []
        func walk(_ prefix: [String], _ set: [String: NixValue]) {
            for name in set.keys.sorted() {
                let value = set[name]!
                if case .attrs(let inner) = value, !inner.isEmpty, Limits.canSplit(prefix + [name], inner) {
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
