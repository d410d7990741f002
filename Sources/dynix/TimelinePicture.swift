import DynixHistory

/// `dynix timeline --svg / --html`: the timeline as one SVG, self-contained (no script, link, image, web font or
/// outside address), readable for a day and for years of history: dense periods are aggregated into one mark per
/// few pixels, every mark has a `<title>` (hovering works without script), and color is never the only cue
/// (static and unknown intervals carry patterns; the palette is Okabe and Ito's, readable by color-blind people
/// and in print).
struct TimelinePicture {
    let timeline: ConfigHistory.LiveTimeline
    let host: String

    static let width = 1200.0
    static let labelWidth = 230.0
    static let rowHeight = 26.0
    /// Okabe–Ito, without its black and yellow (text and the unknown state use those).
    static let palette = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00"]

    static var chartWidth: Double { width - labelWidth - 20 }
    var chartWidth: Double { Self.chartWidth }
    /// The narrowest segment drawn on its own, in pixels; narrower ones side by side become one `dense` mark.
    static let narrowest = 4.0

    /// The shortest stretch of time, in seconds, that is `narrowest` pixels wide on a timeline `span` seconds long.
    static func detail(span: Int64) -> Int64 {
        Int64((Double(max(1, span)) * narrowest / chartWidth).rounded(.up))
    }

    func x(_ time: Int64) -> Double {
        let span = max(1, timeline.to - timeline.from)
        return Self.labelWidth + Double(time - timeline.from) / Double(span) * chartWidth
    }

