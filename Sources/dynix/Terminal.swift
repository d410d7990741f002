import ArgumentParser
import DynixHistory
import Glibc

/// Output conventions of git and nixos-rebuild: color only on a terminal (each stream decided on its
/// own), never with NO_COLOR, `--color` to say otherwise; a pager for long output (`--no-pager`); control
/// characters shown escaped on a terminal, never sent raw; errors as `dynix: error: …` and a hint.
enum Terminal {
    enum Stream { case standardOutput, standardError }

    enum ColorMode: String, CaseIterable { case auto, always, never }

    /// Set once from the command line (`GlobalOptions.validate`) before anything is written.
    nonisolated(unsafe) static var colorMode = ColorMode.auto
    nonisolated(unsafe) static var pagerAllowed = true

    static func isTerminal(_ stream: Stream) -> Bool { isatty(stream == .standardOutput ? 1 : 2) == 1 }

    static func color(_ stream: Stream) -> Bool {
        switch colorMode {
        case .always: return true
        case .never: return false
        case .auto:
            // no-color.org: a NO_COLOR that is present and not empty turns color off.
            return isTerminal(stream) && (ProcessEnvironment.value("NO_COLOR") ?? "").isEmpty
                && ProcessEnvironment.value("TERM") != "dumb"
        }
    }

    /// Color is marked here, not decided: `rendered(_:for:)` turns a mark into an escape sequence only
    /// for a stream that shows color, after escaping every control character of the text itself. No
    /// text dynix shows can hold NUL (git, Nix and dynix's own values refuse it), so NUL is the mark.
    private static let mark: Unicode.Scalar = "\u{0}"

    static func paint(_ text: String, _ code: String) -> String { "\u{0}[\(code)m\(text)\u{0}[0m" }
    static func dim(_ t: String) -> String { paint(t, "2") }
    static func yellow(_ t: String) -> String { paint(t, "33") }
    static func green(_ t: String) -> String { paint(t, "32") }
    static func red(_ t: String) -> String { paint(t, "31") }
    static func cyan(_ t: String) -> String { paint(t, "36") }

    /// The text as it goes to `stream`: color marks become escapes or vanish; on a terminal, control
    /// characters (an ESC in a commit message, say) are shown as `^[`, `^?`, `\u{9B}`.
    static func rendered(_ text: String, for stream: Stream) -> String {
        let color = color(stream)
        let escape = isTerminal(stream)
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            // A mark is NUL "[" digits "m"; a NUL in foreign text (a file on disk, a program's output) is not.
            if scalar == mark, let end = markEnd(scalars, from: index) {
                if color {
                    out.append("\u{1B}")
                    out.append(contentsOf: scalars[(index + 1)...end])
                }
                index = end + 1
                continue
            }
            if escape && scalar != "\n" && scalar != "\t" && (scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)) {
                out.append(contentsOf: shown(scalar).unicodeScalars)
            } else {
                out.append(scalar)
            }
            index += 1
        }
        return String(out)
    }

    /// The index of the `m` that ends a color mark starting at `start`, if one does.
    private static func markEnd(_ scalars: [Unicode.Scalar], from start: Int) -> Int? {
        guard start + 2 < scalars.count, scalars[start + 1] == "[" else { return nil }
        var index = start + 2
        while index < scalars.count, (scalars[index].properties.numericType != nil && scalars[index].isASCII) || scalars[index] == ";" { index += 1 }
        return index < scalars.count && index > start + 2 && scalars[index] == "m" ? index : nil
    }

    /// Caret notation for C0 controls and DEL, `\u{…}` for C1.
    static func shown(_ control: Unicode.Scalar) -> String {
        if control.value < 0x20 { return "^" + String(Character(Unicode.Scalar(UInt8(control.value) + 0x40))) }
        if control.value == 0x7F { return "^?" }
        return "\\u{" + String(control.value, radix: 16, uppercase: true) + "}"
    }

    /// All of standard input (a hook's ref updates).
    static func readStandardInput() -> String {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = read(0, &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            bytes += buffer[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `print` for dynix's own output.
    static func out(_ text: String = "", terminator: String = "\n") {
        write(Array((rendered(text, for: .standardOutput) + terminator).utf8), toStandardError: false)
    }

    static func writeError(_ text: String) {
        var line = rendered(text, for: .standardError)
        if !line.hasSuffix("\n") { line += "\n" }
        write(Array(line.utf8), toStandardError: true)
    }

    /// Writes to file descriptor 1 or 2 after flushing what `print` buffered, so the order holds.
    static func write(_ bytes: [UInt8], toStandardError: Bool) {
        fflush(nil)
        _ = writeAll(bytes, to: toStandardError ? 2 : 1)
    }

    /// All of `bytes` to `fd`, through short writes and interruptions; false (with `errno`) when the descriptor refuses.
    static func writeAll(_ bytes: [UInt8], to fd: Int32) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return false }
            offset += written
        }
        return true
    }

    /// Prints `lines`, through the pager when stdout is a terminal and they do not fit on it: `DYNIX_PAGER`,
    /// else `PAGER`, else `less`; `LESS=FRX` when LESS is unset, as git does, so color shows and a short
    /// text does not wait for `q`.
    static func page(_ lines: [String]) {
        let text = rendered(lines.joined(separator: "\n"), for: .standardOutput) + (lines.isEmpty ? "" : "\n")
        var size = winsize()
        let rows = ioctl(1, UInt(TIOCGWINSZ), &size) == 0 ? Int(size.ws_row) : 0
        let pager = ProcessEnvironment.value("DYNIX_PAGER") ?? ProcessEnvironment.value("PAGER") ?? "less"
        guard pagerAllowed, isTerminal(.standardOutput), rows > 0, lines.count >= rows, !pager.isEmpty, pager != "cat" else {
            write(Array(text.utf8), toStandardError: false)
            return
        }
        setenv("LESS", "FRX", 0)
        // As git: Ctrl-C belongs to the pager while it runs; dynix waits for it rather than leave it
        // reading a terminal the shell has taken back.
        let interrupt = signal(SIGINT, SIG_IGN)
        let quit = signal(SIGQUIT, SIG_IGN)
        defer {
            signal(SIGINT, interrupt)
            signal(SIGQUIT, quit)
        }
        guard let pipe = popen(pager, "w") else {
            write(Array(text.utf8), toStandardError: false)
            return
        }
        signal(SIGPIPE, SIG_IGN)
        _ = text.withCString { fputs($0, pipe) }
        pclose(pipe)
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
