/// `dynix apply`: build, activate, confirm, record — or put back what was live. ARCHITECTURE.md "The apply transaction".
extension HistoryWriter {
    package struct ApplyOptions: Equatable, Sendable {
        package var dryRun = false
        package var force = false
        package var allowStaticDrift = false
        package var activationTimeout: Double = 300
        package var confirmTimeout: Double = 30
        package var rollbackOf: Int? = nil
        /// For a dry run of a rollback: the content to build instead of the committed one (nothing is committed).
        package var content: [UInt8]? = nil
        package init() {}
    }

    /// Which stream a program the apply runs wrote to.
    package enum OutputStream: Sendable { case stdout, stderr }

    package enum ApplyProgress {
        case building(staticGeneration: Int?)
        case reusing(program: String, generation: Int)
        case output(OutputStream, [UInt8])
        case activating(program: String)
        case checking(attempt: Int)
        /// Activation failed, or was interrupted by the named signal: putting back what was live starts.
        case restoreStarted(interruptedBy: String?)
        case restoring(String)
    }

    package enum ApplyOutcome: Sendable {
        case applied(ConfigHistory.Generation)
        /// The committed values are the ones live: generation N, or (nil) the static configuration.
        case nothingToApply(ConfigHistory.Generation?)
        /// What an apply would do: the value changes, the program, and what it says it would restart (nil:
        /// the manifest's program has no dry run).
        case dryRun(program: String, changes: [OptionChange], restarts: [String]?)
    }

    package func apply(_ options: ApplyOptions, progress: (ApplyProgress) -> Void) throws -> ApplyOutcome {
        // From the build on, SIGINT/TERM/HUP stop the running program, not dynix: the outcome is always recorded.
        try Interruption.guarding { try applyGuarded(options, progress: progress) }
    }

    private func applyGuarded(_ options: ApplyOptions, progress: (ApplyProgress) -> Void) throws -> ApplyOutcome {
        guard let manifest = try history.manifest() else { throw DynixError.noManifest(paths.manifest) }
        let headID = try history.head()
        let content = try options.content ?? store.content(at: headID)
        let live = try history.liveState()
        if !options.force {
            let same = try history.liveMatchesCommitted(live, content: options.content)
            if same.matches { return .nothingToApply(same.generation) }
        }
        let host = StaticSystem.read(paths)

        // A rollback to a generation built against the running static system can reuse its activation program.
        var program: String?
        // Not in a dry run: only a program built now is known to answer `--dry-run` as the manifest says.
        if !options.dryRun, let target = options.rollbackOf, let generation = try? history.generation(target),
            let recorded = generation.event.activation, FileSystem.exists(recorded),
            generation.event.trailers[.staticSystem] == host.currentSystem
        {
            progress(.reusing(program: recorded, generation: target))
            program = recorded
        }
        if program == nil {
            progress(.building(staticGeneration: host.generation))
            program = try build(content, manifest: manifest, host: host, allowStaticDrift: options.allowStaticDrift, progress: progress)
        }
        guard let program else { throw DynixError.buildFailed(status: 1, output: "") }
        if let signal = Interruption.received { throw DynixError.interrupted(Interruption.name(signal)) }
        if options.dryRun {
            let changes = OptionChange.between(try history.effective(.live), try DynamicFile(bytes: content).effective, manifest: manifest)
            guard manifest.activationDryRun else { return .dryRun(program: program, changes: changes, restarts: nil) }
            let asked = try ChildProcess([program, "--dry-run"], timeout: options.activationTimeout).run()
            if let signal = Interruption.received { throw DynixError.interrupted(Interruption.name(signal)) }
            guard asked.succeeded else { throw DynixError.buildFailed(status: asked.status, output: asked.tail) }
            let restarts = asked.stdoutText.split(separator: "\n").map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }
            return .dryRun(program: program, changes: changes, restarts: restarts)
        }

