import Foundation

/// What a program did: status and both streams.
package struct RunResult {
    package let status: Int32
    package let stdout: String
    package let stderr: String
}

/// Runs programs for tests: the built `dynix`, and the real git and Nix to cross-check it.
package enum Run {
    package static var packageRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }

    /// The binary under test: `DYNIX_BIN`, else the debug build of this package.
    package static var dynixBinary: String {
        ProcessInfo.processInfo.environment["DYNIX_BIN"] ?? packageRoot + "/.build/debug/dynix"
    }

    @discardableResult
    package static func program(_ argv: [String], environment: [String: String] = [:], input: String? = nil, directory: String? = nil) -> RunResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: argv[0].hasPrefix("/") ? argv[0] : "/usr/bin/env")
        process.arguments = argv[0].hasPrefix("/") ? Array(argv.dropFirst()) : argv
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        env.removeValue(forKey: "DYNIX_ROOT")
        env.removeValue(forKey: "DYNIX_FAULT")
        for (key, value) in environment { env[key] = value }
        process.environment = env
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let inPipe = Pipe()
        process.standardInput = input == nil ? FileHandle.nullDevice : inPipe
        try! process.run()
        if let input {
            inPipe.fileHandleForWriting.write(input.data(using: .utf8)!)
            try? inPipe.fileHandleForWriting.close()
        }
        // Read both pipes concurrently so a chatty child cannot block on a full pipe.
        let errData = Captured()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errData.set(err.fileHandleForReading.readDataToEndOfFile())
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        return RunResult(status: status, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData.data, as: UTF8.self))
    }

    /// Starts the binary without waiting, for tests that signal it mid-way; `stderr` names a file that
    /// receives its standard error as it is written.
    package static func startDynix(_ root: TempRoot, _ arguments: [String], stderr: String? = nil) -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: dynixBinary)
        process.arguments = ["--root", root.path] + arguments
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        process.environment = env
        process.standardOutput = FileHandle.nullDevice
        if let stderr {
            _ = FileManager.default.createFile(atPath: stderr, contents: nil)
            process.standardError = FileHandle(forWritingAtPath: stderr)
        } else {
            process.standardError = FileHandle.nullDevice
        }
        try! process.run()
        return process
    }

    @discardableResult
    package static func dynix(_ root: TempRoot, _ arguments: [String], environment: [String: String] = [:]) -> RunResult {
        program([dynixBinary, "--root", root.path] + arguments, environment: environment)
    }

    /// `git` on the history repository.
    package static func git(_ root: TempRoot, _ arguments: [String]) -> RunResult {
        program(["git", "--git-dir", root.historyPath] + arguments)
    }

    /// Real Nix: `nix-instantiate --eval --strict --json` of an expression.
    package static func nixEval(_ expression: String) -> RunResult {
        program(["nix-instantiate", "--eval", "--strict", "--json", "-E", expression])
    }

    package static func nixParses(_ file: String) -> Bool {
        program(["nix-instantiate", "--parse", file]).status == 0
    }
}

/// Bytes one thread reads while another waits for it (the group's wait orders the accesses).
private final class Captured: @unchecked Sendable {
    private let lock = NSLock()
    private var bytes = Data()

    func set(_ data: Data) { lock.withLock { bytes = data } }
    var data: Data { lock.withLock { bytes } }
}
