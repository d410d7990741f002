/// One option's value on each side of a comparison; a side without a dynamic value shows the static one.
package struct OptionChange: Equatable, Sendable {
    package enum Side: Equatable, Sendable {
        case dynamic(NixValue)
        /// Not set dynamically: the static value when the manifest knows it.
        case staticValue(NixValue?)

        package var isDynamic: Bool {
            if case .dynamic = self { return true }
            return false
        }

        package var value: NixValue? {
            switch self {
            case .dynamic(let v): return v
            case .staticValue(let v): return v
            }
        }
    }

    package let option: OptionPath
    package let from: Side
    package let to: Side

    /// The options whose effective value differs between `a` and `b`, sorted by path.
    package static func between(_ a: EffectiveValues, _ b: EffectiveValues, manifest: Manifest?) -> [OptionChange] {
        var paths = Set<OptionPath>()
        if let manifest {
            for option in manifest.options.keys where a.value(at: option) != nil || b.value(at: option) != nil { paths.insert(option) }
        }
        let covered = paths
        for leaf in a.leafEntries + b.leafEntries where !covered.contains(where: { leaf.path.hasPrefix($0) }) {
            paths.insert(leaf.path)
        }
        return paths.sorted().compactMap { path in
            let staticValue = manifest?.options[path]?.staticValue
            let from: Side = a.value(at: path).map(Side.dynamic) ?? .staticValue(staticValue)
            let to: Side = b.value(at: path).map(Side.dynamic) ?? .staticValue(staticValue)
            return from == to ? nil : OptionChange(option: path, from: from, to: to)
        }
    }
}
