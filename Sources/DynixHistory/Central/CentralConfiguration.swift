/// `etc/dynix/central.json`: where this host's history goes (the NixOS module writes it from
/// `programs.dynix.central`). Every key is known; an unknown key or a wrong type is refused, naming the key.
package struct CentralConfiguration: Equatable, Sendable {
    package let url: String
    package let identityFile: String
    package let knownHostsFile: String
    package let connectTimeout: Int
    package let metricsFile: String?

    package static func relativePath() -> String { "etc/dynix/central.json" }

    /// This root's configuration; nil when it has none (no central side is configured).
    package static func load(_ paths: Paths) throws -> CentralConfiguration? {
        let path = paths.under(relativePath())
        guard let bytes = try FileSystem.readBytes(path) else { return nil }
        return try CentralConfiguration(json: String(decoding: bytes, as: UTF8.self), path: path)
    }

    package init(json text: String, path: String) throws {
        func problem(_ why: String) -> DynixError { .fleet(.centralConfiguration(path: path, problem: why)) }
        let top: [String: NixValue]
        do {
            guard case .attrs(let object) = try JSON.parse(text, maxDepth: 4) else { throw problem("not a JSON object") }
            top = object
        } catch let error as JSON.SyntaxError {
            throw problem("not JSON: \(error.reason) at byte \(error.offset)")
        } catch is JSON.TooDeep {
            throw problem("not a flat JSON object")
        }
        let known = ["version", "url", "identityFile", "knownHostsFile", "connectTimeout", "metricsFile"]
        if let unknown = top.keys.sorted().first(where: { !known.contains($0) }) {
            throw problem("unknown key `\(unknown)` (known: \(known.joined(separator: ", ")))")
        }
        guard case .int(1)? = top["version"] else { throw problem("`version` must be 1") }
        func string(_ key: String, required: Bool) throws -> String? {
            switch top[key] {
            case .string(let value)? where !value.isEmpty && !value.contains("\0"): return value
            case nil where !required, .null? where !required: return nil
            case nil: throw problem("`\(key)` is missing")
            default: throw problem("`\(key)` must be a non-empty string")
            }
        }
        url = try string("url", required: true)!
        let printable = url.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value != 0x7f }
        guard url.hasPrefix("ssh://"), url.count > 6, printable, !url.dropFirst(6).hasPrefix("-") else {
            throw problem("`url` must be an ssh:// URL (ssh://USER@HOST[:PORT]/PATH)")
        }
        identityFile = try string("identityFile", required: true)!
        knownHostsFile = try string("knownHostsFile", required: true)!
        // ssh reads `%` in these as its own tokens, and a blank as the end of the path.
        for (key, value) in [("identityFile", identityFile), ("knownHostsFile", knownHostsFile)]
        where !value.hasPrefix("/") || value.contains("%") || value.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7f }) {
            throw problem("`\(key)` must be an absolute path without '%', blanks or control characters")
        }
        switch top["connectTimeout"] {
        case nil: connectTimeout = 5
        case .int(let seconds)? where seconds >= 1 && seconds <= 60: connectTimeout = Int(seconds)
        default: throw problem("`connectTimeout` must be a whole number of seconds from 1 to 60")
        }
        metricsFile = try string("metricsFile", required: false)
        if let metricsFile, !metricsFile.hasPrefix("/") { throw problem("`metricsFile` must be an absolute path") }
    }
}
