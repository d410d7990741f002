import CGit2
import Glibc

/// Reading objects back as plain values: commits, the file in a tree, the first-parent walk, patches.
extension GitRepository {
    func commit(_ id: ObjectID) throws -> GitCommit {
        var oid = id.raw
        var commit: OpaquePointer?
        try check("lookup commit \(id.short)", git_commit_lookup(&commit, handle, &oid))
        defer { git_commit_free(commit) }
        var parents: [ObjectID] = []
        for index in 0..<git_commit_parentcount(commit) {
            parents.append(ObjectID(git_commit_parent_id(commit, index)))
        }
        return GitCommit(
            id: id,
            parents: parents,
            tree: ObjectID(git_commit_tree_id(commit)),
            message: String(cString: git_commit_message(commit)),
            author: GitSignature(git_commit_author(commit)),
            committer: GitSignature(git_commit_committer(commit))
        )
    }

    /// The content of `fileName` in `tree`, or nil when the tree has no such entry.
    /// `verifyingHash: false` skips re-hashing the object (zlib's checksum still guards it): only for a caller
    /// that compares the bytes with a copy it trusts, where a damaged object shows as a difference anyway.
    func fileContent(tree: ObjectID, fileName: String, verifyingHash: Bool = true) throws -> [UInt8]? {
        var treeID = tree.raw
        var treeObject: OpaquePointer?
        try check("lookup tree \(tree.short)", git_tree_lookup(&treeObject, handle, &treeID))
        defer { git_tree_free(treeObject) }
        guard let entry = git_tree_entry_byname(treeObject, fileName) else { return nil }
        var blobID = git_tree_entry_id(entry).pointee
        var blob: OpaquePointer?
        if !verifyingHash { git_libgit2_opts_int(Int32(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION.rawValue), 0) }
        defer { if !verifyingHash { git_libgit2_opts_int(Int32(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION.rawValue), 1) } }
        try check("lookup blob", git_blob_lookup(&blob, handle, &blobID))
        defer { git_blob_free(blob) }
        let size = Int(git_blob_rawsize(blob))
        guard size > 0, let raw = git_blob_rawcontent(blob) else { return [] }
        return Array(UnsafeRawBufferPointer(start: raw, count: size))
    }

    /// The commit a reference finally points at, through any annotated tags (a tag made by hand may be lightweight).
    func peeledCommit(of reference: String) throws -> ObjectID {
        var ref: OpaquePointer?
        try check("lookup \(reference)", git_reference_lookup(&ref, handle, reference))
        defer { git_reference_free(ref) }
        var object: OpaquePointer?
        try check("peel \(reference)", git_reference_peel(&object, ref, GIT_OBJECT_COMMIT))
        defer { git_object_free(object) }
        return ObjectID(git_object_id(object))
    }

    /// Calls `visit` for each commit from `start` along first parents, newest first, until it returns false.
    func walkFirstParent(from start: ObjectID, _ visit: (GitCommit) throws -> Bool) throws {
        var walker: OpaquePointer?
        try check("revwalk", git_revwalk_new(&walker, handle))
        defer { git_revwalk_free(walker) }
        git_revwalk_simplify_first_parent(walker)
        var startID = start.raw
        try check("revwalk push", git_revwalk_push(walker, &startID))
        var oid = git_oid()
        while true {
            let status = git_revwalk_next(&oid, walker)
            if status == GIT_ITEROVER.rawValue { return }
            try check("revwalk", status)
            if try !visit(commit(ObjectID(oid))) { return }
        }
    }

    /// A unified diff of one file between two contents, as git would print it.
    func patch(old: [UInt8], new: [UInt8], path: String) throws -> String {
        var patch: OpaquePointer?
        try old.withUnsafeBytes { oldBuffer in
            try new.withUnsafeBytes { newBuffer in
                try check(
                    "diff", git_patch_from_buffers(&patch, oldBuffer.baseAddress, oldBuffer.count, path, newBuffer.baseAddress, newBuffer.count, path, nil))
            }
        }
        defer { git_patch_free(patch) }
        var buffer = git_buf()
        try check("format diff", git_patch_to_buf(&buffer, patch))
        defer { git_buf_dispose(&buffer) }
        guard let pointer = buffer.ptr else { return "" }
        return String(cString: pointer)
    }
}
