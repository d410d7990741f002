/// What the central repository says of each host: `fleet status`, `fleet live`, `fleet timeline`.
extension CentralRepository {
    package struct HostOverview: Sendable {
        package let host: HostName
        /// The head of the host's main; nil before its first push.
        package let head: ObjectID?
        /// What its history says is live now; nil before its first push.
        package let live: ConfigHistory.LiveState?
        package let generations: Int
        package let receipts: [Receipt]
        /// The time of its newest event, by the host's clock.
        package let newestEvent: Int64?
    }

    /// The host's history here, or nil when it has not pushed yet; any other failure is the command's.
    func centralHistory(_ host: HostName) throws -> ConfigHistory? {
        do {
            return try ConfigHistory.openCentral(self, host: host)
        } catch DynixError.fleet(.noHistory) {
            return nil
        }
    }

    package func overview(of hosts: [HostName]) throws -> [HostOverview] {
        try hosts.map { host in
            let receipts = try receipts(of: host)
            guard let history = try centralHistory(host) else {
                return HostOverview(host: host, head: nil, live: nil, generations: 0, receipts: receipts, newestEvent: nil)
            }
            let head = try history.head()
            return HostOverview(
                host: host, head: head, live: try history.liveState(), generations: try history.store.generationTags().count, receipts: receipts,
                newestEvent: try history.event(head).time)
        }
    }

    /// What was live on each host at `time` (nil: its history starts later, or is not here yet), by the rules of
    /// `show --at` on the host.
    package func live(at time: Int64, of hosts: [HostName]) throws -> [(host: HostName, live: ConfigHistory.LiveState?)] {
        try hosts.map { host in
            guard let history = try centralHistory(host) else { return (host, nil) }
            do {
                return (host, try history.moment(at: time).live)
            } catch DynixError.beforeHistory {
                return (host, nil)
            }
        }
    }

    /// Each host's intervals from `since` to `until`, with its receipts; hosts not heard from yet have none.
    package func timelines(of hosts: [HostName], since: Int64?, until: Int64?) throws -> [(
        host: HostName, timeline: ConfigHistory.LiveTimeline?, settings: [Int: String], receipts: [Receipt]
    )] {
        try hosts.map { host in
            let receipts = try receipts(of: host)
            guard let history = try centralHistory(host) else { return (host, nil, [:], receipts) }
            let timeline = try history.liveTimeline(since: since, until: until)
            // The settings each generation made live, as text: the same settings, on any host, get the same color.
            var settings: [Int: String] = [:]
            for interval in timeline.intervals {
                if case .generation(let number) = interval.state, let event = interval.event, settings[number] == nil {
                    settings[number] = CentralRepository.settingsText(try history.effective(atCommit: event.commit))
                }
            }
            return (host, timeline, settings, receipts)
        }
    }
}

extension CentralRepository {
    /// `a.b = VALUE` lines, sorted: one text for one set of effective values, whatever file held them.
    static func settingsText(_ values: EffectiveValues) -> String {
        var lines: [String] = []
        func walk(_ set: [String: NixValue], _ prefix: [String]) {
            for (name, value) in set {
                if case .attrs(let inner) = value, !inner.isEmpty {
                    walk(inner, prefix + [name])
                } else {
                    lines.append("\(OptionPath(prefix + [name]).description) = \(NixSyntax.render(value))")
                }
            }
        }
        walk(values.tree, [])
        return lines.sorted().joined(separator: "\n")
    }
}
