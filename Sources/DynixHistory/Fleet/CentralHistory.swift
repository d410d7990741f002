/// A host's history as the central repository holds it, read with the same code as on the host: `log --central`,
/// `fleet live`, `fleet status` and `fleet timeline` say what the host's own `log`, `status` and `timeline` said.
extension ConfigHistory {
    package static func openCentral(_ central: CentralRepository, host: HostName) throws -> ConfigHistory {
        let repository: GitRepository
        do { repository = try GitRepository.open(at: central.path) } catch let error as GitError { throw error.refusal(at: central.path) }
        let store = HistoryStore(repository: repository, path: central.path, refPrefix: host.refPrefix)
        guard try store.head() != nil else { throw DynixError.fleet(.noHistory(host, central: central.path)) }
        // A root that does not exist: the caches readers keep beside a history are not written into the central
        // repository, and nothing of this machine (manifest, boot id, spool) is taken for the host's.
        let paths = Paths(root: central.path + "/fleet/no-root/" + host.text)
        let history = ConfigHistory(paths: paths, store: store, identity: Identity(user: "dynix"))
        history.isCentralCopy = true
        return history
    }
}
