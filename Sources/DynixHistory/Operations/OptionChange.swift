/// One option's value on each side of a comparison; a side without a dynamic value shows the static one.
public struct OptionChange: Equatable, Sendable {
    public enum Side: Equatable, Sendable {
        case dynamic(NixValue)
        /// Not set dynamically: the static value when the manifest knows it.
        case staticValue(NixValue?)

        public var isDynamic: Bool {
            if case .dynamic = self { return true }
            return false
        }

        public var value: NixValue? {
            switch self {
            case .dynamic(let v): return v
            case .staticValue(let v): return v
            }
        }
    }

    public let option: OptionPath
    public let from: Side
    public let to: Side

    /// The options whose effective value differs between `a` and `b`, sorted by path.
    public static func between(_ a: EffectiveValues, _ b: EffectiveValues, manifest: Manifest?) -> [OptionChange] {
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
