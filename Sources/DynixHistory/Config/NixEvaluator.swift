#if canImport(Glibc)
import Glibc
#endif

/// Real Nix, for what only Nix can do: evaluating a file someone else wrote.
public enum NixEvaluator {
    /// Evaluates FILE (a list of attribute sets) with `nix-instantiate --eval --strict --json` into entries.
    public static func entries(ofFile path: String, manifest: Manifest?) throws -> [Entry] {
        var argv = ["nix-instantiate", "--eval", "--strict", "--json"]
        // Without root there is no store to open; evaluation needs none.
        if geteuid() != 0 { argv += ["--store", "dummy://"] }
        argv.append(path)
        let result: ChildProcess.Result
        do {
            result = try ChildProcess(argv, timeout: 120).run()
        } catch {
            throw DynixError.nixUnavailable("\(error)")
        }
        guard result.succeeded else { throw DynixError.importFailed("nix-instantiate failed: \(result.tail)") }
        guard case .list(let items) = try JSON.parse(result.stdoutText) else { throw DynixError.importFailed("\(path) is not a list") }
        var entries: [Entry] = []
        for item in items {
            guard case .attrs = item else { throw DynixError.importFailed("an element of \(path) is not an attribute set") }
            entries += flatten(item, prefix: [], manifest: manifest)
        }
        return entries
    }

    /// Splits a nested attribute set into entries, stopping at a declared option (an `attrs` option stays whole).
    static func flatten(_ value: NixValue, prefix: [String], manifest: Manifest?) -> [Entry] {
        if !prefix.isEmpty, manifest?.options[OptionPath(prefix)] != nil { return [Entry(path: OptionPath(prefix), value: value)] }
        guard case .attrs(let set) = value, !set.isEmpty || prefix.isEmpty else { return [Entry(path: OptionPath(prefix), value: value)] }
        return set.keys.sorted().flatMap { flatten(set[$0]!, prefix: prefix + [$0], manifest: manifest) }
    }
}
