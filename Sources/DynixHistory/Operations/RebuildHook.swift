import Glibc

/// `dynix rebuild-hook`: records a static switch (`rebuild`) or a new boot (`boot`). It must never fail
/// activation, so it spools the event first and commits it only if the history is usable right now.
package enum RebuildHook {
    package enum Outcome: Equatable, Sendable {
        case recorded(EventKind)
        /// Spooled; the next dynix command commits it. The reason is for one warning line.
        case spooled(reason: String)
        /// Spooled before `dynix init`: expected on a host that has the module but neither a history nor a dynamic
        /// file yet, so no warning; `init` takes the spooled events into the history it starts. (A history gone
        /// while the file is there is `spooled`, with its warning.)
        case awaitingInit
        /// Neither spool nor history could be written.
        case lost(reason: String)
    }

    package static func run(_ paths: Paths, system: String?, identity: Identity, lockTimeout: Double = 5) -> Outcome {
        let now = Clock.now()
        let bootID = FileSystem.readText(paths.bootID)?.trimmingWhitespace()
        let host = StaticSystem.read(paths)
        let systemPath = system ?? host.currentSystem
        // First make the event safe, without reading the history (which may be damaged or locked).
        var spoolError: String?
        do {
            _ = try Spool(paths: paths).write(nil, time: now, system: systemPath, staticGeneration: host.generation, bootID: bootID, user: identity.user)
        } catch {
            spoolError = (error as? DynixError)?.message ?? "\(error)"
        }
        do {
            let history = try ConfigHistory.open(paths, identity: identity)
            try ConfigHistory.checkWritable(paths)
            let writer = HistoryWriter(history, holding: try WriterLock.acquire(paths.lock, timeout: lockTimeout))
            try writer.recoverTransaction()
            var kinds = try writer.foldSpool()
            if spoolError != nil {
                // The spool refused but the history takes writes: commit this event directly.
                let last = try history.store.head().flatMap { try? history.event($0).bootID }
                let event = SpooledEvent(
                    name: "", kind: nil, time: now, system: systemPath, staticGeneration: host.generation, bootID: bootID, user: identity.user, directory: "")
                let kind = try writer.commitReset(event, lastBootID: last, spooled: false)
                kinds.append(kind)
            }
            return .recorded(kinds.last ?? .rebuild)
        } catch DynixError.notInitialized(_) where spoolError == nil && !FileSystem.exists(paths.dynamicFile) {
            return .awaitingInit
        } catch {
            let reason = (error as? DynixError)?.message ?? "\(error)"
            return spoolError == nil ? .spooled(reason: reason) : .lost(reason: "\(spoolError!); \(reason)")
        }
    }
}
