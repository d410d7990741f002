import CGit2
import Glibc

/// A commit read out of the repository, as plain values.
struct GitCommit: Sendable {
    let id: ObjectID
    let parents: [ObjectID]
    let tree: ObjectID
    let message: String
    let author: GitSignature
    let committer: GitSignature
}
