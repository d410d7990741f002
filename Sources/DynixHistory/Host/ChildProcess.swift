import CSignals
import Glibc

/// Runs a program directly (no shell), in `ChildEnvironment`, streaming its output to a callback, with a timeout.
struct ChildProcess {
    typealias Stream = HistoryWriter.OutputStream

    struct Result: Sendable {
        let status: Int32
        let stdout: [UInt8]
        /// The last lines of both streams together, for the record of a failure.
        let tail: String
        let timedOut: Bool

        var succeeded: Bool { status == 0 && !timedOut }
        /// The tail's lines, trimmed, blank ones left out; ssh ends its lines with CRLF, which is one Character.
        var tailLines: [String] {
            tail.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }).map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }
        }
        var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    }

    let argv: [String]
    var timeout: Double = 600
    /// The whole environment, `NAME=value` each; nil: `ChildEnvironment`'s (the programs a manifest names).
    var environment: [String]?
    /// A file to read standard input from (default: /dev/null).
    var input: String?

    init(_ argv: [String], timeout: Double = 600, environment: [String]? = nil, input: String? = nil) {
        self.argv = argv
        self.timeout = timeout
        self.environment = environment
        self.input = input
    }

    /// Runs to completion; `output` sees each chunk as it arrives. Throws only when the program cannot be started.
    func run(output: (Stream, [UInt8]) -> Void = { _, _ in }) throws -> Result {
        try Watchdog.paused { try Interruption.guarding { try runUnwatched(output: output) } }
    }

    private func runUnwatched(output: (Stream, [UInt8]) -> Void) throws -> Result {
        guard let program = argv.first else { throw DynixError.internalInconsistency("a program to run with no name") }
        ChildProcess.closeInheritedDescriptorsOnExec()
        var outPipe: [Int32] = [0, 0]
        var errPipe: [Int32] = [0, 0]
        guard pipe(&outPipe) == 0, pipe(&errPipe) == 0 else { throw DynixError.io(path: program, errno: errno) }
        for fd in outPipe + errPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, input ?? "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Its own process group, so a timeout ends the whole tree it started.
        posix_spawnattr_setpgroup(&attributes, 0)
        var defaultSignals = sigset_t()
        sigemptyset(&defaultSignals)
        sigaddset(&defaultSignals, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaultSignals)
        // dynix blocks SIGINT/TERM/HUP around the spawn (below); a child must not inherit that mask, or a
        // daemon an activation starts ignores SIGTERM for its whole life. Caught signals become default
        // at exec by themselves; ignored ones (nohup) stay ignored, as they should.
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let cArgs = argv.map { strdup($0) } + [nil]
        defer { for argument in cArgs { free(argument) } }
        let cEnvironment = (environment.map { $0.map { strdup($0) } } ?? ChildEnvironment.entries()) + [nil]
        defer { for entry in cEnvironment { free(entry) } }

        var pid: pid_t = 0
        // The child's pid must be the signal target before any signal can arrive, or it would be lost.
        dynix_interruption_block(1)
        let spawned: Int32 = cArgs.withUnsafeBufferPointer { args in
            cEnvironment.withUnsafeBufferPointer { env in
                posix_spawnp(&pid, program, &actions, &attributes, args.baseAddress!, env.baseAddress!)
            }
        }
        if spawned == 0 { dynix_interruption_set_target(pid) }
        dynix_interruption_block(0)
        defer { dynix_interruption_set_target(0) }
        close(outPipe[1])
        close(errPipe[1])
        guard spawned == 0 else {
            close(outPipe[0])
            close(errPipe[0])
            throw DynixError.io(path: program, errno: spawned)
        }

        var stdoutBytes: [UInt8] = []
        var tail = TailBuffer(lines: 20)
        var open = [outPipe[0], errPipe[0]]
        let deadline = Clock.monotonic() + timeout
        var timedOut = false
        var buffer = [UInt8](repeating: 0, count: 16384)
        var exitStatus: Int32?
        var drainUntil = Double.infinity
        func reap(blocking: Bool) {
            guard exitStatus == nil else { return }
            var status: Int32 = 0
            let result = waitpid(pid, &status, blocking ? 0 : WNOHANG)
            if result == pid {
                exitStatus = status
                dynix_interruption_set_target(0)
            }
        }
        func killGroup() {
            timedOut = true
            kill(-pid, SIGTERM)
            Clock.sleep(0.5)
            kill(-pid, SIGKILL)
        }
        while !open.isEmpty {
            // A daemon the program started in the background may keep our pipes open forever: once the
            // program itself has exited, read what is left for a moment and stop.
            if exitStatus == nil {
                reap(blocking: false)
                if exitStatus != nil { drainUntil = Clock.monotonic() + 0.2 }
            }
            if Clock.monotonic() >= drainUntil { break }
            let remaining = deadline - Clock.monotonic()
            if remaining <= 0 && exitStatus == nil {
                killGroup()
                break
            }
            var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&fds, nfds_t(fds.count), Int32(max(0, min(remaining, 0.05, drainUntil - Clock.monotonic())) * 1000))
            if ready < 0 && errno != EINTR { break }
            for item in fds where item.revents != 0 {
                let count = buffer.withUnsafeMutableBytes { read(item.fd, $0.baseAddress, 16384) }
                if count <= 0 {
                    close(item.fd)
                    open.removeAll { $0 == item.fd }
                    continue
                }
                let chunk = Array(buffer[0..<count])
                let stream: Stream = item.fd == outPipe[0] ? .stdout : .stderr
                if stream == .stdout { stdoutBytes += chunk }
                tail.append(chunk)
                output(stream, chunk)
            }
        }
        for fd in open { close(fd) }
        // A program that closed its output may still run: the deadline holds until it exits.
        while exitStatus == nil {
            reap(blocking: false)
            if exitStatus != nil { break }
            if Clock.monotonic() >= deadline {
                if !timedOut { killGroup() }
                reap(blocking: true)
                break
            }
            Clock.sleep(0.01)
        }
        let status = exitStatus ?? 0
        let exit: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Result(status: timedOut ? 124 : exit, stdout: stdoutBytes, tail: tail.text, timedOut: timedOut)
    }
}

extension ChildProcess {
    /// Whatever started dynix may have left descriptors open (a caller's pipe, say); a daemon that an
    /// activation starts would hold them for its whole life and keep that caller waiting. Only 0-2 go on.
    static func closeInheritedDescriptorsOnExec() {
        for name in FileSystem.listDirectory("/proc/self/fd") {
            if let fd = Int32(name), fd > 2 { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        }
    }
}

/// Keeps the last N lines of a stream.
struct TailBuffer {
    let lines: Int
    private var bytes: [UInt8] = []

    init(lines: Int) { self.lines = lines }

    mutating func append(_ chunk: [UInt8]) {
        bytes += chunk
        if bytes.count > 64 * 1024 { bytes.removeFirst(bytes.count - 64 * 1024) }
    }

    var text: String {
        let all = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        return all.suffix(lines + 1).joined(separator: "\n").trimmingWhitespace()
    }
}
