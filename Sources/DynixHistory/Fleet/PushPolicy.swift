import Glibc

/// What a host may push into its namespace, checked by the hooks of the central repository (`dynix fleet hook`):
/// `refs/heads/main`, only forward and without merges, and annotated `refs/tags/gen/N`, each once, on main's apply
/// commit of generation N; nothing is ever deleted; a host's first main shares no commit with another host's; and
/// every push is vouched for by HOST's key (a push certificate, or an imported bundle's signature).
package struct PushPolicy {
    let central: CentralRepository
    let host: HostName
    /// The git CLI with the push's quarantine: its objects are not in the repository until every hook said yes.
    let git: GitCommand
    /// Set by `fleet import`: the signed bundle that vouches for this push instead of a push certificate.
    let bundle: String?

    static let mainRef = "refs/heads/main"
    static let generationTagPrefix = "refs/tags/gen/"
    static let importVariable = "DYNIX_FLEET_IMPORT"

    /// The policy for the push a hook runs in: receive-pack runs hooks in the repository's directory, with
    /// `GIT_NAMESPACE` as `fleet receive` set it from the key.
    package static func forHook() throws -> PushPolicy {
        guard let directory = FileSystem.currentDirectory() else { throw DynixError.io(path: ".", errno: errno) }
        let central = try CentralRepository.open(directory)
        guard let namespace = ProcessEnvironment.value("GIT_NAMESPACE"), !namespace.isEmpty else {
            throw DynixError.fleet(.pushRefused("no host namespace: pushes reach this repository only through `dynix fleet receive`"))
        }
        let host = try HostName(namespace)
        guard try central.hosts().contains(where: { $0.host == host }) else { throw DynixError.fleet(.unknownHost(host.text, central: central.path)) }
        let quarantine = ["GIT_QUARANTINE_PATH", "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES"].compactMap { name in
            ProcessEnvironment.value(name).map { "\(name)=\($0)" }
        }
        return PushPolicy(
            central: central, host: host, git: GitCommand(gitDirectory: central.path, extraEnvironment: quarantine),
            bundle: ProcessEnvironment.value(importVariable))
    }

    /// Runs hook `name` (`pre-receive`, `update REF OLD NEW`, `post-receive`) with its standard input.
    package func runHook(_ name: String, arguments: [String], input: String) throws {
        let updates = input.split(separator: "\n").compactMap { RefUpdate(line: $0) }
        switch name {
        case "pre-receive":
            try checkPush(updates)
            try prepareReceipt(updates)
        case "update":
            guard arguments.count == 3 else { throw DynixError.internalInconsistency("the update hook without REF OLD NEW") }
            try checkRef(RefUpdate(old: arguments[1], new: arguments[2], ref: arguments[0]))
        case "post-receive": try recordReceipt(updates)
        default: throw DynixError.internalInconsistency("no hook \(name)")
        }
    }

    // MARK: pre-receive: the whole push

    func checkPush(_ updates: [RefUpdate]) throws {
        try checkProof(updates)
        for update in updates { try checkRef(update) }
        let mainAfter = try updates.first { $0.ref == PushPolicy.mainRef }.map(\.new) ?? currentMain()
        for update in updates where update.ref != PushPolicy.mainRef {
            let commit = try taggedCommit(update)
            guard let mainAfter, try git.succeeds(["merge-base", "--is-ancestor", commit, mainAfter]) else {
                throw refusal("\(update.ref) tags \(commit.prefix(12)), which is not on main")
            }
        }
        if let main = updates.first(where: { $0.ref == PushPolicy.mainRef }), main.creates { try checkSharesNoPast(main.new) }
    }

    /// A push certificate signed by HOST's key for exactly these updates, or (`fleet import`) HOST's bundle signature.
    func checkProof(_ updates: [RefUpdate]) throws {
        if let bundle {
            let imported = try ImportedBundle(path: bundle)
            guard try imported.verifies(for: host, allowedSigners: central.allowedSigners) else {
                throw refusal("the bundle's signature is not \(host)'s")
            }
            for update in updates where imported.heads[update.ref] != update.new {
                throw refusal("\(update.ref) is not what the signed bundle holds")
            }
            return
        }
        guard let certificateID = ProcessEnvironment.value("GIT_PUSH_CERT"), !certificateID.isEmpty else {
            throw refusal("unsigned push; hosts push with `dynix push`, which signs (git push --signed)")
        }
        // git says `G` for a good signature by any key it could check, with an empty signer when the key is not in the
        // allowed-signers file: the signer must be this host, and the certificate is checked here again by itself.
        let status = ProcessEnvironment.value("GIT_PUSH_CERT_STATUS") ?? ""
        let signer = ProcessEnvironment.value("GIT_PUSH_CERT_SIGNER") ?? ""
        guard status == "G", signer == host.text else {
            throw refusal("the push certificate is not signed by \(host)'s key (git said \(status.isEmpty ? "nothing" : status), signer '\(signer)')")
        }
        // SLOP: a nonce this repository issued within `receive.certNonceSlop` seconds (a retried connection).
        guard ["OK", "SLOP"].contains(ProcessEnvironment.value("GIT_PUSH_CERT_NONCE_STATUS") ?? "") else {
            throw refusal("the push certificate's nonce is not this repository's (a replayed or stale certificate)")
        }
        let text = try git.output(["cat-file", "blob", certificateID])
        guard let certificate = PushCertificate(Array(text.utf8)), try certificate.verifies(for: host, allowedSigners: central.allowedSigners)
        else { throw refusal("the push certificate does not verify against \(host)'s key") }
        guard certificate.updates.map(\.line).sorted() == updates.map(\.line).sorted() else {
            throw refusal("the push certificate names other updates than the push")
        }
    }

    // MARK: update: one ref

    func checkRef(_ update: RefUpdate) throws {
        if update.deletes { throw refusal("\(update.ref) would be deleted; nothing is ever deleted here") }
        if update.ref == PushPolicy.mainRef {
            guard try objectType(update.new) == "commit" else { throw refusal("main must name a commit") }
            if !update.creates {
                guard try git.succeeds(["merge-base", "--is-ancestor", update.old, update.new]) else {
                    throw refusal("main \(update.old.prefix(12))..\(update.new.prefix(12)) is not a fast-forward; history is never rewritten")
                }
            }
            let range = update.creates ? [update.new] : [update.new, "^" + update.old]
            let merges = try git.output(["rev-list", "--min-parents=2", "--max-count=1"] + range + ["--"])
            guard merges.isEmpty else { throw refusal("main would gain merge commit \(merges.prefix(12)); the history is linear") }
            return
        }
        guard let number = PushPolicy.generationNumber(update.ref) else {
            throw refusal("\(update.ref): only refs/heads/main and refs/tags/gen/N are kept here")
        }
        guard update.creates else { throw refusal("\(update.ref) exists; a generation tag is never moved") }
        let commit = try taggedCommit(update)
        let message = try git.output(["cat-file", "commit", commit])
        let trailers = Trailers.parse(message: String(message[(message.firstRange(of: "\n\n")?.upperBound ?? message.endIndex)...])).trailers
        guard trailers[.event] == EventKind.apply.rawValue, trailers[.generation] == String(number) else {
            throw refusal("\(update.ref) tags \(commit.prefix(12)), which is not the apply commit of generation \(number)")
        }
    }

    /// `gen/N`'s number; nil for any other name (leading zeros included: `gen/01` would name generation 1 twice).
    static func generationNumber(_ ref: String) -> Int? {
        guard ref.hasPrefix(generationTagPrefix) else { return nil }
        let digits = ref.dropFirst(generationTagPrefix.count)
        guard let first = digits.first, first != "0", digits.count <= 9, digits.allSatisfy(\.isASCIIDigit) else { return nil }
        return Int(digits)
    }

    /// The commit an annotated `gen/N` tag object names, after checking it is one, named as its ref.
    private func taggedCommit(_ update: RefUpdate) throws -> String {
        guard try objectType(update.new) == "tag" else { throw refusal("\(update.ref) must be an annotated tag") }
        let header = try git.output(["cat-file", "tag", update.new]).split(separator: "\n", omittingEmptySubsequences: false).prefix { !$0.isEmpty }
        let fields = Dictionary(header.map { ($0.prefix { $0 != " " }, $0.drop { $0 != " " }.dropFirst()) }, uniquingKeysWith: { a, _ in a })
        guard fields["tag"].map({ "refs/tags/" + $0 }) == update.ref else { throw refusal("\(update.ref) holds a tag object named otherwise") }
        guard fields["type"] == "commit", let object = fields["object"] else { throw refusal("\(update.ref) does not tag a commit") }
        return String(object)
    }

    private func objectType(_ id: String) throws -> String {
        try git.output(["cat-file", "-t", id]).trimmingWhitespace()
    }

    private func currentMain() throws -> String? {
        let result = try git.run(["rev-parse", "--verify", "--quiet", host.refPrefix + PushPolicy.mainRef])
        return result.succeeded ? result.stdoutText.trimmingWhitespace() : nil
    }

    /// No host claims another's past: a first main must reach no commit any other host's main reaches.
    private func checkSharesNoPast(_ new: String) throws {
        let others = try git.output(["for-each-ref", "--format=%(objectname) %(refname)", "refs/namespaces/"]).split(separator: "\n").compactMap {
            line -> String? in
            let words = line.split(separator: " ")
            guard words.count == 2, words[1].hasSuffix("/" + PushPolicy.mainRef), !words[1].hasPrefix(host.refPrefix) else { return nil }
            return String(words[0])
        }
        guard !others.isEmpty else { return }
        let all = try git.output(["rev-list", "--count", new, "--"]).trimmingWhitespace()
        let own = try git.output(["rev-list", "--count", "--stdin"], input: Array((([new] + others.map { "^" + $0 }).joined(separator: "\n") + "\n").utf8))
        guard all == own.trimmingWhitespace() else { throw refusal("main shares commits with another host's history; no host claims another's past") }
    }

    private func refusal(_ why: String) -> DynixError { .fleet(.pushRefused("\(host): \(why)")) }
}
