#if canImport(Glibc)
import Glibc
#endif

/// `dynix rebuild-hook`: records a static switch (`rebuild`) or a new boot (`boot`). It must never fail
/// activation, so it spools the event first and commits it only if the history is usable right now.
public enum RebuildHook {
    public enum Outcome: Equatable, Sendable {
        case recorded(EventKind)
        /// Spooled; the next dynix command commits it. The reason is for one warning line.
        case spooled(EventKind, reason: String)
        /// Neither spool nor history could be written.
        case lost(EventKind, reason: String)
    }

    public static func run(_ paths: Paths, system: String?, identity: Identity, lockTimeout: Double = 5) -> Outcome {
        let now = Clock.now()
        let bootID = FileSystem.readText(paths.bootID)?.trimmingWhitespace()
        let kind = eventKind(paths, bootID: bootID)
        let host = StaticSystem.read(paths)
        let staticGeneration = host.generation
        let systemPath = system ?? host.currentSystem
        let spool = Spool(paths: paths)
        var spoolError: String?
        do {
            _ = try spool.write(kind, time: now, system: systemPath, staticGeneration: staticGeneration, bootID: bootID, user: identity.user)
        } catch let error as DynixError {
            spoolError = error.message
        } catch {
            spoolError = "\(error)"
        }
        do {
            let history = try ConfigHistory.open(paths, identity: identity)
            try ConfigHistory.checkWritable(paths)
            history.lock = try WriterLock.acquire(paths.lock, timeout: lockTimeout)
            try history.recoverTransaction()
            if spoolError == nil {
                try history.foldSpool()
            } else {
                // The spool is unwritable but the history is not: commit this event directly.
                try history.foldSpool()
                var trailers = Trailers()
                trailers.add("Static-Generation", staticGeneration.map(String.init))
                trailers.add("Static-System", systemPath)
                trailers.add("Boot-Id", bootID)
                try history.commitEvent(message: history.message(kind, subject: ConfigHistory.resetSubject(kind, staticGeneration: staticGeneration), trailers: trailers))
            }
            return .recorded(kind)
        } catch let error as DynixError {
            return spoolError == nil ? .spooled(kind, reason: error.message) : .lost(kind, reason: "\(spoolError!); \(error.message)")
        } catch {
            return spoolError == nil ? .spooled(kind, reason: "\(error)") : .lost(kind, reason: "\(spoolError!); \(error)")
        }
    }

    /// `boot` when the boot id differs from the last one recorded (in the history or the spool), else `rebuild`.
    static func eventKind(_ paths: Paths, bootID: String?) -> EventKind {
        guard let bootID else { return .rebuild }
        var recorded: String? = Spool(paths: paths).pending().last?.bootID
        if recorded == nil, FileSystem.isDirectory(paths.history), let store = try? HistoryStore.open(paths.history) {
            try? store.walk { event in
                recorded = event.bootID
                return recorded == nil
            }
        }
        guard let recorded else { return .rebuild }
        return recorded == bootID ? .rebuild : .boot
    }
}
