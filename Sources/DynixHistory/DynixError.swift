import Glibc

/// Every refusal and failure dynix reports, with the words a person needs to act on it.
public enum DynixError: Error, Equatable {
    case invalidOptionPath(String, String)
    case reservedOptionName(String)
    case unknownOption(String, suggestions: [String])
    case invalidValue(option: String, value: String, expected: String)
    case unrepresentableValue(String)
    case limitExceeded(Limits.Exceeded)
    case unparsableFile(line: Int, column: Int, String)
    case fileUnparsable(path: String, line: Int, column: Int, String)
    /// `init` found a dynamic file it cannot take over (there is no history yet, so `adopt` cannot help).
    case cannotTakeOver(path: String, line: Int, column: Int, String)
    case notInitialised(String)
    case drift(path: String)
    case fileMissing(String)
    case notSetDynamically(String)
    case lockTimeout(holder: Int32?, seconds: Double)
    /// The lock file is not a regular file with one name: dynix would write through it.
    case notOurLock(path: String)
    case permissionDenied(path: String)
    case noSpace(path: String)
    case readOnlyFileSystem(path: String)
    /// A directory where dynix keeps a file (its txn record, the dynamic file…): made by hand, or by a damaged file system.
    case directoryInTheWay(path: String)
    /// A write refused midway, and the file could not be put back: it holds the change, the history not yet.
    case writtenNotRecorded(path: String, cause: String)
    /// libgit2 reported an object written that the repository does not have.
    case objectNotWritten(id: String, repository: String)
    /// A write refused after the branch had moved: the change is in the history.
    case recordedDespite(cause: String, commit: String)
    /// `checkpoint` recorded its compaction, then could not pack.
    case packingFailedAfterCompaction(commit: String, cause: String)
    case io(path: String, String)
    case git(String)
    case manifest(path: String, String)
    case importFailed(String)
    case noSuchGeneration(Int)
    /// A moment before the history's first commit (`starts`: that commit's time).
    case beforeHistory(time: Int64, starts: Int64?)
    /// A moment whose live state nobody knows (a failed apply whose restore failed too), asked for its values.
    case unknownAt(time: Int64)
    case nothingToRollBack
    case staticDrift(built: String, running: String)
    case buildFailed(status: Int32, output: String)
    case noManifest(String)
    case applyFailed(status: Int32, output: String, restored: Bool, restoreError: String?)
    /// SIGINT, SIGTERM or SIGHUP during activation or the health check; what was live was put back (or not).
    case applyInterrupted(signal: String, restored: Bool, restoreError: String?)
    /// The activation and its check succeeded, then the history refused the record (a full disk, say).
    case appliedNotRecorded(cause: String)
    /// As above, but after its txn record: the generation's commit is written and the next command puts it on the branch.
    case appliedRecordPending(generation: Int, cause: String)
    case nixUnavailable(String)
    case untrustedSymlink(path: String, owner: UInt32)
    case interrupted(String)

