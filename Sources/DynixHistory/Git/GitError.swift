import CGit2

/// A failed libgit2 call, carrying libgit2's own explanation.
struct GitError: Error, CustomStringConvertible, Equatable {
    let code: Int32
    let operation: String
    let message: String

    var description: String { "\(operation): \(message)" }

    /// Reads `git_error_last()` right after a failed call, before anything else can overwrite it.
    static func last(_ code: Int32, _ operation: String) -> GitError {
        var text = "libgit2 error \(code)"
        if let error = git_error_last(), let cMessage = error.pointee.message {
            text = String(cString: cMessage)
        }
        return GitError(code: code, operation: operation, message: text)
    }

    var isNotFound: Bool { code == GIT_ENOTFOUND.rawValue }
    var isConflict: Bool { code == GIT_EMODIFIED.rawValue || code == GIT_EEXISTS.rawValue }
}

/// Runs a libgit2 call and turns a negative result into a `GitError`.
func check(_ operation: String, _ result: Int32) throws {
    if result < 0 { throw GitError.last(result, operation) }
}
