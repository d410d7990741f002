import DynixTestSupport
import Foundation
import XCTest

@testable import DynixHistory

/// The effective-value cache (EffectiveCache.swift): it gives exactly the parsed fold, and a damaged or
/// unwritable cache changes no answer.
final class EffectiveCacheTests: XCTestCase {
    /// Equal, with floats compared bit for bit (`==` takes -0.0 for 0.0).
    func identical(_ a: NixValue, _ b: NixValue) -> Bool {
        switch (a, b) {
        case (.float(let x), .float(let y)): return x.bitPattern == y.bitPattern
        case (.list(let x), .list(let y)): return x.count == y.count && zip(x, y).allSatisfy { identical($0, $1) }
        case (.attrs(let x), .attrs(let y)): return x.count == y.count && x.allSatisfy { key, value in y[key].map { identical(value, $0) } ?? false }
        default: return a == b
        }
    }

    func assertIdentical(_ a: EffectiveValues?, _ b: EffectiveValues, _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        guard let a else { return XCTFail("not cached: \(message)", file: file, line: line) }
        XCTAssertTrue(identical(.attrs(a.tree), .attrs(b.tree)), "\(message)\ncached: \(a.tree)\nparsed: \(b.tree)", file: file, line: line)
    }

    func makeHistory(_ root: TempRoot) throws -> HistoryWriter {
        try ConfigHistory.initialize(root.paths, identity: Identity(user: "test"), lockTimeout: 5).0
    }

    func randomEntry(_ generator: inout ValueGenerator) -> Entry {
        let names = ["a", "b", "c"]
        // A small alphabet of names makes later entries override and merge with earlier ones.
        let path = OptionPath(["services"] + (0..<(1 + generator.below(3))).map { _ in names[generator.below(3)] })
        let value: NixValue
        switch generator.below(4) {
        case 0:
            var set: [String: NixValue] = [:]
            set[names[generator.below(3)]] = .float(generator.float())
            set[names[generator.below(3)]] = generator.value(depth: 2)
            value = .attrs(set)
        case 1: value = .float(generator.float())
        default: value = generator.value(depth: 1)
        }
        return Entry(path: path, value: value)
    }

    /// Random histories of appends (floats, nested sets that merge) and unsets: after every commit the cache holds
    /// exactly the parsed fold of the head, and the append's merge stored it without a reader.
    func testCacheGivesExactlyTheParsedFold() throws {
        for seed in UInt64(1)...4 {
            let root = TempRoot()
            let writer = try makeHistory(root)
            var generator = ValueGenerator(seed: seed)
            var headWasCached = false
            for step in 0..<40 {
                let reader = try ConfigHistory.open(root.paths, identity: Identity(user: "test"))
                let current = try reader.committedFile().effective
                var appended = false
                let leaves = current.leafEntries
                if step > 3, generator.below(6) == 0, !leaves.isEmpty {
                    _ = try writer.unset([leaves[generator.below(leaves.count)].path.description], message: nil)
                } else {
                    _ = try writer.append((0..<(1 + generator.below(2))).map { _ in randomEntry(&generator) }, message: nil)
                    appended = true
                }
                let history = try ConfigHistory.open(root.paths, identity: Identity(user: "test"))
                let head = try history.head()
                let parsed = try history.committedFile().effective
                if appended && headWasCached {
                    assertIdentical(history.cachedEffective(atCommit: head), parsed, "seed \(seed) step \(step): the append's merge")
                }
                assertIdentical(try history.effective(.pending), parsed, "seed \(seed) step \(step)")
                assertIdentical(history.cachedEffective(atCommit: head), parsed, "seed \(seed) step \(step): stored")
                headWasCached = true
            }
            let files = FileSystem.listDirectory(root.paths.effectiveCache)
            XCTAssertLessThanOrEqual(files.count, EffectiveCache.spare + 2, "the cache is bounded: \(files)")
        }
    }

    /// Any finite double, and every kind of value, reads back from the cache bit for bit.
    func testValuesRoundTripExactly() throws {
        let root = TempRoot()
        let cache = EffectiveCache(directory: root.file("cache"))
        var generator = ValueGenerator(seed: 99)
        var tree: [String: NixValue] = [:]
        for n in 0..<2000 {
            var bits = generator.next()
            while !Double(bitPattern: bits).isFinite { bits = generator.next() }
            tree["f\(n)"] = .float(Double(bitPattern: bits))
        }
        for n in 0..<200 { tree["v\(n)"] = .attrs(["x": generator.value(), generator.name(): generator.value(depth: 1)]) }
        tree["edge"] = .list([.float(-0.0), .float(0.0), .float(.greatestFiniteMagnitude), .float(.leastNormalMagnitude), .int(.min), .int(.max)])
        let values = EffectiveCache.values(tree)
        let key = ObjectID(hex: String(repeating: "ab", count: 20))!
        cache.store(values, for: key, keep: [])
        assertIdentical(cache.load(key), values, "round trip")
        XCTAssertNil(cache.load(ObjectID(hex: String(repeating: "cd", count: 20))!))
    }