    public var message: String {
        switch self {
        case .invalidOptionPath(let text, let why): return "`\(text)` is not a valid option path: \(why)"
        case .reservedOptionName(let name): return "`\(name)` is a name of the module system itself, not an option; dynix will not write it"
        case .unknownOption(let path, _): return "\(path) is not a dynamic option on this system"
        case .invalidValue(let option, let value, let expected): return "`\(value)` is not a valid value for \(option): expected \(expected)"
        case .unrepresentableValue(let why): return "the value cannot be written as Nix data: \(why)"
        case .limitExceeded(.pathComponents(let count)): return "the option path has \(count) names; dynix takes at most \(Limits.pathComponents)"
        case .limitExceeded(.pathBytes(let count)): return "the option path is \(count) bytes long; dynix takes at most \(Limits.pathBytes)"
        case .limitExceeded(.valueDepth):
            return "the value nests lists and attribute sets more than \(Limits.valueDepth) levels deep; dynix takes at most \(Limits.valueDepth)"
        case .limitExceeded(.valueBytes): return "the value holds more than \(Limits.valueBytes) bytes of text; dynix takes at most that"
        case .unparsableFile(let line, let column, let why): return "line \(line), column \(column): \(why)"
        case .fileUnparsable(let path, let line, let column, let why): return "\(path):\(line):\(column): \(why)"
        case .cannotTakeOver(let path, let line, let column, let why): return "cannot take over \(path): \(path):\(line):\(column): \(why)"
        case .notInitialised(let path): return "no dynix history at \(path)"
        case .drift(let path): return "\(path) was changed outside dynix"
        case .fileMissing(let path): return "\(path) is missing; there is no edit to adopt"
        case .notSetDynamically(let option): return "\(option) has no dynamic value; it already has its static value"
        case .notOurLock(let path):
            return "\(path) is not dynix's own lock file (a hard link to another file, or not a regular file); dynix will not write to it"
        case .lockTimeout(let holder, let seconds):
            let who = holder.map { "process \($0)" } ?? "another dynix process"
            return "\(who) holds the dynix lock; gave up after \(formatSeconds(seconds))"
        case .permissionDenied(let path): return "no permission to write \(path)"
        case .noSpace(let path): return "cannot write \(path): No space left on device"
        case .readOnlyFileSystem(let path): return "cannot write \(path): Read-only file system"
        case .directoryInTheWay(let path): return "\(path) is a directory; dynix keeps a file there"
        case .writtenNotRecorded(let path, let cause):
            return "\(cause); \(path) already holds the change, which is not in the history yet and could not be taken back"
        case .objectNotWritten(let id, let repository):
            return "\(repository) does not have object \(id.prefix(7)), which libgit2 reported written; nothing was recorded"
        case .recordedDespite(let cause, let commit):
            return "\(cause); the change is recorded all the same (\(commit.prefix(7))), but dynix could not finish cleanly"
        case .packingFailedAfterCompaction(let commit, let cause):
            return "\(cause); the file was compacted and that is recorded (\(commit.prefix(7))), but the history was not packed"
        case .io(let path, let why): return "\(path): \(why)"
        case .git(let why): return "history repository: \(why)"
        case .manifest(let path, let why): return "\(path): \(why)"
        case .importFailed(let why): return "cannot import: \(why)"
        case .noSuchGeneration(let n): return "there is no generation \(n)"
        case .beforeHistory(let time, let starts):
            return "the history starts at \(starts.map { Clock.localText($0) } ?? "?"), after \(Clock.localText(time)): it cannot say what was live then"
        case .unknownAt(let time): return "what was live at \(Clock.localText(time)) is unknown: an apply failed and so did restoring what was live"
        case .nothingToRollBack: return "there is no earlier generation to roll back to"
        case .staticDrift(let built, let running): return "the static configuration changed since the last switch (built against \(built), running \(running))"
        case .buildFailed(let status, _): return "the build failed (exit status \(status)); nothing was changed on the running system"
        case .noManifest(let path): return "no manifest at \(path): dynix does not know how to apply"
        case .applyFailed(let status, _, let restored, let restoreError):
            if restored { return "activation failed (exit status \(status)); the previous state was restored" }
            return
                "ACTIVATION FAILED (exit status \(status)) AND RESTORING THE PREVIOUS STATE FAILED TOO: \(restoreError ?? "unknown error"); THE SYSTEM IS IN AN UNKNOWN STATE"
        case .nixUnavailable(let why): return "cannot run nix-instantiate: \(why)"
        case .interrupted(let signal): return "interrupted by \(signal) before anything was activated; nothing on the running system changed"
        case .applyInterrupted(let signal, let restored, let restoreError):
            if restored { return "apply interrupted by \(signal); the previous state was restored" }
            return
                "APPLY INTERRUPTED BY \(signal) AND RESTORING THE PREVIOUS STATE FAILED: \(restoreError ?? "unknown error"); THE SYSTEM IS IN AN UNKNOWN STATE"
        case .appliedNotRecorded(let cause):
            return "the activation succeeded, but recording it failed (\(cause)); the history says the live state is unknown until the next apply"
        case .appliedRecordPending(let generation, let cause):
            return "the activation succeeded and generation \(generation) is written, but not yet on the branch (\(cause)); "
                + "the next dynix command completes the record"
        case .untrustedSymlink(let path, let owner): return "\(path) is a symbolic link owned by uid \(owner); dynix follows only links owned by root or itself"
        }
    }

