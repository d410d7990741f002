import ArgumentParser
import DynixHistory
import Glibc

/// A refusal as the user reads it: one `dynix: error:` line, a hint, an exit status (README's table).
protocol Refusal: Error {
    var message: String { get }
    var hint: String? { get }
    var exitStatus: Int32 { get }
}

/// The one place a refusal becomes words on standard error and an exit status, whoever refused: the library
/// (`DynixError`), the word rewriter (`CommandLineWords.Problem`), argument-parser, or a bug.
enum ErrorVoice {
    /// The lines for `refusal`; `colored: false` for a message written where nothing can be decided any more
    /// (the watchdog's, from a signal handler).
    static func text(_ refusal: some Refusal, colored: Bool = true) -> String {
        let head = colored ? Terminal.red("dynix: error: ") : "dynix: error: "
        return head + refusal.message + (refusal.hint.map { "\nhint: " + $0 } ?? "")
    }

    /// Writes `error` in dynix's voice and returns the exit status; argument-parser's own exits (help, `--version`,
    /// an `ExitCode` thrown after a report) are left to it.
    static func report(_ error: Error, command: String?) -> Int32? {
        switch error {
        case let refusal as Refusal:
            Terminal.writeError(text(refusal))
            return refusal.exitStatus
        case is ExitCode, is CleanExit:
            return nil
        default:
            guard Dynix.exitCode(for: error) != .success else { return nil }
            if Dynix.exitCode(for: error) == .validationFailure {
                Terminal.writeError(text(UsageError(parserMessage: Dynix.message(for: error), command: command)))
                return UsageError.status
            }
            // Every refusal is a Refusal; anything else is a bug, still said in dynix's voice.
            Terminal.writeError(text(Bug(error: error)))
            return 1
        }
    }

    /// What a command that has started reports: a refusal, then `ExitCode`, which argument-parser exits with quietly.
    static func reporting(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch {
            if let status = report(error, command: nil) { throw ExitCode(status) }
            throw error
        }
    }
}

/// argument-parser's words for a command line it could not read (a missing value, an unknown option, a failed
/// `validate()`).
struct UsageError: Refusal {
    /// Bad input, as every other refusal of it.
    static let status: Int32 = 1
    let parserMessage: String
    let command: String?

    var message: String {
        let first = parserMessage.split(separator: "\n").first.map(String.init) ?? parserMessage
        return first.prefix(1).lowercased() + first.dropFirst()
    }

    var hint: String? {
        let more = parserMessage.split(separator: "\n").dropFirst().map { String($0.drop { $0 == " " }) }.filter { !$0.isEmpty }
        let usage = command.map { "`dynix \($0) --help` shows its usage" } ?? "`dynix help` lists the commands"
        return (more + [usage]).joined(separator: "; ")
    }

    var exitStatus: Int32 { Self.status }
}

/// An error that is not a refusal: a bug in dynix.
struct Bug: Refusal {
    let error: Error
    var message: String { "unexpected: \(error)" }
    var hint: String? { "this is a bug in dynix; please report it with the command that led to it" }
    var exitStatus: Int32 { 1 }
}

/// The watchdog's refusal, written from its signal handler: prepared before the work starts.
struct GaveUp: Refusal {
    let seconds: UInt32
    var message: String { "gave up after \(seconds) s of its own work (waiting for the lock or for build and activation does not count)" }
    var hint: String? {
        "the history repository may be damaged: `git --git-dir ROOT/var/lib/dynix/history.git fsck --full` (ROOT: / or --root)"
    }
    var exitStatus: Int32 { 1 }
}

extension DynixError: Refusal {
    var hint: String? {
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
        case .fileUnparsable: return "fix the file by hand, then record the edit with `dynix adopt`"
        case .cannotTakeOver:
            return "fix it by hand (or move it away) and run `dynix init` again; `dynix init --import FILE` evaluates a file with Nix instead"
        case .notInitialized: return "run `sudo dynix init` (or `dynix init --import FILE` for an existing file)"
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
        case .writtenNotRecorded(_, let cause):
            return cause.then("once the cause is gone, the next dynix command records the change (`dynix status` first, to see it)")
        case .packingFailedAfterCompaction(_, let cause): return cause.then("once the cause is gone, `dynix checkpoint` packs it")
        case .recordedDespite(let cause, _):
            return cause.then("`dynix status` shows the state; `git --git-dir /var/lib/dynix/history.git fsck` checks the repository")
        case .objectNotWritten(_, let repository):
            return "a full disk does this: check free space (`df -h \(repository)`) and run the command again"
        case .directoryInTheWay(let path):
            return "see what it holds (`ls -la \(path)`), move it away and run the command again; dynix never removes a directory it did not make"
        case .readOnlyFileSystem:
            return "the file system is mounted read-only; remount it read-write (`mount -o remount,rw …`) and run the command again"
        case .io: return nil
        case .git, .emptyHistory:
            return "check the repository with `git --git-dir /var/lib/dynix/history.git fsck` (under --root, the same path inside it)"
        case .internalInconsistency: return "nothing was written; please report it with the command that led to it"
        case .manifest: return "the NixOS module writes this file; rebuild with `nixos-rebuild switch`"
        case .importFailed: return "the file must evaluate to a list of attribute sets"
        case .importWouldChangeValues: return "set such values with `dynix append` instead"
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
        case .appliedNotRecorded(let cause):
            return cause.then(
                "the committed values are running; once the cause is gone, `dynix apply` records them as a generation (`dynix status` shows the state)")
        case .appliedRecordPending(_, let cause):
            return cause.then("once the cause is gone, any dynix command run as root completes it (`dynix status`, to see it)")
        case .untrustedSymlink: return "another user may have planted it: inspect it, remove it, and let NixOS recreate the file"
        case .fleet(let error): return error.hint
        }
    }

    /// 1 refused, 3 lock, 4 apply failed and restored, 5 restore failed too (or the record of an apply), 130 interrupted (restored or
    /// nothing changed yet): the table in README.md.
    var exitStatus: Int32 {
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

extension DynixError {
    /// The cause's own hint (freeing space, say), then what to do once it is dealt with.
    fileprivate func then(_ next: String) -> String {
        hint.map { $0 + "\nhint: " + next } ?? next
    }
}