    /// A truncated, empty, flipped or otherwise wrong entry is a miss: the answer is the parsed one, and the entry is replaced.
    func testCorruptEntryIsIgnoredAndReplaced() throws {
        let root = TempRoot()
        let writer = try makeHistory(root)
        var generator = ValueGenerator(seed: 5)
        for _ in 0..<30 { _ = try writer.append([randomEntry(&generator)], message: nil) }
        let history = try ConfigHistory.open(root.paths, identity: Identity(user: "test"))
        let parsed = try history.committedFile().effective
        _ = try history.effective(.pending)
        let tree = try history.store.commit(history.head()).tree
        let path = history.effectiveCache.file(tree)
        let good = try XCTUnwrap(FileManager.default.contents(atPath: path))
        let newline = good.firstIndex(of: 10)!
        let header = good[..<newline]
        var flipped = good
        flipped[good.count - 3] ^= 0x01
        func entry(_ body: String) -> Data {
            let bytes = Array(body.utf8)
            return Data("dynix-effective 1 \(tree.hex) \(bytes.count) \(EffectiveCache.checksum(bytes[...]))\n".utf8) + bytes
        }
        let damaged: [(String, Data)] = [
            ("empty", Data()),
            ("truncated", good.prefix(good.count / 2)),
            ("header only", Data(header)),
            ("one bit flipped", flipped),
            ("zeros", Data(repeating: 0, count: good.count)),
            ("another key", Data(String(decoding: good, as: UTF8.self).replacingOccurrences(of: tree.hex, with: String(repeating: "0", count: 40)).utf8)),
            ("not a set", entry("[1,2]")),
            ("not JSON", entry("{\"services\":")),
            ("wrong checksum", Data(header) + Data("\n{\"services\":{}}".utf8)),
        ]
        for (name, bytes) in damaged {
            XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: bytes))
            XCTAssertNil(history.effectiveCache.load(tree), name)
            assertIdentical(try history.effective(.pending), parsed, name)
            assertIdentical(history.effectiveCache.load(tree), parsed, "\(name): replaced")
        }
    }

    /// A cache that cannot be written (here a file where its directory should be: root writes anywhere) is no error.
    func testUnwritableCacheStillAnswers() throws {
        let root = TempRoot()
        let writer = try makeHistory(root)
        var generator = ValueGenerator(seed: 11)
        for _ in 0..<10 { _ = try writer.append([randomEntry(&generator)], message: nil) }
        try? FileManager.default.removeItem(atPath: root.paths.effectiveCache)
        root.write("var/lib/dynix/effective", "not a directory")
        for _ in 0..<3 { _ = try writer.append([randomEntry(&generator)], message: nil) }
        let history = try ConfigHistory.open(root.paths, identity: Identity(user: "test"))
        assertIdentical(try history.effective(.pending), try history.committedFile().effective, "unwritable")
        XCTAssertEqual(root.read("var/lib/dynix/effective"), "not a directory")
    }

    func dynix(_ root: TempRoot, _ arguments: String..., file: StaticString = #filePath, line: UInt = #line) -> String {
        let result = Run.dynix(root, arguments)
        XCTAssertEqual(result.status, 0, "\(arguments): \(result.stderr)", file: file, line: line)
        return result.stdout
    }

    /// `status` and `diff` print the same with the cache filled, deleted, damaged, and for a user who cannot write it.
    func testStatusAndDiffAreTheSameWithAndWithoutTheCache() throws {
        let root = Fixtures.applyRoot()
        _ = dynix(root, "init")
        _ = dynix(root, "append", "services.harmonia.settings.workers", "8")
        _ = dynix(root, "append", "services.gotosocial.settings.application-name", "one")
        _ = dynix(root, "apply")
        _ = dynix(root, "append", "services.harmonia.settings.workers", "20")
        _ = dynix(root, "append", "services.harmonia.settings.max_connection_rate", "100")
        let cache = root.paths.effectiveCache
        func outputs() -> [String] {
            [
                dynix(root, "status"), dynix(root, "status", "--json"), dynix(root, "diff"), dynix(root, "diff", "static", "pending"),
                dynix(root, "diff", "1", "pending"), dynix(root, "show", "live"),
            ]
        }
        try? FileManager.default.removeItem(atPath: cache)
        let uncached = outputs()
        XCTAssertFalse(FileSystem.listDirectory(cache).isEmpty, "a reader with root fills the cache")
        XCTAssertEqual(outputs(), uncached, "from the cache")
        for name in FileSystem.listDirectory(cache) { root.write("var/lib/dynix/effective/" + name, "dynix-effective 1 garbage") }
        XCTAssertEqual(outputs(), uncached, "damaged cache")
        try FileManager.default.removeItem(atPath: cache)
        XCTAssertEqual(outputs(), uncached, "deleted cache")
        // Appends keep it filled and bounded.
        for n in 0..<8 { _ = dynix(root, "append", "services.harmonia.settings.workers", "\(n + 30)") }
        XCTAssertLessThanOrEqual(FileSystem.listDirectory(cache).count, EffectiveCache.spare + 2)
        let afterAppends = outputs()
        try FileManager.default.removeItem(atPath: cache)
        XCTAssertEqual(outputs(), afterAppends, "appended values from the cache")

        guard geteuid() == 0 else { return }
        // A user who may not write the state directory reads the same answers and writes nothing.
        chmod(root.path, 0o755)
        try FileManager.default.removeItem(atPath: cache)
        for arguments in [["status"], ["diff"], ["diff", "static", "pending"]] {
            let result = Run.program(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", Run.dynixBinary, "--root", root.path] + arguments)
            XCTAssertEqual(result.status, 0, result.stderr)
            XCTAssertFalse(FileSystem.exists(cache), "\(arguments) as nobody wrote the cache")
            XCTAssertEqual(result.stdout, Run.dynix(root, arguments).stdout, "\(arguments) as nobody")
            try? FileManager.default.removeItem(atPath: cache)
        }
    }
}