    public var hint: String? {
        switch self {
        case .invalidOptionPath: return "write it as Nix does: services.nginx.virtualHosts.\"example.com\".root"
        case .reservedOptionName: return "name the option itself, e.g. services.harmonia.settings.workers"
        case .unknownOption(_, let suggestions):
            if suggestions.isEmpty { return "`dynix options` lists the dynamic options" }
            return "did you mean \(suggestions.joined(separator: " or "))? `dynix options` lists them all"
        case .invalidValue: return "`dynix options` shows each option's type"
        case .unrepresentableValue: return "Nix strings cannot hold NUL; Nix numbers cannot be NaN, infinite or subnormal"
        case .limitExceeded:
            return
                "the limits keep Nix's parser and the module system far from their own (README, \"Limits\"); a setting this large belongs in a file the static configuration names"
        case .unparsableFile, .fileUnparsable: return "fix the file by hand, then record the edit with `dynix adopt`"
        case .cannotTakeOver:
            return "fix it by hand (or move it away) and run `dynix init` again; `dynix init --import FILE` evaluates a file with Nix instead"
        case .notInitialised: return "run `sudo dynix init` (or `dynix init --import FILE` for an existing file)"
        case .notSetDynamically: return "`dynix show` lists the options set dynamically"
        case .fileMissing(let path): return "restore the committed content: `dynix show --nix > \(path)`"
        case .drift: return "review it with `dynix diff --patch pending file`, then `dynix adopt` to record it, or restore it with `dynix show --nix > FILE`"
        case .notOurLock(let path): return "see what it is (`ls -li \(path)`), remove it (`rm \(path)`) and run the command again; dynix makes a new one"
        case .lockTimeout: return "wait for it to finish, or raise --lock-timeout"
        case .permissionDenied:
            return geteuid() == 0
                ? "root was refused: the file or its directory may be immutable (`lsattr`) or under a security module's rule"
                : "dynix changes system state: run it with sudo"
        case .noSpace(let path):
            return "free space on the file system that holds it (`df -h \(path)`) and run the command again"
        case .writtenNotRecorded:
            return "once the cause is gone, the next dynix command records the change (`dynix status` first, to see it)"
        case .packingFailedAfterCompaction: return "once the cause is gone, `dynix checkpoint` packs it"
        case .recordedDespite: return "`dynix status` shows the state; `git --git-dir /var/lib/dynix/history.git fsck` checks the repository"
        case .objectNotWritten(_, let repository):
            return "a full disk does this: check free space (`df -h \(repository)`) and run the command again"
        case .directoryInTheWay(let path):
            return "see what it holds (`ls -la \(path)`), move it away and run the command again; dynix never removes a directory it did not make"
        case .readOnlyFileSystem:
            return "the file system is mounted read-only; remount it read-write (`mount -o remount,rw …`) and run the command again"
        case .io: return nil
        case .git: return "check the repository with `git --git-dir /var/lib/dynix/history.git fsck` (under --root, the same path inside it)"
        case .manifest: return "the NixOS module writes this file; rebuild with `nixos-rebuild switch`"
        case .importFailed: return "the file must evaluate to a list of attribute sets"
        case .noSuchGeneration: return "`dynix generations` lists them"
        case .beforeHistory: return "`dynix log` ends with the history's first event; ask for a moment after it"
        case .unknownAt: return "`dynix log --at TIME` shows the events around it"
        case .nothingToRollBack: return "`dynix generations` lists them"
        case .staticDrift: return "run `nixos-rebuild switch` first, or pass --allow-static-drift to apply anyway"
        case .buildFailed(_, let output): return output.isEmpty ? nil : "its output ended with:\n" + output
        case .noManifest: return "enable the dynix NixOS module, or write the manifest for this root"
        case .applyFailed(_, let output, let restored, _):
            return (restored ? "" : "check the services by hand; ") + "`dynix log -n 3` shows what was recorded"
                + (output.isEmpty ? "" : "\nactivation output ended with:\n" + output)
        case .nixUnavailable: return "install Nix (Debian: apt-get install nix-bin)"
        case .interrupted: return "what was committed is still pending; run `dynix apply` again when ready"
        case .applyInterrupted(_, let restored, _):
            return (restored ? "" : "check the services by hand; ") + "what was committed is still pending; `dynix log -n 3` shows what was recorded"
        case .appliedNotRecorded:
            return "the committed values are running; once the cause is gone, `dynix apply` records them as a generation (`dynix status` shows the state)"
        case .appliedRecordPending:
            return "once the cause is gone, any dynix command run as root completes it (`dynix status`, to see it)"
        case .untrustedSymlink: return "another user may have planted it: inspect it, remove it, and let NixOS recreate the file"
        }
    }

    /// 1 refused, 3 lock, 4 apply failed and restored, 5 restore failed too (or the record of an apply), 130 interrupted (restored or
    /// nothing changed yet): the table in README.md.
    public var exitStatus: Int32 {
        switch self {
        case .lockTimeout: return 3
        case .writtenNotRecorded, .packingFailedAfterCompaction, .recordedDespite, .appliedRecordPending: return 6
        case .applyFailed(_, _, let restored, _): return restored ? 4 : 5
        case .interrupted: return 130
        case .applyInterrupted(_, let restored, _): return restored ? 130 : 5
        case .appliedNotRecorded: return 5
        default: return 1
        }
    }
}
