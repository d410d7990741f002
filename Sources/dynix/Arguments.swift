import ArgumentParser
import DynixHistory

/// Command-line words parsed once, into the library's types, by argument-parser itself.

extension ConfigHistory.StateName: ExpressibleByArgument {
    package init?(argument: String) { self.init(argument) }
    package static var defaultCompletionKind: CompletionKind { .custom(Completions.states) }
}

extension OptionPath: ExpressibleByArgument {
    package init?(argument: String) {
        guard let path = try? OptionPath(parsing: argument) else { return nil }
        self = path
    }
}

/// `--since`: `2026-11-24`, `2026-11-24 14:03[:05]`, `2026-11-24T14:03:05`, `@EPOCH`, `3 days ago`.
struct PointInTime: ExpressibleByArgument, Equatable {
    let seconds: Int64

    init?(argument: String) {
        guard let seconds = Formatting.parseDate(argument) else { return nil }
        self.seconds = seconds
    }
}

/// How VALUE is read: `--json` or `--string`, at most one; neither means "as the option's type".
enum ValueSyntax: String, EnumerableFlag {
    case json, string

    static func help(for value: ValueSyntax) -> ArgumentHelp? {
        switch value {
        case .json: return "Read VALUE as JSON."
        case .string: return "Read VALUE as a string, whatever it looks like."
        }
    }

    var reading: ValueReading {
        switch self {
        case .json: return .json
        case .string: return .string
        }
    }
}

/// `--date`: how `log` shows times, as git's option of the same name.
enum DateStyle: String, ExpressibleByArgument, CaseIterable {
    case `default`, relative, iso

    func format(_ seconds: Int64) -> String {
        switch self {
        case .default: return Formatting.time(seconds)
        case .relative: return Formatting.relativeTime(seconds)
        case .iso: return Formatting.isoTime(seconds)
        }
    }
}

extension Terminal.ColorMode: ExpressibleByArgument {}
