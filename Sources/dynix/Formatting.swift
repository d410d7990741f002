import DynixHistory
import Glibc

/// Times and values as people read them.
enum Formatting {
    /// `2026-11-24 14:03` in local time.
    /// `2026-11-24 14:03:05 +0100`: local time, with seconds and the offset, as `git log` prints dates.
    static func time(_ seconds: Int64) -> String {
        strftime(seconds, "%Y-%m-%d %H:%M:%S %z")
    }

    /// `3 minutes ago`, as `git log --date=relative`.
    static func relativeTime(_ seconds: Int64, now: Int64 = Int64(Glibc.time(nil))) -> String {
        let age = now - seconds
        if age < 0 { return "in the future" }
        let units: [(Int64, String)] = [(365 * 86400, "year"), (30 * 86400, "month"), (7 * 86400, "week"), (86400, "day"), (3600, "hour"), (60, "minute")]
        for (size, name) in units where age >= size {
            let n = age / size
            return "\(n) \(name)\(n == 1 ? "" : "s") ago"
        }
        return age == 1 ? "1 second ago" : "\(age) seconds ago"
    }

    /// A labelled row of `status` and `show --at`: the label in a column of 20.
    static func row(_ label: String, _ text: String) -> String { label.padded(20) + text }

    /// Each option's change, its name in a column as wide as the widest, indented by `indent`.
    static func changes(_ changes: [OptionChange], indent: String = "") -> [String] {
        let width = changes.map { Terminal.displayWidth($0.option.description) }.max() ?? 0
        return changes.map { indent + change($0, width: width) }
    }

    /// `400 days`, `3 hours`, `1 second`: the largest whole unit.
    static func duration(_ seconds: Int64) -> String {
        let units: [(Int64, String)] = [(86400, "day"), (3600, "hour"), (60, "minute")]
        for (size, name) in units where seconds >= size {
            let n = seconds / size
            return "\(n) \(name)\(n == 1 ? "" : "s")"
        }
        return seconds == 1 ? "1 second" : "\(seconds) seconds"
    }

    /// ISO 8601 with the local offset, for JSON.
    static func isoTime(_ seconds: Int64) -> String {
        let text = strftime(seconds, "%Y-%m-%dT%H:%M:%S%z")
        // %z gives +0100; ISO 8601 readers prefer +01:00.
        return String(text.dropLast(2)) + ":" + String(text.suffix(2))
    }

    private static func strftime(_ seconds: Int64, _ format: String) -> String { Clock.localText(seconds, format: format) }

