/// The static NixOS generation the machine runs, read off the real symlinks.
package struct StaticSystem: Equatable, Sendable {
    /// N of `system-N-link`, or nil when the profile is missing.
    package let generation: Int?
    /// Where `run/current-system` points.
    package let currentSystem: String?
    /// When the profile link was last switched (seconds since the epoch).
    package let switchedAt: Int64?

    package static func read(_ paths: Paths) -> StaticSystem {
        var generation: Int?
        var switchedAt: Int64?
        if let link = FileSystem.readLink(paths.systemProfile) {
            let name = link.split(separator: "/").last.map(String.init) ?? link
            if name.hasPrefix("system-"), name.hasSuffix("-link") {
                generation = Int(name.dropFirst("system-".count).dropLast("-link".count))
            }
            // The profile link is replaced on every switch, so its own time is the switch's (the system-N-link
            // keeps the time generation N was built, also when switching back to it).
            switchedAt = FileSystem.linkModificationTime(paths.systemProfile)
        }
        return StaticSystem(generation: generation, currentSystem: FileSystem.readLink(paths.currentSystem), switchedAt: switchedAt)
    }
}
