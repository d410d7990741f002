import Glibc

/// Real Nix, for what only Nix can do: evaluating a file someone else wrote.
package enum NixEvaluator {
    /// Evaluates FILE (a list of attribute sets) with `nix-instantiate --eval --strict --json` into entries.
    /// A file dynix can read itself is taken as written (exact). Anything else is evaluated by Nix, and the
    /// result is checked inside Nix against the original, since Nix 2.8 prints floats with six digits only.
    package static func entries(ofFile given: String, manifest: Manifest?) throws -> [Entry] {
        // Nix reads a path relative to the expression, not to the shell: make it absolute first.
        guard let resolved = realpath(given, nil) else { throw DynixError.io(path: given, errno: errno) }
        let path = String(cString: resolved)
        free(resolved)
        if let bytes = try FileSystem.readBytes(path), let file = try? DynamicFile(bytes: bytes) { return file.entries }
        let result = try run(["--eval", "--strict", "--json", path])
        guard result.succeeded else { throw DynixError.importFailed("nix-instantiate could not evaluate \(path): \(result.tail)") }
        let value: NixValue
        do {
            // Deep enough for a path and a value at their limits; past that, refused before any walk.
            value = try JSON.parse(result.stdoutText, maxDepth: Limits.pathComponents + Limits.valueDepth + 2)
        } catch is JSON.TooDeep {
            throw DynixError.limitExceeded(.valueDepth)
        }
        guard case .list(let items) = value else { throw DynixError.importFailed("\(path) is not a list") }
        var entries: [Entry] = []
        for item in items {
            guard case .attrs = item else { throw DynixError.importFailed("an element of \(path) is not an attribute set") }
            entries += flatten(item, prefix: [], manifest: manifest)
        }
        // Checked before dynix renders them (checkSameFold): a file it wrote must be one it reads back.
        for entry in entries { try entry.check(against: manifest) }
        try checkSameFold(original: path, entries: entries)
        return entries
    }

    /// `fold original == fold imported`, evaluated by Nix itself (exact for floats), with fold.nix's rule inline.
    static func checkSameFold(original: String, entries: [Entry]) throws {
        let directory = try TemporaryDirectory.makePrivate(prefix: "dynix-import-")
        let temporary = directory + "/imported.nix"
        defer {
            FileSystem.remove(temporary)
            rmdir(directory)
        }
        try FileSystem.writeAtomically(temporary, DynamicFile.rendering(entries).bytes, mode: 0o600)
        // The paths go in as strings (--argstr), never as Nix text: a space or a quote in one cannot break it.
        let expression = """
            { original, imported }:
            let
              merge = l: r: l // builtins.mapAttrs (n: v:
                if builtins.isAttrs v && builtins.isAttrs (l.${n} or null) then merge l.${n} v else v) r;
              fold = builtins.foldl' merge { };
            in fold (import (/. + original)) == fold (import (/. + imported))
            """
        let result = try run(["--eval", "--strict", "--argstr", "original", original, "--argstr", "imported", temporary, "-E", expression])
        guard result.succeeded else { throw DynixError.importFailed("nix-instantiate could not compare the import with the original: \(result.tail)") }
        guard result.stdoutText.trimmingWhitespace() == "true" else {
            throw DynixError.importWouldChangeValues(path: original)
        }
    }

    static func run(_ arguments: [String]) throws -> ChildProcess.Result {
        var argv = ["nix-instantiate"]
        // Without root there is no store to open; evaluation needs none.
        if geteuid() != 0 { argv += ["--store", "dummy://"] }
        do {
            return try ChildProcess(argv + arguments, timeout: 120).run()
        } catch {
            throw DynixError.nixUnavailable("\(error)")
        }
    }

    /// Splits a nested attribute set into entries, stopping at a declared option (an `attrs` option stays whole) and
    /// where the path would outgrow `Limits`.
    static func flatten(_ value: NixValue, prefix: [String], manifest: Manifest?) -> [Entry] {
        if !prefix.isEmpty, manifest?.options[OptionPath(prefix)] != nil { return [Entry(path: OptionPath(prefix), value: value)] }
        guard case .attrs(let set) = value, prefix.isEmpty || (!set.isEmpty && Limits.canSplit(prefix, set)) else {
            return [Entry(path: OptionPath(prefix), value: value)]
        }
        return set.keys.sorted().flatMap { flatten(set[$0]!, prefix: prefix + [$0], manifest: manifest) }
    }
}