    /// Columns padded to their widest cell (in terminal columns); the last column is not padded.
    static func table(header: [String], rows: [[String]]) -> [String] {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { Terminal.displayWidth($0[column]) }.max() ?? 0 }
        return all.map { cells in
            cells.enumerated().map { column, cell in column == cells.count - 1 ? cell : cell.padded(widths[column]) }.joined(separator: "  ")
        }
    }

    static func value(_ value: NixValue?) -> String {
        guard let value else { return "(unset)" }
        return NixSyntax.render(value)
    }

    static func side(_ side: OptionChange.Side) -> String {
        switch side {
        case .dynamic(let v): return NixSyntax.render(v)
        case .staticValue(let v): return (v.map(NixSyntax.render) ?? "unset") + " (static)"
        }
    }

    static func change(_ change: OptionChange, width: Int) -> String {
        let name = change.option.description
        let pad = String(repeating: " ", count: max(1, width - Terminal.displayWidth(name) + 2))
        return name + pad + side(change.from) + " → " + side(change.to)
    }

    static func changeJSON(_ change: OptionChange) -> NixValue {
        func sideJSON(_ side: OptionChange.Side) -> NixValue {
            switch side {
            case .dynamic(let v): return .attrs(["value": v, "static": .bool(false), "set": .bool(true)])
            case .staticValue(let v): return .attrs(["value": v ?? .null, "static": .bool(true), "set": .bool(v != nil)])
            }
        }
        return .attrs(["option": .string(change.option.description), "from": sideJSON(change.from), "to": sideJSON(change.to)])
    }

    /// Parses `--since`: `2026-11-24`, `2026-11-24 14:03[:05]`, `2026-11-24T14:03:05`, `@EPOCH`, `3 days ago`.
    static func parseDate(_ text: String, now: Int64 = Int64(Glibc.time(nil))) -> Int64? {
        // 1970 to the end of 9999: every time dynix compares or draws is far from Int64's ends.
        let range: ClosedRange<Int64> = 0...253_402_300_799
        if text == "now" { return now }
        if text.hasPrefix("@") { return Int64(text.dropFirst()).flatMap { range.contains($0) ? $0 : nil } }
        let words = text.split(separator: " ")
        if words.count == 3, words[2] == "ago", let n = Int64(words[0]), n >= 0 {
            let unit = words[1].hasSuffix("s") ? String(words[1].dropLast()) : String(words[1])
            let seconds: [String: Int64] = ["second": 1, "minute": 60, "hour": 3600, "day": 86400, "week": 604800]
            guard let factor = seconds[unit] else { return nil }
            let (back, overflow) = n.multipliedReportingOverflow(by: factor)
            guard !overflow, range.contains(now - back) else { return nil }
            return now - back
        }
        // DATE, DATE TIME, DATE TIME OFFSET (as dynix and git print times), DATE'T'TIME[OFFSET|Z] (ISO 8601).
        var dateTime = text.replacingOccurrences(of: "T", with: " ").split(separator: " ").map(String.init)
        guard let datePart = dateTime.first, dateTime.count <= 3 else { return nil }
        var offset: Int64?
        if dateTime.count == 3 {
            guard let given = parseOffset(dateTime[2]) else { return nil }
            offset = given
            dateTime.removeLast()
        } else if dateTime.count == 2, let split = dateTime[1].firstIndex(where: { $0 == "+" || $0 == "-" || $0 == "Z" }) {
            guard let given = parseOffset(String(dateTime[1][split...])) else { return nil }
            offset = given
            dateTime[1] = String(dateTime[1][..<split])
        }
        let date = datePart.split(separator: "-").compactMap { Int32($0) }
        guard date.count == 3 else { return nil }
        var parts = tm()
        parts.tm_year = date[0] - 1900
        parts.tm_mon = date[1] - 1
        parts.tm_mday = date[2]
        parts.tm_isdst = -1
        if dateTime.count > 1 {
            let fields = dateTime[1].split(separator: ":", omittingEmptySubsequences: false)
            let clock = fields.compactMap { Int32($0) }
            guard clock.count == fields.count, clock.count >= 2, clock.count <= 3 else { return nil }
            parts.tm_hour = clock[0]
            parts.tm_min = clock[1]
            parts.tm_sec = clock.count > 2 ? clock[2] : 0
        }
        let asked = (parts.tm_year, parts.tm_mon, parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec)
        let result = offset == nil ? mktime(&parts) : timegm(&parts)
        // mktime normalises: 2026-13-01 would become 2027-01-01. A date that does not exist is refused.
        guard result != -1, asked == (parts.tm_year, parts.tm_mon, parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec) else { return nil }
        let seconds = Int64(result) - (offset ?? 0)
        return range.contains(seconds) ? seconds : nil
    }

    /// `Z`, `+01:00`, `+0100`, `-05`: seconds east of UTC.
    private static func parseOffset(_ text: String) -> Int64? {
        if text == "Z" { return 0 }
        guard let sign = text.first, sign == "+" || sign == "-" else { return nil }
        let digits = text.dropFirst().filter { $0 != ":" }
        guard digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber), digits.count == 2 || digits.count == 4 else { return nil }
        let hours = Int64(digits.prefix(2))!
        let minutes = digits.count == 4 ? Int64(digits.suffix(2))! : 0
        guard hours <= 14, minutes < 60 else { return nil }
        return (sign == "-" ? -1 : 1) * (hours * 3600 + minutes * 60)
    }
}

extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        var out = ""
        var rest = self[...]
        while let range = rest.firstRange(of: target) {
            out += rest[..<range.lowerBound] + replacement
            rest = rest[range.upperBound...]
        }
        return out + rest
    }

    /// Pads to `width` terminal columns (wide characters count two).
    func padded(_ width: Int) -> String {
        let columns = Terminal.displayWidth(self)
        return columns >= width ? self : self + String(repeating: " ", count: width - columns)
    }
}
