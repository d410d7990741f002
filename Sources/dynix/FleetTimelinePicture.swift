import DynixHistory

/// `dynix fleet timeline --html`: a row per host, a bar per interval of what was live there, a mark per push the
/// central side accepted. Self-contained like the single host's page (`TimelinePicture`, whose axis, fills and
/// palette it shares); a bar's color says which settings were live (the same settings on two hosts, the same color),
/// and every interval keeps its own bar (`data-host`, `data-state`, `data-from`, `data-to`), however narrow.
struct FleetTimelinePicture {
    typealias Row = (host: HostName, timeline: ConfigHistory.LiveTimeline?, settings: [Int: String], receipts: [Receipt])

    let rows: [Row]
    let from: Int64
    let to: Int64
    /// Many hosts get thinner rows, so 300 of them still fit a long page.
    let rowHeight: Double

    init(rows: [Row], until: Int64, since: Int64?) {
        self.rows = rows
        let starts = rows.compactMap { $0.timeline?.from }
        from = since ?? starts.min() ?? until
        to = max(until, from + 1)
        rowHeight = rows.count > 40 ? 12 : 24
    }

    func x(_ time: Int64) -> Double {
        TimelinePicture.labelWidth + TimelinePicture.chartWidth * Double(time - from) / Double(max(1, to - from))
    }

    /// Each distinct set of settings in order of first appearance, with its color (the palette repeats past its
    /// six colors; the legend and every bar's title say the settings).
    func legend() -> [(settings: String, color: String)] {
        var seen: [String] = []
        for row in rows {
            for interval in row.timeline?.intervals ?? [] {
                guard case .generation(let number) = interval.state, let settings = row.settings[number], !seen.contains(settings) else { continue }
                seen.append(settings)
            }
        }
        return seen.enumerated().map { ($1, TimelinePicture.palette[$0 % TimelinePicture.palette.count]) }
    }

    func svg() -> String {
        let colors = Dictionary(legend().map { ($0.settings, $0.color) }, uniquingKeysWith: { first, _ in first })
        var body = ""
        var y = 40.0
        for row in rows {
            let host = TimelinePicture.escape(row.host.text)
            body += "<g><text x=\"4\" y=\"\(TimelinePicture.format(y + rowHeight * 0.7))\" font-size=\"\(rowHeight > 20 ? 12 : 9)\">\(host)</text>\n"
            for interval in row.timeline?.intervals ?? [] {
                let fill: String
                let label: String
                switch interval.state {
                case .generation(let number):
                    let settings = row.settings[number] ?? ""
                    (fill, label) = (colors[settings] ?? "#777777", "gen \(number)" + (settings.isEmpty ? "" : "\n" + settings))
                case .staticConfiguration: (fill, label) = ("url(#static)", "static")
                case .unknown: (fill, label) = ("url(#unknown)", "UNKNOWN")
                }
                let left = x(interval.from)
                let width = max(x(interval.to) - left, 1)
                body +=
                    "<rect x=\"\(TimelinePicture.format(left))\" y=\"\(TimelinePicture.format(y))\" width=\"\(TimelinePicture.format(width))\" "
                    + "height=\"\(TimelinePicture.format(rowHeight - 4))\" fill=\"\(fill)\" stroke=\"#333333\" stroke-width=\"0.5\" "
                    + "data-host=\"\(host)\" data-state=\"\(interval.state.label)\" data-from=\"\(interval.from)\" data-to=\"\(interval.to)\">"
                    + "<title>\(host): \(TimelinePicture.escape(label)), \(TimelinePicture.escape("\(Clock.localText(interval.from)) – \(Clock.localText(interval.to))"))</title></rect>\n"
                // Where the bar is wide enough, its generation is written on it: the palette repeats past six sets.
                let short = String(label.prefix { $0 != "\n" })
                if rowHeight > 20, width > Double(short.count) * 7 + 6 {
                    body += "<text x=\"\(TimelinePicture.format(left + 3))\" y=\"\(TimelinePicture.format(y + 15))\" fill=\"#000000\">\(short)</text>\n"
                }
            }
            if row.timeline == nil {
                body +=
                    "<text x=\"\(TimelinePicture.format(TimelinePicture.labelWidth))\" y=\"\(TimelinePicture.format(y + rowHeight * 0.7))\" fill=\"#555555\" "
                    + "font-size=\"\(rowHeight > 20 ? 12 : 9)\">no history here yet</text>\n"
            }
            for receipt in row.receipts where receipt.received >= from && receipt.received <= to {
                let at = TimelinePicture.format(x(receipt.received))
                body +=
                    "<path class=\"receipt\" data-host=\"\(host)\" data-time=\"\(receipt.received)\" d=\"M\(at) \(TimelinePicture.format(y + rowHeight - 4))"
                    + "l-4 4h8z\" fill=\"#000000\"><title>\(host): push received \(TimelinePicture.escape(Clock.localText(receipt.received)))</title></path>\n"
            }
            body += "</g>\n"
            y += rowHeight + 4
        }
        let height = y + 10
        let width = TimelinePicture.format(TimelinePicture.width)
        return "<svg width=\"\(width)\" height=\"\(TimelinePicture.format(height))\" viewBox=\"0 0 \(width) \(TimelinePicture.format(height))\" "
            + "font-family=\"sans-serif\" font-size=\"12\" role=\"img\"><title>dynix fleet timeline</title>\n" + TimelinePicture.patterns + "\n"
            + TimelinePicture.axisMarks(from: from, to: to, top: 8, x: x) + body + "</svg>\n"
    }

    /// The settings behind each color, at most 24 of them (past that, the bars' titles say them).
    func legendHTML() -> String {
        let entries = legend()
        guard !entries.isEmpty else { return "" }
        let items = entries.prefix(24).map { entry in
            "<li><svg width=\"14\" height=\"14\"><rect width=\"14\" height=\"14\" fill=\"\(entry.color)\" stroke=\"#333333\"/></svg> "
                + "<code>\(TimelinePicture.escape(entry.settings).replacing("\n", with: "; "))</code></li>"
        }
        let more = entries.count > 24 ? "<li>and \(entries.count - 24) more sets of settings</li>" : ""
        return "<ul class=\"legend\">" + items.joined() + more + "</ul>"
    }

    func html() -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
        <title>dynix fleet timeline</title>
        <style>body{font-family:sans-serif;margin:16px;color:#000;background:#fff}p{max-width:70em}ul.legend{list-style:none;padding:0;columns:2;font-size:12px}ul.legend li{break-inside:avoid}</style>
        </head><body>
        <h1>dynix fleet timeline — \(counted(rows.count, "host", "hosts"))</h1>
        <p>\(TimelinePicture.escape("\(Clock.localText(from)) – \(Clock.localText(to))")). One row per host: what was live there, by its own \
        history (a color per set of settings made live, the same on every host; hatched grey: the static configuration; yellow crossed: \
        unknown); a black triangle under a row: the central side accepted a push from that host. Hover over a bar for its details.</p>
        \(legendHTML())
        \(svg())</body></html>

        """
    }
}
