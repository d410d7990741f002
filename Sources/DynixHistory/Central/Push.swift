import Glibc

/// `dynix push`: the host's history (main and every `gen/N`) to the central side, in one atomic, signed push, through
/// the git CLI and OpenSSH. The history is the queue: nothing on the apply path touches the network, and a push
/// after an outage carries everything since the last one.
extension ConfigHistory {
    package struct PushOutcome: Sendable {
        /// False when the central side held everything already (no ref changed there).
        package let changed: Bool
        /// Said before the push, when the central side showed less than it had acknowledged.
        package let warnings: [String]
    }

    /// The push's hard limit, under `dynix-push.service`'s `TimeoutStartSec=120`: a stalled transfer ends here.
    static let pushTimeout = 100.0

    package func push(to central: CentralConfiguration) throws -> PushOutcome {
        var changed = false
        var warnings: [String] = []
        // A change made while a push runs is missed by the path unit (systemd does not start a unit that is still
        // running), so the push goes again while the branch moved under it, a few times at most.
        for _ in 0..<3 {
            let head = try head()
            let round = try pushOnce(head: head, to: central)
            changed = changed || round.changed
            warnings += round.warnings
            if try self.head() == head { break }
        }
        return PushOutcome(changed: changed, warnings: warnings)
    }

    /// Generation numbers after the newest tag on `head` that a push leaves out (below).
    static let generationsHeldBack = 16

    /// One push of `head` and the generation tags on it. `apply` writes a generation's tag before main reaches its
    /// commit, and the central side refuses a tag off main (and with it the whole atomic push). Tags go by git's
    /// wildcard (one refspec per tag would cost git tags × tags comparisons), less, by negative refspecs, those not
    /// on `head` now and the next numbers, which an apply may tag between this listing and git's own; they wait
    /// for the next push.
    private func pushOnce(head: ObjectID, to central: CentralConfiguration) throws -> PushOutcome {
        let tags = try generationTags(on: head)
        let newest = (tags.ahead + tags.on.map(\.number)).max() ?? 0
        let heldBack = tags.ahead + Array((newest + 1)...(newest + Self.generationsHeldBack))
        let refspecs = ["\(head.hex):\(HistoryStore.branch)", "refs/tags/gen/*:refs/tags/gen/*"] + heldBack.map { "^refs/tags/gen/\($0)" }
        let git = GitCommand(gitDirectory: paths.history, extraEnvironment: Self.sshEnvironment(central), timeout: Self.pushTimeout)
        let arguments =
            ["-c", "gpg.format=ssh", "-c", "user.signingKey=\(central.identityFile)", "push", "--atomic", "--signed=yes", "--porcelain", central.url]
            + refspecs
        var result = try git.run(arguments)
        // Another push of this host's (by hand, beside the service) holding the same refs: once more, after it.
        if !result.succeeded, result.tail.contains("cannot lock ref") || result.tail.contains("atomic transaction failed") {
            Clock.sleep(1)
            result = try git.run(arguments)
        }
        let lines = result.stdoutText.split(separator: "\n")
        guard result.succeeded else {
            try? writeMetrics(central)
            throw DynixError.fleet(.pushFailed(url: central.url, reason: Self.reason(result)))
        }
        // Porcelain: `FLAG<TAB>FROM:TO<TAB>SUMMARY`; `=` up to date, ` ` fast-forward (`OLD..NEW`), `*` new.
        var changed = false
        var warnings: [String] = []
        let record = PushRecord.load(paths)
        for line in lines {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count >= 3, let flag = fields[0].first else { continue }
            if flag != "=" { changed = true }
            guard fields[1].hasSuffix(":" + HistoryStore.branch), let record, record.url == central.url, flag != "=" else { continue }
            // Older: nothing, or a commit before the acknowledged one (an import may have moved it further on).
            let old = flag == "*" ? nil : fields[2].split(separator: ".").first.map(String.init)
            let older = try old.map { prefix in
                try !record.main.hex.hasPrefix(prefix) && store.isOnBranch(head: record.main) { $0.hex.hasPrefix(prefix) }
            }
            if older ?? true {
                warnings.append(
                    "the central side showed main at \(old.map { String($0.prefix(12)) } ?? "nothing"), older than \(record.main.short), "
                        + "which it acknowledged at \(Clock.localText(record.time)); pushed it again")
            }
        }
        try PushRecord(main: head, time: Clock.now(), url: central.url).store(paths)
        try writeMetrics(central)
        // The refs moved before post-receive runs, and git ignores what it says: a receipt it could not store is
        // said here, or nobody on this side would know.
        if let said = result.tailLines.first(where: { $0.contains("dynix: error:") }), let at = said.firstRange(of: "dynix: error: ") {
            throw DynixError.fleet(.receiptNotStored(url: central.url, said: String(said[at.upperBound...])))
        }
        return PushOutcome(changed: changed, warnings: warnings)
    }

