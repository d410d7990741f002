/// One dynamic assignment: `services.harmonia.settings.workers = 20`.
public struct Entry: Equatable, Sendable {
    public var path: OptionPath
    public var value: NixValue

    public init(path: OptionPath, value: NixValue) {
        self.path = path
        self.value = value
    }

    /// The entry as the nested attribute set Nix sees: `{ a = { b = value; }; }`.
    public var asAttrs: NixValue {
        path.components.reversed().reduce(value) { inner, name in .attrs([name: inner]) }
    }
}
