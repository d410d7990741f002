import ArgumentParser
import DynixHistory

/// Shell completion of what only this system knows: the manifest's option paths, the generations, the
/// states. argument-parser calls these when the shell asks (`dynix ---completion …`); they never fail,
/// they just offer nothing.
enum Completions {
    /// The root the command line being completed names: `--root DIR`, else `$DYNIX_ROOT`, else `/`.
    static func paths(_ words: [String]) -> Paths {
        var root = ProcessEnvironment.value("DYNIX_ROOT") ?? "/"
        for (index, word) in words.enumerated() {
            if word == "--root", index + 1 < words.count { root = words[index + 1] }
            if word.hasPrefix("--root=") { root = String(word.dropFirst("--root=".count)) }
        }
        return Paths(root: root)
    }

    static func declaredOptions(_ words: [String]) -> [Manifest.Option] {
        guard let manifest = (try? ConfigHistory.readManifest(paths(words))) ?? nil else { return [] }
        return manifest.options.keys.sorted().map { manifest.options[$0]! }
    }

    /// Option paths, for `log --option`.
    @Sendable static func optionPaths(_ words: [String], _ cursor: Int, _ prefix: String) -> [String] {
        declaredOptions(words).map(\.path.description)
    }

    /// `append OPTION VALUE [OPTION VALUE …]`: an option path where an option goes; where a value goes,
    /// the values the option's type allows, when they can be listed.
    @Sendable static func optionOrValue(_ words: [String], _ cursor: Int, _ prefix: String) -> [String] {
        guard let command = words.firstIndex(of: "append") else { return optionPaths(words, cursor, prefix) }
        var positional: [String] = []
        var index = command + 1
        while index < min(cursor, words.count) {
            let word = words[index]
            if CommandLineWords.takesValue(word) {
                index += 2
                continue
            }
            if !word.hasPrefix("-") { positional.append(word) }
            index += 1
        }
        if positional.count % 2 == 0 { return optionPaths(words, cursor, prefix) }
        guard let path = try? OptionPath(parsing: positional.last!), let option = declaredOptions(words).first(where: { $0.path == path }) else {
            return []
        }
        return values(of: option.type)
    }

    static func values(of type: OptionType) -> [String] {
        switch type {
        case .bool: return ["true", "false"]
        case .oneOf(let names): return names
        case .nullOr(let inner): return ["null"] + values(of: inner)
        default: return []
        }
    }

    /// Options with a dynamic value now, for `unset`; without a history, the declared ones.
    @Sendable static func setOptions(_ words: [String], _ cursor: Int, _ prefix: String) -> [String] {
        let paths = paths(words)
        guard let history = try? ConfigHistory.open(paths, identity: Identity.current(sudoUser: nil)),
            let pending = try? history.effective(.pending)
        else { return optionPaths(words, cursor, prefix) }
        let declared = declaredOptions(words).map(\.path)
        let set = declared.filter { pending.value(at: $0) != nil }.map(\.description)
        return set.isEmpty ? pending.leafEntries.map(\.path.description) : set
    }

    /// Generation numbers, newest first.
    @Sendable static func generations(_ words: [String], _ cursor: Int, _ prefix: String) -> [String] {
        guard let history = try? ConfigHistory.open(paths(words), identity: Identity.current(sudoUser: nil)),
            let generations = try? history.generations()
        else { return [] }
        return generations.reversed().map { String($0.number) }
    }

    /// What `show` and `diff` accept: the named states and the generation numbers.
    @Sendable static func states(_ words: [String], _ cursor: Int, _ prefix: String) -> [String] {
        ["live", "pending", "static", "file"] + generations(words, cursor, prefix)
    }
}