        progress(.activating(program: program))
        // From here until the outcome is recorded the running system is in between: a crash leaves this
        // marker, and the next command records what it says rather than trusting the old record.
        let marker = ActivationMarker(program: program, head: try history.head(), outcome: nil)
        try marker.write(paths)
        var failure = try Interruption.during(.changing) { try activate(program, manifest: manifest, options: options, progress: progress) }
        // An interrupt that arrived as the check passed still counts: the administrator asked to stop.
        if failure == nil, let signal = Interruption.received {
            failure = ChildProcess.Result(status: 128 + signal, stdout: [], tail: "", timedOut: false)
        }
        // From here the system has changed: an interrupt is refused until the outcome is in the history.
        return try Interruption.during(.recording) {
            try finish(
                failure: failure, program: program, headID: headID, live: live, host: host, manifest: manifest, marker: marker, options: options,
                progress: progress)
        }
    }

    private func finish(
        failure: ChildProcess.Result?, program: String, headID: ObjectID, live: ConfigHistory.LiveState, host: StaticSystem, manifest: Manifest,
        marker: ActivationMarker, options: ApplyOptions, progress: (ApplyProgress) -> Void
    ) throws -> ApplyOutcome {
        var marker = marker
        if let failure {
            let interruption = Interruption.received.map(Interruption.name)
            progress(.restoreStarted(interruptedBy: interruption))
            let (restoreError, restoredStatic) = Interruption.shielded {
                restore(live, manifest: manifest, host: host, options: options, progress: progress)
            }
            let restored: RestoreOutcome = restoreError != nil ? .no : restoredStatic ? .static : .yes
            marker.outcome = restored
            try? marker.write(paths)
            var trailers = Trailers()
            trailers.add(.activation, program)
            trailers.add(.exitStatus, String(failure.status))
            trailers.add(.restored, restored.rawValue)
            trailers.add(.interrupted, interruption)
            let cause = interruption.map { "apply interrupted by \($0)" } ?? "apply failed (exit status \(failure.status))"
            let subject = cause + (restoreError == nil ? "; previous state restored" : "; RESTORE FAILED")
            let body = failure.tail.isEmpty ? nil : "Output (last lines):\n" + failure.tail.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n")
            var recordError: String?
            do {
                try commitEvent(message: history.message(.applyFailed, subject: subject, body: body, trailers: trailers))
            } catch {
                // What happened to the system matters more than the record of it: report both.
                recordError = (error as? DynixError)?.message ?? "\(error)"
            }
            if recordError == nil { ActivationMarker.remove(paths) }
            let output = failure.tail + (recordError.map { "\n(could not record the failure in the history: \($0))" } ?? "")
            if let interruption {
                throw DynixError.applyInterrupted(signal: interruption, restored: restoreError == nil, restoreError: restoreError)
            }
            throw DynixError.applyFailed(status: failure.status, output: output, restored: restoreError == nil, restoreError: restoreError)
        }
        do {
            return .applied(try recordApply(program: program, headID: headID, host: host, rollbackOf: options.rollbackOf))
        } catch let error as DynixError {
            if case .appliedRecordPending = error { throw error }
            // The system changed; the marker stays, so the next command records the state as unknown.
            throw DynixError.appliedNotRecorded(cause: error)
        }
    }

    /// Runs the manifest's `build` on a copy of `content`; returns the activation program's path.
    func build(_ content: [UInt8], manifest: Manifest, host: StaticSystem, allowStaticDrift: Bool, progress: (ApplyProgress) -> Void) throws -> String {
        let input = paths.stateDirectory + "/build-input.nix"
        try FileSystem.writeAtomically(input, content, mode: 0o644)
        defer { FileSystem.remove(input) }
        let argv = manifest.build.map { $0 == "{file}" ? input : $0 }
        let result = try ChildProcess(argv, timeout: 3600).run { stream, bytes in
            // Build chatter goes to stderr; stdout carries the answer.
            if stream == .stderr { progress(.output(.stderr, bytes)) }
        }
        // An interrupted build fails because it was stopped; say that, not "the build failed". While
        // restoring, an interrupt is refused, so the rebuild of what was live carries on.
        if let signal = Interruption.received, !Interruption.isShielded { throw DynixError.interrupted(Interruption.name(signal)) }
        guard result.succeeded else { throw DynixError.buildFailed(status: result.status, output: result.tail) }
        let lines = result.stdoutText.split(separator: "\n").map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }
        guard let last = lines.last, last.hasPrefix("/") else {
            throw DynixError.buildFailed(status: 0, output: "the build printed no activation program path as its last line")
        }
        if !allowStaticDrift, let line = lines.first(where: { $0.hasPrefix("static-system: ") }) {
            let built = String(line.dropFirst("static-system: ".count))
            if let running = host.currentSystem, built != running {
                throw DynixError.staticDrift(built: built, running: running)
            }
        }
        return last
    }

    /// Runs the activation program, then the health check; nil on success, else the failed result.
    func activate(_ program: String, manifest: Manifest, options: ApplyOptions, progress: (ApplyProgress) -> Void) throws -> ChildProcess.Result? {
        let result: ChildProcess.Result
        do {
            result = try ChildProcess([program], timeout: options.activationTimeout).run { progress(.output($0, $1)) }
        } catch {
            return ChildProcess.Result(status: 127, stdout: [], tail: "\(error)", timedOut: false)
        }
        guard result.succeeded, Interruption.received == nil else { return result }
        guard let check = manifest.check else { return nil }
        let deadline = Clock.monotonic() + options.confirmTimeout
        var attempt = 0
        var last = result
        repeat {
            attempt += 1
            progress(.checking(attempt: attempt))
            if let outcome = try? ChildProcess(check, timeout: max(1, options.confirmTimeout)).run(output: { progress(.output($0, $1)) }) {
                if outcome.succeeded { return nil }
                last = outcome
            }
            if Interruption.received != nil { break }
            Clock.sleep(min(0.5, max(0, deadline - Clock.monotonic())))
        } while Clock.monotonic() < deadline && Interruption.received == nil
        let detail = last.tail.isEmpty ? "it printed nothing" : last.tail
        return ChildProcess.Result(
            status: last.status == 0 ? 1 : last.status, stdout: [],
            tail:
                "health check `\(check.joined(separator: " "))` did not pass within \(formatSeconds(options.confirmTimeout)) (exit status \(last.status)): \(detail)",
            timedOut: false)
    }

    /// Puts back what was live before a failed activation: why that failed (nil: it worked), and whether
    /// it was the static configuration that was put back.
    func restore(_ live: ConfigHistory.LiveState, manifest: Manifest, host: StaticSystem, options: ApplyOptions, progress: (ApplyProgress) -> Void) -> (
        error: String?, restoredStatic: Bool
    ) {
        var restoredStatic = false
        do {
            var argv: [String]
            if case .generation(let previous) = live {
                if let recorded = previous.event.activation, FileSystem.exists(recorded) {
                    argv = [recorded]
                } else {
                    argv = [try build(try store.content(at: previous.commit), manifest: manifest, host: host, allowStaticDrift: true, progress: progress)]
                }
                progress(.restoring("generation \(previous.number)"))
            } else {
                argv = manifest.restoreStatic
                restoredStatic = true
                progress(.restoring("the static configuration"))
            }
            guard !argv.isEmpty else { return ("the manifest has no restoreStatic command", restoredStatic) }
            let result = try ChildProcess(argv, timeout: options.activationTimeout).run { progress(.output($0, $1)) }
            let detail = result.tail.isEmpty ? "it printed nothing" : result.tail
            return (result.succeeded ? nil : "restoring exited with status \(result.status): \(detail)", restoredStatic)
        } catch let error as DynixError {
            return (error.message, restoredStatic)
        } catch {
            return ("\(error)", restoredStatic)
        }
    }

    /// The `apply` commit and its annotated tag `gen/N`.
    func recordApply(program: String, headID: ObjectID, host: StaticSystem, rollbackOf: Int?) throws -> ConfigHistory.Generation {
        let number = try nextGenerationNumber()
        var trailers = Trailers()
        trailers.add(.generation, String(number))
        trailers.add(.appliedCommit, try history.lastFileChange().hex)
        trailers.add(.activation, program)
        trailers.add(.rollbackOf, rollbackOf.map(String.init))
        let staticText = host.generation.map { "static \($0)" } ?? "the running static system"
        let subject =
            rollbackOf.map { "apply generation \(number) (rollback to generation \($0)) on \(staticText)" } ?? "apply generation \(number) on \(staticText)"
        let text = history.message(.apply, subject: subject, trailers: trailers)
        // The activation already happened: record it through the txn record, so a crash here is finished
        // by the next command (branch moved, tag made) instead of leaving a live generation unrecorded.
        let old = try store.head()
        let id = try store.makeCommit(parent: old, content: nil, message: text, author: history.author(), committer: history.committer)
        try FileSystem.writeAtomically(paths.transaction, Array(TransactionRecord(old: old, new: id).text.utf8), mode: 0o600)
        FaultInjection.reach(.applyCommitted)
        do {
            try store.tagGeneration(number, commit: id, tagger: history.committer, message: text)
            FaultInjection.reach(.applyTagged)
            try store.advance(from: old, to: id, reason: "dynix: apply")
        } catch let error as DynixError {
            throw DynixError.appliedRecordPending(generation: number, cause: error)
        }
        ActivationMarker.remove(paths)
        FileSystem.remove(paths.transaction)
        history.liveStateCache = nil
        return ConfigHistory.Generation(number: number, event: try history.event(id))
    }

    /// One more than any generation, counting an apply commit whose tag a crash prevented (and tagging it now).
    func nextGenerationNumber() throws -> Int {
        let tags = try store.generationTags()
        var highest = tags.last?.number ?? 0
        var lastApply: HistoryEvent?
        try store.walk { event in
            if event.kind == .apply {
                lastApply = event
                return false
            }
            return true
        }
        if let lastApply, let number = lastApply.generation, !tags.contains(where: { $0.number == number }) {
            try store.tagGeneration(number, commit: lastApply.commit, tagger: history.committer, message: (try store.commit(lastApply.commit)).message)
            highest = max(highest, number)
        }
        return highest + 1
    }
}

extension ConfigHistory {
    /// The generation whose values are exactly the committed ones, when applying would change nothing.
    /// An unknown live state is never "the same": applying is how it becomes known again.
    func liveMatchesCommitted(_ live: LiveState, content: [UInt8]? = nil) throws -> (matches: Bool, generation: ConfigHistory.Generation?) {
        let committed = try content.map { try DynamicFile(bytes: $0).effective } ?? effective(.pending)
        switch live {
        case .generation(let current):
            return (try committedFile(at: current.commit).effective == committed, current)
        case .reset, .rebooted, .resetSpooled, .nothing:
            return (committed.tree.isEmpty, nil)
        case .unknown:
            return (false, nil)
        }
    }

    /// The newest commit that changed the file: what an apply makes live, and what people remember it by.
    func lastFileChange() throws -> ObjectID {
        var found: ObjectID?
        try store.walk { event in
            if event.changesFile { found = event.commit }
            return found == nil
        }
        return try found ?? head()
    }
}
