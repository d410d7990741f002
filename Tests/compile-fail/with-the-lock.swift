// Must compile: the control case, so a failure of the other two means what it says.
import DynixHistory

let history = try ConfigHistory.open(Paths(root: "/tmp/none"), identity: Identity.current(sudoUser: nil))
let writer = try history.beginWriting(lockTimeout: 1)
_ = try writer.append(option: "services.x.y", value: "1", reading: .inferred, message: nil)
