/// The refusals of the fleet commands, central side and host side (`DynixError.fleet`).
package enum FleetError: Error, Equatable, Sendable {
    case invalidHostName(String, reason: String)
    case invalidPublicKey(String)
    /// DIR is not a central repository `dynix fleet init` made.
    case notCentral(path: String)
    /// `fleet init` found something else at DIR.
    case centralInTheWay(path: String)
    case hostAlreadyRegistered(HostName)
    /// A path that would become a word of the forced command holds a character a shell or sshd reads.
    case unsafePath(String)
    /// `add-host` with a key another host has: sshd would take the first line for both.
    case keyAlreadyRegistered(HostName)
    /// A command that changes the central repository, run by another user than its owner.
    case notOwner(path: String, owner: String)
    case unknownHost(String, central: String)
    /// The forced command was asked for something other than a push (`SSH_ORIGINAL_COMMAND`).
    case notAPush(requested: String?)
    /// A hook's refusal of a push or an import, said to the pusher.
    case pushRefused(String)
    case gitFailed(command: String, output: String)
    case noCentralConfiguration(path: String)
    case centralConfiguration(path: String, problem: String)
    /// `dynix push` could not reach the central side, or it did not take the push.
    case pushFailed(url: String, reason: String)
    /// The central side took the push, and its post-receive hook said it could not store the receipt.
    case receiptNotStored(url: String, said: String)
    case bundleSignature(path: String, output: String)
    /// `fleet verify`: refs no stored signature vouches for, one line each (`host H: …`).
    case unvouchedReferences([String])
    /// The host's history is not (yet) in the central repository.
    case noHistory(HostName, central: String)

    var message: String {
        switch self {
        case .invalidHostName(let name, let reason): return "\(quoted(name)) is not a host name: \(reason)"
        case .invalidPublicKey(let why): return "not an OpenSSH public key: \(why)"
        case .notCentral(let path): return "\(path) is not a dynix central repository"
        case .centralInTheWay(let path): return "\(path) exists and is not a dynix central repository; refusing to initialize over it"
        case .hostAlreadyRegistered(let host): return "host \(host) is already registered"
        case .unsafePath(let path): return "\(quoted(path)) cannot go into the forced command: a shell or sshd would read some of its characters"
        case .keyAlreadyRegistered(let host): return "this key is already host \(host)'s"
        case .notOwner(let path, let owner): return "\(path) belongs to \(owner); what changes it runs as \(owner)"
        case .unknownHost(let name, let central): return "no host \(quoted(name)) in \(central)"
        case .notAPush(let requested):
            return requested.map { "refused: only a push (git-receive-pack) is served here, not \(quoted(String($0.prefix(80))))" }
                ?? "refused: only a push (git-receive-pack) is served here, and no command was given"
        case .pushRefused(let why): return "refused: \(why)"
        case .gitFailed(let command, let output):
            let said = output.split(separator: "\n").last.map { ": \($0)" } ?? ""
            return "\(command.prefix(120)) failed\(said)"
        case .noCentralConfiguration(let path): return "no central side is configured: \(path) does not exist"
        case .centralConfiguration(let path, let problem): return "\(path): \(problem)"
        case .pushFailed(let url, let reason): return "push to \(url) failed: \(reason)"
        case .receiptNotStored(let url, let said): return "\(url) took the push but could not store its receipt: \(said)"
        case .bundleSignature(let path, let output):
            let said = output.split(separator: "\n").last.map { ": \($0)" } ?? ""
            return "refused: the signature of \(path) does not verify\(said)"
        case .unvouchedReferences(let lines): return ([lines[0]] + lines.dropFirst().map { "  " + $0 }).joined(separator: "\n")
        case .noHistory(let host, let central): return "\(central) holds no history of host \(host) yet"
        }
    }

    private func quoted(_ text: String) -> String {
        "'" + String(String.UnicodeScalarView(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7f ? "?" : $0 })) + "'"
    }
}
