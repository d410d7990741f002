/// One dynamic assignment: `services.harmonia.settings.workers = 20`.
package struct Entry: Equatable, Sendable {
    package var path: OptionPath
    package var value: NixValue

    package init(path: OptionPath, value: NixValue) {
        self.path = path
        self.value = value
    }

    /// The entry as the nested attribute set Nix sees: `{ a = { b = value; }; }`.
    package var asAttrs: NixValue {
        path.components.reversed().reduce(value) { inner, name in .attrs([name: inner]) }
    }
}
