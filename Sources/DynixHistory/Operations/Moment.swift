/// What was live at a moment in the past, read from the history alone (`dynix show --at`, `diff --at`, `log --at`).
///
/// A moment is placed in the commit order, not by the clock: TIME is "just after the newest commit (in commit
/// order) made at or before TIME", and what was live then is what `status` said after that commit. After a clock
/// step backwards, a commit made with the clock set back answers for the times it claims, as git's history would.
extension ConfigHistory {
    package struct Moment: Sendable {
        package let time: Int64
        /// `.generation`, `.reset` (a switch, a boot, or a failed apply that restored the static configuration),
        /// `.unknown` (a failed apply whose restore failed too), or `.nothing` (no dynamic generation yet).
        package let live: LiveState
        /// The static generation then, from the newest commit at or before TIME.
        package let staticGeneration: Int?
    }

    package func moment(at time: Int64) throws -> Moment {
        guard let head = try store.head() else { throw DynixError.notInitialized(store.path) }
        let records = try momentRecords(head: head)
        guard let index = records.lastIndex(where: { $0.time <= time }) else {
            throw DynixError.beforeHistory(time: time, starts: records.map(\.time).min())
        }
        let anchor = try event(records[index].commit)
        var found: HistoryEvent?
        if anchor.isLivenessEvent {
            found = anchor
        } else if let pointer = anchor.trailers[.liveEvent] {
            // The anchor names the liveness event in force when it was made: one read instead of a walk.
            found = try ObjectID(hex: pointer).map(event)
        } else {
            // A history written before that trailer existed: the commits before the anchor, newest first.
            for record in records[..<index].reversed() {
                let older = try event(record.commit)
                if older.isLivenessEvent {
                    found = older
                    break
                }
            }
        }
        return Moment(time: time, live: found.map(LiveState.init(madeBy:)) ?? .nothing, staticGeneration: anchor.staticGeneration)
    }

    /// `log --at TIME`: up to `count` events on each side of TIME (in commit order), and the event that made TIME's
    /// state live, which is kept even when it lies further back.
    package func timeline(around time: Int64, count: Int) throws -> (entries: [TimelineEntry], madeLive: ObjectID?) {
        let madeLive = try moment(at: time).live.event?.commit
        let all = try timeline(limit: nil)
        guard let anchor = all.firstIndex(where: { $0.event.time <= time }) else { return ([], madeLive) }
        var window = Array(all[max(0, anchor - count)..<min(all.count, anchor + count + 1)])
        if let madeLive, !window.contains(where: { $0.event.commit == madeLive }), let entry = all.first(where: { $0.event.commit == madeLive }) {
            window.append(entry)
        }
        return (window, madeLive)
    }

    private func momentRecords(head: ObjectID) throws -> [MomentIndex.Record] {
        if let cached = momentRecordsCache, cached.head == head { return cached.records }
        let records = try MomentIndex(path: paths.momentIndex).records(head: head, store: store)
        momentRecordsCache = (head, records)
        return records
    }
}
