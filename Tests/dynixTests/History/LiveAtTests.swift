import DynixHistory
import DynixTestSupport
import Foundation
import XCTest

/// `show --at`, `diff --at`, `log --at`: what was live at any moment, from the history alone.
final class LiveAtTests: XCTestCase {
    /// One step of the story: what it ran, at which (frozen) time, and what `status` and `show live` said after it.
    struct Step {
        let time: Int64
        let live: [String: String]
        let staticGeneration: Int?
        let values: NSDictionary
    }

    static let start = "2026-01-01 00:00:00"

    func epoch(_ text: String) -> Int64 {
        Int64(Run.program(["date", "-d", text, "+%s"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines))!
    }

    /// dynix with the clock frozen at `time` (libfaketime's absolute form; `@TIME` would let it run on, and a slow
    /// step would cross into the next second). The monotonic clock is left alone, for timeouts.
    @discardableResult
    func dynix(_ root: TempRoot, at time: Int64, _ arguments: [String]) -> RunResult {
        let local = Run.program(["date", "-d", "@\(time)", "+%Y-%m-%d %H:%M:%S"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        return Run.program(
            ["/usr/bin/faketime", "-f", local, Run.dynixBinary, "--root", root.path] + arguments,
            environment: ["FAKETIME_DONT_FAKE_MONOTONIC": "1"])
    }

    func json(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    /// The fields of a `live` object both `status --json` and `show --at --json` give.
    func liveFields(_ object: Any?) -> [String: String] {
        var result: [String: String] = [:]
        for (key, value) in object as? [String: Any] ?? [:] where ["state", "generation", "since", "user"].contains(key) {
            result[key] = "\(value)"
        }
        return result
    }

    /// The story: appends, applies, a failed apply restored, one not restored, a static switch, a boot, a rollback
    /// and a clock set back, each step at a frozen time, with what `status` and `show live` said after it.
    /// `clockSetBack: false` leaves out the last three steps (the clock set back, and what follows).
    func story(clockSetBack: Bool = true) throws -> (root: TempRoot, t0: Int64, steps: [Step]) {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/faketime") else { throw XCTSkip("faketime is not installed") }
        let root = Fixtures.applyRoot()
        let t0 = epoch(Self.start)
        var steps: [Step] = []
        func step(_ arguments: [String], minute: Int64, expect statuses: [Int32] = [0], prepare: () -> Void = {}) {
            let time = t0 + minute * 60
            prepare()
            let result = dynix(root, at: time, arguments)
            XCTAssertTrue(statuses.contains(result.status), "\(arguments) at minute \(minute): \(result.status) \(result.stderr)")
            let status = json(dynix(root, at: time, ["status", "--json"]).stdout)
            let show = json(dynix(root, at: time, ["show", "live", "--json"]).stdout)
            steps.append(
                Step(
                    time: time, live: liveFields(status["live"]), staticGeneration: status["staticGeneration"] as? Int,
                    values: (show["values"] as? NSDictionary) ?? [:]))
        }
        let workers = "services.harmonia.settings.workers"
        let name = "services.gotosocial.settings.application-name"
        step(["init"], minute: 0)
        step(["append", workers, "5"], minute: 10)
        step(["apply"], minute: 20)
        step(["append", workers, "6", "--apply"], minute: 30)
        step(["append", Fixtures.activation, Fixtures.Behaviour.fails.rawValue, "--apply"], minute: 40, expect: [4])
        step(["unset", Fixtures.activation], minute: 42)
        step(["rebuild-hook"], minute: 50, prepare: { root.switchStatic(to: 2) })
        step(["append", name, "fine", "--apply"], minute: 60)
        step(["rebuild-hook"], minute: 70, prepare: { root.setBootID("boot-2") })
        // From the static configuration, a failed apply whose restore (restoreStatic) fails too: unknown.
        step(
            ["append", Fixtures.activation, Fixtures.Behaviour.fails.rawValue, "--apply"], minute: 75, expect: [5], prepare: { root.write("restore-fails", "") }
        )
        unlink(root.file("restore-fails"))
        step(["unset", Fixtures.activation], minute: 77)
        step(["rollback", "2"], minute: 80)
        guard clockSetBack else { return (root, t0, steps) }
        // The clock set back 45 minutes: this commit answers for the times it claims.
        step(["append", workers, "7", "--apply"], minute: 45)
        step(["append", "services.harmonia.settings.max_connection_rate", "9"], minute: 110)
        step(["apply"], minute: 120)

        return (root, t0, steps)
    }

    /// At 100 moments spread over the story, `show --at` says what `status` and `show live` said then.
    func testShowAtAnswersWhatStatusSaidAtThatMoment() throws {
        let (root, t0, steps) = try story()
        let workers = "services.harmonia.settings.workers"
        let states = Set(steps.map { $0.live["state"] ?? "" })
        XCTAssertEqual(states, ["none", "generation", "rebuild", "boot", "unknown"], "the story reaches every kind of state")
        let end = t0 + 130 * 60
        for index in 0..<100 {
            let moment = t0 + (end - t0) * Int64(index) / 99
            // The newest step, in the order they ran, made at or before the moment.
            guard let expected = steps.last(where: { $0.time <= moment }) else { continue }
            let result = Run.dynix(root, ["show", "--at", "@\(moment)", "--json"])
            let shown = json(result.stdout)
            let context = "at minute \((moment - t0) / 60) (@\(moment)): \(result.stderr)"
            XCTAssertEqual(liveFields(shown["live"]), expected.live, context)
            XCTAssertEqual(shown["staticGeneration"] as? Int, expected.staticGeneration, context)
            XCTAssertEqual((shown["values"] as? NSDictionary) ?? [:], expected.values, context)
        }
        let before = Run.dynix(root, ["show", "--at", "@\(t0 - 60)"])
        XCTAssertEqual(before.status, 1)
        XCTAssertTrue(before.stderr.hasPrefix("dynix: error: the history starts at "), before.stderr)
        XCTAssertTrue(before.stderr.contains("\nhint: "), before.stderr)

        // diff between two moments: generation 1 (workers 5) against generation 2 (workers 6).
        let diff = Run.dynix(root, ["diff", "--at", "@\(t0 + 25 * 60)", "--at", "@\(t0 + 35 * 60)"])
        XCTAssertEqual(diff.status, 0, diff.stderr)
        XCTAssertTrue(diff.stdout.contains(workers) && diff.stdout.contains("5") && diff.stdout.contains("6"), diff.stdout)
        // log around minute 44 (after the restored failure and the unset): generation 2's apply, further back than
        // the events shown around it, is marked as what was live.
        let log = Run.dynix(root, ["log", "--at", "@\(t0 + 44 * 60)", "-n", "1"]).stdout
        let marked = log.split(separator: "\n").filter { $0.contains("<- what was live at") }
        XCTAssertEqual(marked.count, 1, log)
        XCTAssertTrue(marked.first?.hasPrefix("gen 2") ?? false, log)
        XCTAssertTrue(log.contains("-------- "), "the moment itself is marked: \(log)")
        let logJSON = json(Run.dynix(root, ["log", "--at", "@\(t0 + 44 * 60)", "--json"]).stdout)
        XCTAssertNotNil(logJSON["madeLive"] as? String)
    }

    /// The page of the story: self-contained, its intervals those the story went through, and a real browser
    /// (headless Chromium) draws it. `DYNIX_TIMELINE_PICTURE=PATH` keeps the screenshot (README's picture).
    func testThePageShowsTheStoryAndABrowserDrawsIt() throws {
        let (root, t0, steps) = try story()
        let end = t0 + 130 * 60
        let page = root.file("timeline.html")
        let made = Run.dynix(root, ["timeline", "--html", "--since", "@\(t0)", "--until", "@\(end)", "--name", "host-1", "-o", page])
        XCTAssertEqual(made.status, 0, made.stderr)
        let html = try String(contentsOfFile: page, encoding: .utf8)
        for outside in ["<script", "<link", "<img", "<iframe", "<object", "@import", "@font-face", "http://", "https://"] {
            XCTAssertFalse(html.lowercased().contains(outside), "the page has \(outside)")
        }
        XCTAssertTrue(html.contains("<svg") && html.contains("<title>"))

        // The intervals drawn, consecutive equal states merged, and at 60 moments the state drawn is what `show --at`
        // says then (the clock set back at minute 45: that commit answers for every moment after it).
        let pattern = try NSRegularExpression(pattern: "data-state=\"([^\"]+)\" data-from=\"([0-9]+)\" data-to=\"([0-9]+)\"")
        let drawn = pattern.matches(in: html, range: NSRange(html.startIndex..., in: html)).map { match in
            let text = { (index: Int) in String(html[Range(match.range(at: index), in: html)!]) }
            return (state: text(1), from: Int64(text(2))!, to: Int64(text(3))!)
        }
        var merged: [(state: String, from: Int64, to: Int64)] = []
        for item in drawn {
            if let last = merged.last, last.state == item.state { merged[merged.count - 1].to = item.to } else { merged.append(item) }
        }
        XCTAssertEqual(
            merged.map { "\($0.state) \(($0.from - t0) / 60)-\(($0.to - t0) / 60)" },
            ["static 0-20", "gen:1 20-30", "gen:2 30-45", "gen:5 45-120", "gen:6 120-130"])
        for index in 0..<60 {
            let moment = t0 + 30 + (end - t0 - 60) * Int64(index) / 59
            guard let interval = drawn.last(where: { $0.from <= moment && moment < $0.to }) else {
                XCTFail("no interval drawn at @\(moment)")
                continue
            }
            let live = json(Run.dynix(root, ["show", "--at", "@\(moment)", "--json"]).stdout)["live"] as? [String: Any] ?? [:]
            let state =
                live["state"] as? String == "generation" ? "gen:\(live["generation"] ?? "")" : live["state"] as? String == "unknown" ? "unknown" : "static"
            XCTAssertEqual(interval.state, state, "at minute \((moment - t0) / 60)")
        }
        XCTAssertEqual(steps.count, 15)

        guard FileManager.default.isExecutableFile(atPath: Self.chromium) else { throw XCTSkip("chromium is not installed") }
        let picture = try screenshot(page, in: root)
        let colors = Run.program(["/usr/bin/python3", Run.packageRoot + "/Tests/output/png-colors.py", picture, "#0072B2", "#E69F00", "#F0E442"])
        let fields = colors.stdout.split(separator: " ")
        XCTAssertEqual(colors.status, 0, colors.stderr)
        XCTAssertGreaterThanOrEqual(Int(fields.count > 2 ? fields[2] : "0") ?? 0, 8, "a blank or nearly blank screenshot: \(colors.stdout)")
        XCTAssertTrue(colors.stdout.contains("0072B2") && colors.stdout.contains("E69F00"), "the generations' colors drawn: \(colors.stdout)")
        // README's picture: the story up to the clock step, whose commit would otherwise answer for the switch, the
        // boot and the unknown state after it.
        if let keep = ProcessInfo.processInfo.environment["DYNIX_TIMELINE_PICTURE"] {
            let (plain, start, _) = try story(clockSetBack: false)
            let plainPage = plain.file("timeline.html")
            let until = start + 95 * 60
            XCTAssertEqual(
                Run.dynix(plain, ["timeline", "--html", "--since", "@\(start)", "--until", "@\(until)", "--name", "host-1", "-o", plainPage]).status, 0)
            _ = try? FileManager.default.removeItem(atPath: keep)
            try FileManager.default.copyItem(atPath: try screenshot(plainPage, in: plain), toPath: keep)
        }
    }

    /// Debian's browser itself, not its `/usr/bin/chromium` wrapper: the wrapper's shared-memory check runs
    /// `[ $(findmnt … /dev/shm) -lt … ]`, which prints "unexpected operator" where /dev/shm is mounted twice (two
    /// numbers) and only then decides a flag the screenshot does not need. The browser still logs that it finds no
    /// D-Bus (none runs here); that is its own business, shown only when the screenshot fails.
    static let chromium = "/usr/lib/chromium/chromium"

    /// Headless Chromium's screenshot of `page`.
    func screenshot(_ page: String, in root: TempRoot) throws -> String {
        let picture = page.replacingOccurrences(of: ".html", with: ".png")
        let browser = Run.program(
            [
                Self.chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1240,520",
                "--screenshot=\(picture)", "file://\(page)",
            ],
            environment: ["HOME": root.path])
        XCTAssertEqual(browser.status, 0, browser.stderr)
        return picture
    }

    /// The index of commit times is extended, not trusted as it was: after another apply, `show --at now` says the
    /// new generation.
    func testTheIndexOfCommitTimesFollowsTheBranch() {
        let root = Fixtures.applyRoot()
        Run.dynix(root, ["init"])
        XCTAssertEqual(Run.dynix(root, ["append", "services.harmonia.settings.workers", "5", "--apply"]).status, 0)
        XCTAssertTrue(Run.dynix(root, ["show", "--at", "now"]).stdout.contains("dynamic generation  1,"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: root.file("var/lib/dynix/moments")))
        sleep(1)
        XCTAssertEqual(Run.dynix(root, ["append", "services.harmonia.settings.workers", "6", "--apply"]).status, 0)
        let shown = Run.dynix(root, ["show", "--at", "now"]).stdout
        XCTAssertTrue(shown.contains("dynamic generation  2,") && shown.contains("6"), shown)
    }
}
