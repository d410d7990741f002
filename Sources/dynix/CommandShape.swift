import ArgumentParser
import DynixHistory

/// A command that reads a history. Opening it (and finishing what a crash left, when nobody holds the
/// lock) and turning `DynixError`s into `dynix: error:` lines happen here, once; a command implements
/// only `run(_:)`, in swift-package-manager's shape.
protocol ReadingCommand: ParsableCommand {
    var global: GlobalOptions { get }
    func run(_ history: ConfigHistory) throws
}

extension ReadingCommand {
    func run() throws {
        try ErrorVoice.reporting { try run(try global.openHistory()) }
    }
}

/// A command that changes a history: it gets a `HistoryWriter`, which holds the lock, or nothing.
protocol WritingCommand: ParsableCommand {
    var global: GlobalOptions { get }
    /// `adopt` exists to record an edit made by hand; every other writer refuses to write over one.
    static var recordsDrift: Bool { get }
    func run(_ writer: HistoryWriter) throws
}

extension WritingCommand {
    static var recordsDrift: Bool { false }

    func run() throws {
        try ErrorVoice.reporting { try run(try global.openForWriting(allowDrift: Self.recordsDrift)) }
    }
}