    static func escape(_ text: String) -> String {
        var result = ""
        for character in text.unicodeScalars {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case _ where (character.value < 0x20 && character != "\n") || character.value == 0xFFFE || character.value == 0xFFFF:
                result += "\u{FFFD}"
            default: result.unicodeScalars.append(character)
            }
        }
        return result
    }

    static func format(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }

    /// A generation's color; any number (a damaged trailer may say 0 or less) has one.
    func color(_ generation: Int) -> String {
        let count = Self.palette.count
        return Self.palette[((generation - 1) % count + count) % count]
    }

    /// The SVG element; `standalone` adds the XML namespace a file of its own needs.
    func svg(standalone: Bool) -> String {
        var rows: [String] = []
        var y = 40.0
        let axis = axisMarks(top: 8)
        rows.append(row("static generation", y: y, body: staticBands(y: y)))
        y += Self.rowHeight + 6
        rows.append(row("dynamic state", y: y, body: intervals(y: y)))
        y += Self.rowHeight + 6
        rows.append(row("events", y: y, body: events(y: y)))
        y += Self.rowHeight + 14
        for lane in timeline.lanes {
            rows.append(row(lane.option, y: y, body: segments(lane.segments, option: lane.option, y: y)))
            y += Self.rowHeight + 4
        }
        let height = y + 10
        let namespace = standalone ? " xmlns=\"http://www.w3.org/2000/svg\"" : ""
        return
            "<svg\(namespace) width=\"\(Self.format(Self.width))\" height=\"\(Self.format(height))\" viewBox=\"0 0 \(Self.format(Self.width)) \(Self.format(height))\" "
            + "font-family=\"sans-serif\" font-size=\"12\" role=\"img\"><title>dynix timeline of \(Self.escape(host))</title>\n"
            + Self.patterns + "\n" + axis + rows.joined(separator: "\n") + "\n</svg>\n"
    }

    /// The fills of the static configuration (grey hatching) and of an unknown state (yellow, crossed): color is
    /// never the only cue. The fleet's page uses them too.
    static let patterns = """
        <defs><pattern id="static" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="#eeeeee"/>\
        <path d="M0 6L6 0" stroke="#999999" stroke-width="1"/></pattern>\
        <pattern id="unknown" width="8" height="8" patternUnits="userSpaceOnUse"><rect width="8" height="8" fill="#F0E442"/>\
        <path d="M0 0L8 8M8 0L0 8" stroke="#000000" stroke-width="1.2"/></pattern></defs>
        """

    func row(_ label: String, y: Double, body: String) -> String {
        let shown = label.count > 34 ? "…" + label.suffix(33) : label
        return "<g><text x=\"4\" y=\"\(Self.format(y + 17))\"><title>\(Self.escape(label))</title>\(Self.escape(String(shown)))</text>\n\(body)</g>"
    }

    func axisMarks(top: Double) -> String { Self.axisMarks(from: timeline.from, to: timeline.to, top: top, x: x) }

    /// The time axis from `from` to `to` (`x` places a time), for this picture and the fleet's.
    static func axisMarks(from: Int64, to: Int64, top: Double, x: (Int64) -> Double) -> String {
        let span = max(1, to - from)
        let steps: [Int64] = [60, 300, 900, 3600, 3 * 3600, 6 * 3600, 86400, 7 * 86400, 30 * 86400, 91 * 86400, 365 * 86400]
        let step = steps.first { span / $0 <= 8 } ?? 365 * 86400
        var marks = "<g stroke=\"#555555\">"
        var tick = (from / step + 1) * step
        // Ticks say the hour within a day and the date beyond; the day and the offset are said once, at the left.
        let format = step >= 86400 ? "%Y-%m-%d" : "%H:%M"
        marks +=
            "<text x=\"4\" y=\"\(Self.format(top + 10))\" stroke=\"none\" fill=\"#000000\" font-size=\"10\">"
            + Self.escape(Clock.localText(from, format: "local time (UTC%z), from %Y-%m-%d")) + "</text>"
        marks += "<line x1=\"\(Self.format(x(from)))\" x2=\"\(Self.format(x(to)))\" y1=\"26\" y2=\"26\"/>"
        while tick < to {
            let at = Self.format(x(tick))
            marks += "<line x1=\"\(at)\" x2=\"\(at)\" y1=\"22\" y2=\"30\"/>"
            marks +=
                "<text x=\"\(at)\" y=\"\(Self.format(top + 10))\" stroke=\"none\" fill=\"#000000\" text-anchor=\"middle\" font-size=\"10\">"
                + Self.escape(Clock.localText(tick, format: format)) + "</text>"
            tick += step
        }
        return marks + "</g>\n"
    }

    func rect(_ from: Int64, _ to: Int64, y: Double, fill: String, attributes: String, title: String, label: String? = nil) -> String {
        let left = x(from)
        let width = max(x(to) - left, 1)
        var text =
            "<rect x=\"\(Self.format(left))\" y=\"\(Self.format(y))\" width=\"\(Self.format(width))\" height=\"\(Self.format(Self.rowHeight - 4))\" "
            + "fill=\"\(fill)\" stroke=\"#333333\" stroke-width=\"0.5\" \(attributes)><title>\(Self.escape(title))</title></rect>"
        if let label, width > Double(label.count) * 7 + 6 {
            text += "<text x=\"\(Self.format(left + 3))\" y=\"\(Self.format(y + 15))\" fill=\"#000000\">\(Self.escape(label))</text>"
        }
        return text + "\n"
    }

    func period(_ from: Int64, _ to: Int64) -> String { "\(Clock.localText(from)) – \(Clock.localText(to))" }

    func staticBands(y: Double) -> String {
        timeline.staticBands.enumerated().map { index, band in
            let name = band.generation.map { "static \($0)" } ?? "static ?"
            return rect(
                band.from, band.to, y: y, fill: index % 2 == 0 ? "#dddddd" : "#bbbbbb", attributes: "data-static=\"\(band.generation.map(String.init) ?? "")\"",
                title: "\(name): \(period(band.from, band.to))", label: name)
        }.joined()
    }

    /// One rect per interval; intervals narrower than a pixel, side by side, become one `dense` rect.
    func intervals(y: Double) -> String {
        var text = ""
        var dense: [ConfigHistory.LiveTimeline.Interval] = []
        func flushDense() {
            guard let first = dense.first, let last = dense.last else { return }
            if dense.count == 1 {
                text += interval(first, y: y)
            } else {
                let states = Set(dense.map(\.state.label)).sorted().joined(separator: ", ")
                text += rect(
                    first.from, last.to, y: y, fill: "#777777",
                    attributes: "data-state=\"dense\" data-count=\"\(dense.count)\" data-from=\"\(first.from)\" data-to=\"\(last.to)\"",
                    title: "\(dense.count) intervals, \(period(first.from, last.to)): \(states)")
            }
            dense = []
        }
        for item in timeline.intervals {
            if x(item.to) - x(item.from) < 1 {
                dense.append(item)
            } else {
                flushDense()
                text += interval(item, y: y)
            }
        }
        flushDense()
        return text
    }

    func interval(_ item: ConfigHistory.LiveTimeline.Interval, y: Double) -> String {
        let fill: String
        let label: String
        switch item.state {
        case .generation(let n): (fill, label) = (color(n), "gen \(n)")
        case .staticConfiguration: (fill, label) = ("url(#static)", "static")
        case .unknown: (fill, label) = ("url(#unknown)", "UNKNOWN")
        }
        var title = "\(label): \(period(item.from, item.to))"
        if let event = item.event { title += "\n\(event.commit.short) \(event.user): \(event.subject)" }
        return rect(
            item.from, item.to, y: y, fill: fill, attributes: "data-state=\"\(item.state.label)\" data-from=\"\(item.from)\" data-to=\"\(item.to)\"",
            title: title, label: label)
    }

    /// A mark per event; several within 3 pixels become one, its title counting them by kind.
    func events(y: Double) -> String {
        var buckets: [(x: Double, events: [HistoryEvent])] = []
        for event in timeline.events {
            let at = x(event.time)
            if let last = buckets.last, abs(last.x - at) < 3 {
                buckets[buckets.count - 1].events.append(event)
            } else {
                buckets.append((at, [event]))
            }
        }
        var text = ""
        for bucket in buckets {
            let kinds = bucket.events.map { $0.kind?.rawValue ?? "commit" }
            let shape =
                kinds.contains("apply-failed")
                ? "apply-failed" : kinds.contains("boot") ? "boot" : kinds.contains("rebuild") ? "rebuild" : kinds.contains("apply") ? "apply" : "append"
            let title: String
            if bucket.events.count == 1, let event = bucket.events.first {
                let options = zip(event.trailers.all(.option), event.trailers.all(.value)).map { "\($0) = \($1)" }.joined(separator: "\n")
                title = "\(Clock.localText(event.time)) \(event.commit.short) \(event.user): \(event.subject)" + (options.isEmpty ? "" : "\n" + options)
            } else {
                var counts: [String: Int] = [:]
                for kind in kinds { counts[kind, default: 0] += 1 }
                let first = bucket.events.first!.time
                let last = bucket.events.last!.time
                title =
                    "\(bucket.events.count) events, \(period(first, last)): "
                    + counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            }
            let cx = Self.format(bucket.x)
            let middle = y + (Self.rowHeight - 4) / 2
            let mark: String
            switch shape {
            case "apply-failed":
                mark =
                    "<path d=\"M\(Self.format(bucket.x - 5)) \(Self.format(middle - 5))l10 10m0 -10l-10 10\" stroke=\"#D55E00\" stroke-width=\"2.5\" fill=\"none\""
            case "boot", "rebuild":
                mark = "<path d=\"M\(cx) \(Self.format(middle - 7))l6 12h-12z\" fill=\"\(shape == "boot" ? "#000000" : "#ffffff")\" stroke=\"#000000\""
            case "apply":
                mark = "<circle cx=\"\(cx)\" cy=\"\(Self.format(middle))\" r=\"5\" fill=\"#009E73\" stroke=\"#000000\""
            default:
                mark = "<rect x=\"\(Self.format(bucket.x - 1))\" y=\"\(Self.format(middle - 6))\" width=\"2\" height=\"12\" fill=\"#0072B2\""
            }
            text +=
                mark + " data-event=\"\(shape)\" data-count=\"\(bucket.events.count)\"><title>\(Self.escape(title))</title>"
                + (mark.hasPrefix("<path") ? "</path>" : mark.hasPrefix("<circle") ? "</circle>" : "</rect>") + "\n"
        }
        for step in timeline.clockSteps {
            let at = Self.format(x(step.event.time))
            text +=
                "<line x1=\"\(at)\" x2=\"\(at)\" y1=\"\(Self.format(y - 4))\" y2=\"\(Self.format(y + Self.rowHeight))\" stroke=\"#D55E00\" stroke-dasharray=\"3 2\">"
                + "<title>the clock was set back \(step.seconds) s before \(step.event.commit.short)</title></line>\n"
        }
        return text
    }

    /// A lane: one rect per value; segments narrower than `narrowest` pixels, side by side, become one dense rect.
    func segments(_ segments: [ConfigHistory.LiveTimeline.Segment], option: String, y: Double) -> String {
        var text = ""
        var dense: [ConfigHistory.LiveTimeline.Segment] = []
        func flushDense() {
            guard let first = dense.first, let last = dense.last else { return }
            if dense.count == 1 && first.resolved {
                text += segment(first, option: option, y: y)
            } else {
                let generations = Set(dense.compactMap(\.generation)).count
                text += rect(
                    first.from, last.to, y: y, fill: "#777777", attributes: "data-option=\"\(Self.escape(option))\" data-count=\"\(dense.count)\"",
                    title: "\(option): \(dense.count) values over \(generations) generations, \(period(first.from, last.to)); "
                        + "narrow the time (--since, --until) to see each")
            }
            dense = []
        }
        for item in segments {
            if x(item.to) - x(item.from) < Self.narrowest || !item.resolved {
                dense.append(item)
            } else {
                flushDense()
                text += segment(item, option: option, y: y)
            }
        }
        flushDense()
        return text
    }

    func segment(_ segment: ConfigHistory.LiveTimeline.Segment, option: String, y: Double) -> String {
        let value = segment.value.map(NixSyntax.render) ?? (segment.isStatic ? "unset" : "unknown")
        let source = segment.isStatic ? "static" : segment.generation.map { "gen \($0)" } ?? "unknown"
        let fill = segment.isStatic ? "url(#static)" : segment.generation.map(color) ?? "url(#unknown)"
        return rect(
            segment.from, segment.to, y: y, fill: fill, attributes: "data-option=\"\(Self.escape(option))\"",
            title: "\(option) = \(value) (\(source)), \(period(segment.from, segment.to))", label: value)
    }

    /// The page: the SVG inline, a heading and a legend, nothing from outside.
    func html() -> String {
        let title = "dynix timeline — \(Self.escape(host))"
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
            <title>\(title)</title>
            <style>body{font-family:sans-serif;margin:16px;color:#000;background:#fff}p{max-width:70em}</style>
            </head><body>
            <h1>\(title)</h1>
            <p>\(Self.escape(period(timeline.from, timeline.to))). Rows: the static generation; the dynamic state (a color per generation, \
            hatched grey: the static configuration, yellow crossed: unknown); events (bar: append, circle: apply, cross: failed apply, \
            triangle: switch, black triangle: boot; a dashed red line: the clock was set back); then each option ever set dynamically, \
            with its live value. Hover over a mark for its details.</p>
            \(svg(standalone: false))</body></html>

            """
    }
}
