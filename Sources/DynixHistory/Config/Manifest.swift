/// What the NixOS module tells dynix about this system (`/etc/dynix/manifest.json`).
package struct Manifest: Equatable, Sendable {
    package struct Option: Equatable, Sendable {
        package let path: OptionPath
        package let type: OptionType
        package let staticValue: NixValue?
    }

    package let options: [OptionPath: Option]
    package let build: [String]
    package let restoreStatic: [String]
    package let check: [String]?
    /// The activation program `build` prints accepts `--dry-run`: it then says which units would restart
    /// and changes nothing (the NixOS module's programs do). Without it, a dry run cannot ask it.
    package let activationDryRun: Bool

    package init(json text: String, path: String) throws {
        do {
            guard case .attrs(let top) = try JSON.parse(text) else { throw ManifestProblem("not a JSON object") }
            guard case .int(1)? = top["version"] else { throw ManifestProblem("unsupported manifest version (dynix reads version 1)") }
            guard case .attrs(let declared)? = top["options"] else { throw ManifestProblem("`options` is missing") }
            var options: [OptionPath: Option] = [:]
            for (name, spec) in declared {
                guard let optionPath = try? OptionPath(parsing: name) else { throw ManifestProblem("`\(name)` is not an option path") }
                guard case .attrs(let fields) = spec, let type = fields["type"] else { throw ManifestProblem("`\(name)` has no type") }
                let bounds = try ["min", "max"].map { key -> Int64? in
                    guard let bound = fields[key] else { return nil }
                    guard case .int(let value) = bound else { throw ManifestProblem("`\(name)`: `\(key)` must be an integer") }
                    return value
                }
                let declaredType = try OptionType(manifest: type).bounded(min: bounds[0], max: bounds[1])
                options[optionPath] = Option(path: optionPath, type: declaredType, staticValue: fields["static"])
            }
            self.options = options
            self.build = try Manifest.argv(top["build"], "build") ?? []
            self.restoreStatic = try Manifest.argv(top["restoreStatic"], "restoreStatic") ?? []
            self.check = try Manifest.argv(top["check"], "check")
            switch top["activationDryRun"] {
            case nil: self.activationDryRun = false
            case .bool(let supported)?: self.activationDryRun = supported
            default: throw ManifestProblem("`activationDryRun` must be true or false")
            }
        } catch let problem as ManifestProblem {
            throw DynixError.manifest(path: path, problem.reason)
        } catch let error as JSON.SyntaxError {
            throw DynixError.manifest(path: path, "invalid JSON at byte \(error.offset): \(error.reason)")
        } catch let error as JSON.TooDeep {
            throw DynixError.manifest(path: path, "nested deeper than \(error.limit) levels")
        }
    }

    private static func argv(_ value: NixValue?, _ name: String) throws -> [String]? {
        guard let value else { return nil }
        guard case .list(let items) = value, !items.isEmpty else { throw ManifestProblem("`\(name)` must be a non-empty list of strings") }
        return try items.map {
            guard case .string(let s) = $0 else { throw ManifestProblem("`\(name)` must be a list of strings") }
            return s
        }
    }

    /// The declared option `path` belongs to: the option itself, or an `attrs` option that contains it.
    package func option(covering path: OptionPath) -> Option? {
        if let exact = options[path] { return exact }
        return options.values.first { $0.type == .attrs && path.hasPrefix($0.path) }
    }

    /// The declared options nearest to a mistyped name, best first.
    package func suggestions(for path: OptionPath, limit: Int = 3) -> [String] {
        let typed = path.description
        let scored = options.keys.map { ($0.description, EditDistance.between(typed, $0.description)) }
        let close = scored.filter { $0.1 <= max(3, typed.count / 4) }.sorted { ($0.1, $0.0) < ($1.1, $1.0) }
        return close.prefix(limit).map(\.0)
    }
}
