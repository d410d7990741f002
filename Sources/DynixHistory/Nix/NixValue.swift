/// A value dynix can write into the dynamic file: plain data, never code.
package indirect enum NixValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case float(Double)
    case string(String)
    case list([NixValue])
    /// Attribute sets keep their names sorted, as Nix itself does, so equal sets compare equal.
    case attrs([String: NixValue])
}
