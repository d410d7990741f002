import Glibc

/// Every refusal and failure dynix reports, with the words a person needs to act on it.
package enum DynixError: Error, Equatable {
    case invalidOptionPath(String, String)
    case reservedOptionName(String)
    case unknownOption(String, suggestions: [String])
    case invalidValue(option: String, value: String, expected: String)
    case unrepresentableValue(String)
    case limitExceeded(Limits.Exceeded)
    /// Not dynix's data format; `path` is nil where the parser did not know where the bytes came from.
    case fileUnparsable(path: String?, line: Int, column: Int, String)
    /// `init` found a dynamic file it cannot take over (there is no history yet, so `adopt` cannot help).
    case cannotTakeOver(path: String, line: Int, column: Int, String)
    case notInitialized(String)
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
    indirect case writtenNotRecorded(path: String, cause: DynixError)
    /// libgit2 reported an object written that the repository does not have.
    case objectNotWritten(id: String, repository: String)
    /// A write refused after the branch had moved: the change is in the history.
    indirect case recordedDespite(cause: DynixError, commit: String)
    /// `checkpoint` recorded its compaction, then could not pack.
    indirect case packingFailedAfterCompaction(commit: String, cause: DynixError)
    /// A system call on `path` failed with `errno` (one a person cannot act on by name, unlike the cases above).
    case io(path: String, errno: Int32)
    /// A libgit2 call failed: what dynix was doing, and libgit2's own explanation.
    case git(operation: String, libgit2: String)
    /// The history's branch has no commit (a repository made by hand, or emptied).
    case emptyHistory(path: String)
    /// The fleet commands' refusals (central repository, forced command, hooks, push).
    case fleet(FleetError)
    /// dynix refused to write what would contradict its own checks: a bug, named so.
    case internalInconsistency(String)
    case manifest(path: String, String)
    case importFailed(String)
    /// `init --import`: Nix reads the file's values differently from what dynix would write (its floats).
    case importWouldChangeValues(path: String)
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
    indirect case appliedNotRecorded(cause: DynixError)
    /// As above, but after its txn record: the generation's commit is written and the next command puts it on the branch.
    indirect case appliedRecordPending(generation: Int, cause: DynixError)
    case nixUnavailable(String)
    case untrustedSymlink(path: String, owner: UInt32)
    case interrupted(String)

    package var message: String {
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
        case .fileUnparsable(nil, let line, let column, let why): return "line \(line), column \(column): \(why)"
        case .fileUnparsable(let path?, let line, let column, let why): return "\(path):\(line):\(column): \(why)"
        case .cannotTakeOver(let path, let line, let column, let why): return "cannot take over \(path): \(path):\(line):\(column): \(why)"
        case .notInitialized(let path): return "no dynix history at \(path)"
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
            return "\(cause.message); \(path) already holds the change, which is not in the history yet and could not be taken back"
        case .objectNotWritten(let id, let repository):
            return "\(repository) does not have object \(id.prefix(7)), which libgit2 reported written; nothing was recorded"
        case .recordedDespite(let cause, let commit):
            return "\(cause.message); the change is recorded all the same (\(commit.prefix(7))), but dynix could not finish cleanly"
        case .packingFailedAfterCompaction(let commit, let cause):
            return "\(cause.message); the file was compacted and that is recorded (\(commit.prefix(7))), but the history was not packed"
        case .io(let path, let code): return "\(path): \(String(cString: strerror(code)))"
        case .git(let operation, let libgit2): return "history repository: \(operation): \(libgit2)"
        case .emptyHistory(let path): return "\(path): branch main has no commits"
        case .fleet(let error): return error.message
        case .internalInconsistency(let what): return "\(what); refusing (this is a bug in dynix)"
        case .manifest(let path, let why): return "\(path): \(why)"
        case .importFailed(let why): return "cannot import: \(why)"
        case .importWouldChangeValues(let path):
            return "cannot import: Nix reads \(path) differently from what dynix would write (Nix 2.8 prints floats with six significant digits)"
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
            return "the activation succeeded, but recording it failed (\(cause.message)); the history says the live state is unknown until the next apply"
        case .appliedRecordPending(let generation, let cause):
            return "the activation succeeded and generation \(generation) is written, but not yet on the branch (\(cause.message)); "
                + "the next dynix command completes the record"
        case .untrustedSymlink(let path, let owner): return "\(path) is a symbolic link owned by uid \(owner); dynix follows only links owned by root or itself"
        }
    }
}
