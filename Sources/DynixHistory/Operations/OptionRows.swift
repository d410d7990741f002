/// `dynix options`: each declared option with its static, live and pending value.
extension ConfigHistory {
    /// Each declared option with its static, live and pending value.
    package struct OptionRow: Sendable {
        package let option: Manifest.Option
        package let live: NixValue?
        package let pending: NixValue?
    }

    /// Before `init` there is no history, but the manifest already says what is dynamic: the first thing a
    /// newcomer asks. Then no value is live or pending.
    package static func optionRows(_ paths: Paths, identity: Identity) throws -> [OptionRow] {
        guard FileSystem.isDirectory(paths.history) else {
            guard let manifest = try readManifest(paths) else { throw DynixError.noManifest(paths.manifest) }
            return manifest.options.keys.sorted().map { OptionRow(option: manifest.options[$0]!, live: nil, pending: nil) }
        }
        let history = try open(paths, identity: identity)
        history.repairIfIdle()
        return try history.optionRows()
    }

    package func optionRows() throws -> [OptionRow] {
        guard let manifest = try manifest() else { throw DynixError.noManifest(paths.manifest) }
        let live = try effective(.live)
        let pending = try effective(.pending)
        return manifest.options.keys.sorted().map { path in
            OptionRow(option: manifest.options[path]!, live: live.value(at: path), pending: pending.value(at: path))
        }
    }
}
