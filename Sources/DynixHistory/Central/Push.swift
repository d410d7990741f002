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

    /// One push of `head` and the generation tags on it. `apply` writes a generation's tag before main reaches its
    /// commit: a tag whose commit is not on `head` yet is left for the next push (a negative refspec), since the
    /// central side refuses a tag off main, and with it the whole atomic push.
    private func pushOnce(head: ObjectID, to central: CentralConfiguration) throws -> PushOutcome {
        var ahead: [Int] = []
        for tag in try store.generationTags().reversed() {
            if try store.isOnBranch(tag.commit, head: head) { break }
            ahead.append(tag.number)
        }
        let git = GitCommand(gitDirectory: paths.history, extraEnvironment: Self.sshEnvironment(central), timeout: Self.pushTimeout)
        let refspecs = ["\(head.hex):\(HistoryStore.branch)", "refs/tags/gen/*:refs/tags/gen/*"] + ahead.map { "^refs/tags/gen/\($0)" }
        let result = try git.run(
            ["-c", "gpg.format=ssh", "-c", "user.signingKey=\(central.identityFile)", "push", "--atomic", "--signed=yes", "--porcelain", central.url]
                + refspecs)
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
            let old = flag == "*" ? nil : fields[2].split(separator: ".").first.map(String.init)
            if old.map({ !record.main.hex.hasPrefix($0) }) ?? true {
                warnings.append(
                    "the central side showed main at \(old.map { String($0.prefix(12)) } ?? "nothing"), older than \(record.main.short), "
                        + "which it acknowledged at \(Clock.localText(record.time)); pushed it again")
            }
        }
        try PushRecord(main: head, time: Clock.now(), url: central.url).store(paths)
        try writeMetrics(central)
        return PushOutcome(changed: changed, warnings: warnings)
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
        let user = Identity.userName(geteuid()) ?? "root"
        return [
            "GIT_SSH_COMMAND=\(command)", "GIT_SSH_VARIANT=ssh", "GIT_COMMITTER_NAME=dynix", "GIT_COMMITTER_EMAIL=\(user)@\(Self.hostName())",
            "GIT_PROTOCOL=",
        ]
    }

    /// One line for the error: what ssh or the central side said, else git's last words.
    static func reason(_ result: ChildProcess.Result) -> String {
        if result.timedOut { return "no answer within \(Int(pushTimeout)) s" }
        // ssh ends its lines with CRLF, which is one Character: split on both.
        let lines: [String] = result.tail.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }).map { String($0).trimmingWhitespace() }.filter {
            !$0.isEmpty
        }
        if let refused = lines.first(where: { $0.contains("dynix: refused:") || $0.contains("dynix: error:") }) {
            let said = refused.firstRange(of: "dynix: ").map { String(refused[$0.upperBound...]) } ?? refused
            return said.hasPrefix("error: ") ? String(said.dropFirst("error: ".count)) : said
        }
        let sshWords = ["ssh:", "Connection", "Host key verification failed", "Permission denied", "timed out"]
        if let ssh = lines.first(where: { line in sshWords.contains { line.contains($0) } }) { return ssh }
        if let rejected = lines.first(where: { $0.hasPrefix("!") || $0.contains("rejected]") }) { return rejected }
        return lines.last ?? "git exited with status \(result.status)"
    }

    static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// node_exporter's textfile collector format, replaced whole (a scrape never sees half a file).
    func writeMetrics(_ central: CentralConfiguration) throws {
        guard let file = central.metricsFile else { return }
        let lag = try centralLag()
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
        _ = try head()
        let git = GitCommand(gitDirectory: paths.history, timeout: Self.pushTimeout)
        _ = try git.output(["bundle", "create", "--quiet", file, HistoryStore.branch, "--tags"])
        try SSHSignature.sign(file: file, identity: identity, namespace: BundleSignature.namespace)
        for path in [file, file + ".sig"] where chmod(path, 0o644) != 0 { throw DynixError.io(path: path, errno: errno) }
    }
}
