import CGit2
import Glibc

/// A failed libgit2 call, carrying libgit2's own explanation.
struct GitError: Error, CustomStringConvertible, Equatable {
    let code: Int32
    let operation: String
    let message: String
    /// `errno` right after the call: libgit2 1.5 reports some failed writes (a full disk) with no message.
    var systemError: Int32 = 0

    var description: String { "\(operation): \(message)" }

    /// Reads `git_error_last()` right after a failed call, before anything else can overwrite it.
    static func last(_ code: Int32, _ operation: String) -> GitError {
        let system = errno
        var text = "libgit2 error \(code)"
        if let error = git_error_last(), let cMessage = error.pointee.message {
            text = String(cString: cMessage)
        } else if system != 0 {
            text = String(cString: strerror(system))
        }
        return GitError(code: code, operation: operation, message: text, systemError: system)
    }

    /// A failed system call of dynix's own inside the repository, with `errno`'s words and value.
    static func system(_ operation: String) -> GitError {
        let code = errno
        return GitError(code: -1, operation: operation, message: FileSystem.lastError(code), systemError: code)
    }

    /// The refusal a person can act on: a full disk or a read-only file system by name, else libgit2's words.
    func refusal(at path: String) -> DynixError {
        switch systemError {
        case ENOSPC, EDQUOT: return .noSpace(path: path)
        case EROFS: return .readOnlyFileSystem(path: path)
        default: return .git(operation: operation, libgit2: message)
        }
    }

    var isNotFound: Bool { code == GIT_ENOTFOUND.rawValue }
    var isConflict: Bool { code == GIT_EMODIFIED.rawValue || code == GIT_EEXISTS.rawValue }
}

/// Runs a libgit2 call and turns a negative result into a `GitError`.
func check(_ operation: String, _ result: Int32) throws {
    if result < 0 { throw GitError.last(result, operation) }
}
