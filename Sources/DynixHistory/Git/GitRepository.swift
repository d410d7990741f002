import CGit2
import CGit2Startup
import Glibc

/// libgit2 must be initialized once per process before any call.
private let libgit2Initialized: Bool = {
    _ = dynix_git2_startup_linked()  // keeps the start-up shim linked in
    git_libgit2_init()
    // The history is the audit trail: objects and refs must reach the disk before dynix says "done".
    git_libgit2_opts_int(Int32(GIT_OPT_ENABLE_FSYNC_GITDIR.rawValue), 1)
    // The repository lives at a fixed system path owned by root; a user reading `dynix log` must not be refused
    // by git's safe.directory check, which guards against repositories found by searching, not this one.
    git_libgit2_opts_int(Int32(GIT_OPT_SET_OWNER_VALIDATION.rawValue), 0)
    // The history must not depend on whoever runs dynix: no ~/.gitconfig, XDG or system git config.
    for level in [GIT_CONFIG_LEVEL_GLOBAL, GIT_CONFIG_LEVEL_XDG, GIT_CONFIG_LEVEL_SYSTEM, GIT_CONFIG_LEVEL_PROGRAMDATA] {
        git_libgit2_opts_search_path(Int32(level.rawValue), "")
    }
    return true
}()

/// The one owner of a `git_repository` handle; every libgit2 object it creates is freed before a method returns.
final class GitRepository {
    let handle: OpaquePointer

    private init(handle: OpaquePointer) { self.handle = handle }

    deinit { git_repository_free(handle) }

    /// Creates a bare repository whose HEAD names `initialBranch` (idempotent: an existing one is opened).
    static func initBare(at path: String, initialBranch: String) throws -> GitRepository {
        _ = libgit2Initialized
        var options = git_repository_init_options()
        try check("init options", git_repository_init_options_init(&options, UInt32(GIT_REPOSITORY_INIT_OPTIONS_VERSION)))
        options.flags = GIT_REPOSITORY_INIT_BARE.rawValue | GIT_REPOSITORY_INIT_MKPATH.rawValue
        var raw: OpaquePointer?
        try initialBranch.withCString { branch in
            options.initial_head = branch
            try check("init \(path)", git_repository_init_ext(&raw, path, &options))
        }
        return GitRepository(handle: raw!)
    }

    static func open(at path: String) throws -> GitRepository {
        _ = libgit2Initialized
        var raw: OpaquePointer?
        // NO_SEARCH: never walk up into some enclosing repository.
        try check("open \(path)", git_repository_open_ext(&raw, path, GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue | GIT_REPOSITORY_OPEN_BARE.rawValue, nil))
        return GitRepository(handle: raw!)
    }

    // MARK: references

    /// The object a reference points at, or nil when it does not exist.
    func target(of reference: String) throws -> ObjectID? {
        var oid = git_oid()
        let result = git_reference_name_to_id(&oid, handle, reference)
        if result == GIT_ENOTFOUND.rawValue { return nil }
        try check("resolve \(reference)", result)
        return ObjectID(oid)
    }

    /// Moves `reference` to `newTarget` only if it still points at `expected` (nil: only if it does not exist yet).
    func updateReference(_ reference: String, to newTarget: ObjectID, expecting expected: ObjectID?, logMessage: String) throws {
        var new = newTarget.raw
        var ref: OpaquePointer?
        if var old = expected?.raw {
            try check("update \(reference)", git_reference_create_matching(&ref, handle, reference, &new, 1, &old, logMessage))
        } else {
            try check("create \(reference)", git_reference_create(&ref, handle, reference, &new, 0, logMessage))
        }
        git_reference_free(ref)
    }

    /// Names and targets of the references matching a glob such as `refs/tags/gen/*`.
    func references(matching glob: String) throws -> [(name: String, target: ObjectID)] {
        var iterator: OpaquePointer?
        try check("list \(glob)", git_reference_iterator_glob_new(&iterator, handle, glob))
        defer { git_reference_iterator_free(iterator) }
        var result: [(String, ObjectID)] = []
        while true {
            var ref: OpaquePointer?
            let status = git_reference_next(&ref, iterator)
            if status == GIT_ITEROVER.rawValue { break }
            try check("list \(glob)", status)
            defer { git_reference_free(ref) }
            if let name = git_reference_name(ref), let oid = git_reference_target(ref) {
                result.append((String(cString: name), ObjectID(oid)))
            }
        }
        return result
    }
}