    /// The generation tags whose commits are on `head`, and the numbers of those that are not yet (`apply` writes a
    /// generation's tag before main reaches its commit, so only the newest can be ahead).
    private func generationTags(on head: ObjectID) throws -> (on: [(number: Int, commit: ObjectID)], ahead: [Int]) {
        var tags = try store.generationTags()
        var ahead: [Int] = []
        while let last = tags.last, try !store.isOnBranch(last.commit, head: head) { ahead.append(tags.removeLast().number) }
        return (tags, ahead)
    }

    /// OpenSSH as a service uses it: no agent, no user config, no questions, the given key and known-hosts file only,
    /// and a dead peer noticed within seconds.
    static func sshEnvironment(_ central: CentralConfiguration) -> [String] {
        let command = [
            "ssh", "-F", "/dev/null", "-i", central.identityFile, "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none", "-o", "BatchMode=yes",
            "-o", "ConnectTimeout=\(central.connectTimeout)", "-o", "ServerAliveInterval=5", "-o", "ServerAliveCountMax=2",
            "-o", "UserKnownHostsFile=\(central.knownHostsFile)", "-o", "GlobalKnownHostsFile=/dev/null", "-o", "StrictHostKeyChecking=yes",
            "-o", "UpdateHostKeys=no",
        ].map(ShellWord.quote).joined(separator: " ")
        // The push certificate's `pusher` line: who pushed, from where.
        let pusher = "\(Identity.userName(geteuid()) ?? "root")@\(Identity.hostName() ?? "localhost")"
        return ["GIT_SSH_COMMAND=\(command)", "GIT_SSH_VARIANT=ssh", "GIT_COMMITTER_NAME=dynix", "GIT_COMMITTER_EMAIL=\(pusher)", "GIT_PROTOCOL="]
    }

    /// One line for the error: what ssh or the central side said, else git's last words.
    static func reason(_ result: ChildProcess.Result) -> String {
        if result.timedOut { return "no answer within \(Int(pushTimeout)) s" }
        let lines = result.tailLines
        if let refused = lines.first(where: { $0.contains("dynix: refused:") || $0.contains("dynix: error:") }) {
            let said = refused.firstRange(of: "dynix: ").map { String(refused[$0.upperBound...]) } ?? refused
            return said.hasPrefix("error: ") ? String(said.dropFirst("error: ".count)) : said
        }
        let sshWords = ["ssh:", "Connection", "Host key verification failed", "Permission denied", "timed out"]
        if let ssh = lines.first(where: { line in sshWords.contains { line.contains($0) } }) { return ssh }
        if let rejected = lines.first(where: { $0.hasPrefix("!") || $0.contains("rejected]") }) { return rejected }
        return lines.last ?? "git exited with status \(result.status)"
    }

    /// node_exporter's textfile collector format, replaced whole (a scrape never sees half a file).
    func writeMetrics(_ central: CentralConfiguration) throws {
        guard let file = central.metricsFile else { return }
        let lag = try centralLag(url: central.url)
        var text = ""
        if let last = lag.lastPush {
            text += "# HELP dynix_central_last_push_success_timestamp_seconds When this host's history last reached the central side.\n"
            text += "# TYPE dynix_central_last_push_success_timestamp_seconds gauge\n"
            text += "dynix_central_last_push_success_timestamp_seconds \(last.time)\n"
        }
        text += "# HELP dynix_central_unpushed_commits Commits of this host's history the central side does not hold yet.\n"
        text += "# TYPE dynix_central_unpushed_commits gauge\n"
        text += "dynix_central_unpushed_commits \(lag.unpushed)\n"
        try FileSystem.writeAtomically(file, Array(text.utf8), mode: 0o644)
    }

    /// `dynix push --bundle FILE`: the history in one git bundle, and FILE.sig, signed with `identity`, for a host
    /// that cannot reach the central side (`dynix fleet import` on the other end).
    package func writeBundle(to file: String, identity: String) throws {
        let git = GitCommand(gitDirectory: paths.history, timeout: Self.pushTimeout)
        // main by name (it only moves forward), and the tags on it now: not one `apply` wrote ahead of main.
        let names = [HistoryStore.branch] + (try generationTags(on: try head())).on.map { "refs/tags/gen/\($0.number)" }
        _ = try git.output(["bundle", "create", "--quiet", file, "--stdin"], input: Array((names.joined(separator: "\n") + "\n").utf8))
        try SSHSignature.sign(file: file, identity: identity, namespace: BundleSignature.namespace)
        for path in [file, file + ".sig"] where chmod(path, 0o644) != 0 { throw DynixError.io(path: path, errno: errno) }
    }
}
