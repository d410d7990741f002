// Must NOT compile: a ConfigHistory can only read; writing needs the HistoryWriter that
// beginWriting() returns while it holds the lock (scripts/test checks that this fails to type-check).
import DynixHistory

let history = try ConfigHistory.open(Paths(root: "/tmp/none"), identity: Identity.current(sudoUser: nil))
_ = try history.append(option: "services.x.y", value: "1", reading: .inferred, message: nil)
