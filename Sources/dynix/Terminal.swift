import ArgumentParser
import DynixHistory
import Glibc

/// Output conventions of git and nixos-rebuild: colour only on a terminal and never with NO_COLOR,
/// a pager for long output, errors as `dynix: error: …` with a hint on the next line.
enum Terminal {
    static let stdoutIsTerminal = isatty(1) == 1
    static let colour: Bool = {
        let env = ProcessEnvironment.values
        // no-color.org: a NO_COLOR that is present and not empty turns colour off.
        return stdoutIsTerminal && (env["NO_COLOR"] ?? "").isEmpty && env["TERM"] != "dumb"
    }()

    static func paint(_ text: String, _ code: String) -> String { colour ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
    static func bold(_ t: String) -> String { paint(t, "1") }
    static func dim(_ t: String) -> String { paint(t, "2") }
    static func yellow(_ t: String) -> String { paint(t, "33") }
    static func green(_ t: String) -> String { paint(t, "32") }
    static func red(_ t: String) -> String { paint(t, "31") }
    static func cyan(_ t: String) -> String { paint(t, "36") }

    static func writeError(_ text: String) {
        var line = text
        if !line.hasSuffix("\n") { line += "\n" }
        write(Array(line.utf8), toStandardError: true)
    }

    /// Writes to file descriptor 1 or 2 after flushing what `print` buffered, so the order holds.
    static func write(_ bytes: [UInt8], toStandardError: Bool) {
        fflush(nil)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(toStandardError ? 2 : 1, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            offset += written
        }
    }

    /// Prints `lines`, through the pager when stdout is a terminal and they do not fit on it.
    static func page(_ lines: [String]) {
        let text = lines.joined(separator: "\n") + (lines.isEmpty ? "" : "\n")
        var size = winsize()
        let rows = ioctl(1, UInt(TIOCGWINSZ), &size) == 0 ? Int(size.ws_row) : 0
        guard stdoutIsTerminal, rows > 0, lines.count >= rows else {
            print(text, terminator: "")
            return
        }
        let env = ProcessEnvironment.values
        let pager = env["DYNIX_PAGER"] ?? env["PAGER"] ?? "less -FRX"
        guard !pager.isEmpty, pager != "cat", let pipe = popen(pager, "w") else {
            print(text, terminator: "")
            return
        }
        signal(SIGPIPE, SIG_IGN)
        _ = text.withCString { fputs($0, pipe) }
        pclose(pipe)
    }
}

/// Runs a command body, turning dynix's typed errors into the one-line message, the hint and the exit status.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as DynixError {
        Terminal.writeError(Terminal.red("dynix: error: ") + error.message)
        if let hint = error.hint { Terminal.writeError("hint: " + hint) }
        throw ExitCode(error.exitStatus)
    }
}

extension Terminal {
    /// Columns a string takes on a terminal: East Asian wide characters and emoji take two, combining
    /// marks none, so tables line up with any option name or value.
    static func displayWidth(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { width, scalar in
            switch scalar.properties.generalCategory {
            case .nonspacingMark, .enclosingMark, .format: return width
            default: break
            }
            let v = scalar.value
            let wide =
                (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
                || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
                || (0xFFE0...0xFFE6).contains(v) || (0x1F300...0x1F64F).contains(v) || (0x1F900...0x1F9FF).contains(v)
                || (0x20000...0x3FFFD).contains(v)
            return width + (wide ? 2 : 1)
        }
    }
}
