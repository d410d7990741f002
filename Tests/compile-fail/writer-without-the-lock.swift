// Must NOT compile: only code holding a WriterLock can make a HistoryWriter (scripts/test checks).
import DynixHistory

let history = try ConfigHistory.open(Paths(root: "/tmp/none"), identity: Identity.current(sudoUser: nil))
let writer = HistoryWriter(history, holding: nil)
_ = try writer.unset(["services.x.y"], message: nil)
