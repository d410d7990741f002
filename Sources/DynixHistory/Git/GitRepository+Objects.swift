import CGit2
import Glibc

/// Writing objects: blobs (a large one (`GitRepository+LargeBlob.swift`)), the one-file tree, commits and tag objects.
extension GitRepository {
    func createBlob(_ bytes: [UInt8]) throws -> ObjectID {
        if bytes.count >= GitRepository.twoThreadBlobSize, let id = try createLargeBlob(bytes) { return id }
        var oid = git_oid()
        try bytes.withUnsafeBytes { buffer in
            try check("write blob", git_blob_create_from_buffer(&oid, handle, buffer.baseAddress, buffer.count))
        }
        return ObjectID(oid)
    }

    /// A tree holding exactly one regular file.
    func createTree(fileName: String, blob: ObjectID) throws -> ObjectID {
        var builder: OpaquePointer?
        try check("tree builder", git_treebuilder_new(&builder, handle, nil))
        defer { git_treebuilder_free(builder) }
        var blobID = blob.raw
        try check("tree insert", git_treebuilder_insert(nil, builder, fileName, &blobID, GIT_FILEMODE_BLOB))
        var oid = git_oid()
        try check("write tree", git_treebuilder_write(&oid, builder))
        return ObjectID(oid)
    }

    /// Writes a commit object without moving any reference (the caller does that under its own rules).
    func createCommit(tree: ObjectID, parents: [ObjectID], author: GitSignature, committer: GitSignature, message: String) throws -> ObjectID {
        var treeID = tree.raw
        var treeObject: OpaquePointer?
        try check("lookup tree", git_tree_lookup(&treeObject, handle, &treeID))
        defer { git_tree_free(treeObject) }
        var parentObjects: [OpaquePointer?] = []
        defer { for parent in parentObjects { git_commit_free(parent) } }
        for parent in parents {
            var pid = parent.raw
            var commit: OpaquePointer?
            try check("lookup parent", git_commit_lookup(&commit, handle, &pid))
            parentObjects.append(commit)
        }
        var oid = git_oid()
        try author.withRaw { authorSig in
            try committer.withRaw { committerSig in
                try parentObjects.withUnsafeMutableBufferPointer { buffer in
                    try check(
                        "write commit",
                        git_commit_create(&oid, handle, nil, authorSig, committerSig, "UTF-8", message, treeObject, parents.count, buffer.baseAddress))
                }
            }
        }
        return ObjectID(oid)
    }

    /// Creates the annotated tag `refs/tags/<name>`; refuses to overwrite an existing one.
    /// Writes the tag object only; `updateReference("refs/tags/<name>", …)` makes it visible. Two steps, so
    /// the object's directory can be made durable before a durable ref names it.
    func createTagObject(name: String, target: ObjectID, tagger: GitSignature, message: String) throws -> ObjectID {
        var targetID = target.raw
        var object: OpaquePointer?
        try check("lookup tag target", git_object_lookup(&object, handle, &targetID, GIT_OBJECT_COMMIT))
        defer { git_object_free(object) }
        var oid = git_oid()
        try tagger.withRaw { sig in
            try check("create tag \(name)", git_tag_annotation_create(&oid, handle, name, object, sig, message))
        }
        return ObjectID(oid)
    }

    func hasObject(_ id: ObjectID) -> Bool {
        var odb: OpaquePointer?
        guard git_repository_odb(&odb, handle) == 0 else { return false }
        defer { git_odb_free(odb) }
        var oid = id.raw
        return git_odb_exists(odb, &oid) != 0
    }
}
