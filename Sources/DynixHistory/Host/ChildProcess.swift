#if canImport(Glibc)
import Glibc
#endif

/// Runs a program directly (no shell), streaming its output to a callback, with a timeout.
public struct ChildProcess {
    public enum Stream: Sendable { case stdout, stderr }

    public struct Result: Sendable {
        public let status: Int32
        public let stdout: [UInt8]
        /// The last lines of both streams together, for the record of a failure.
        public let tail: String
        public let timedOut: Bool

        public var succeeded: Bool { status == 0 && !timedOut }
        public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    }

    public let argv: [String]
    public var timeout: Double = 600
    public var environment: [String: String]? = nil

    public init(_ argv: [String], timeout: Double = 600) {
        self.argv = argv
        self.timeout = timeout
    }

    /// Runs to completion; `output` sees each chunk as it arrives. Throws only when the program cannot be started.
    public func run(output: (Stream, [UInt8]) -> Void = { _, _ in }) throws -> Result {
        try Watchdog.paused { try runUnwatched(output: output) }
    }

    private func runUnwatched(output: (Stream, [UInt8]) -> Void) throws -> Result {
        guard let program = argv.first else { throw DynixError.io(path: "", "empty command") }
        ChildProcess.closeInheritedDescriptorsOnExec()
        var outPipe: [Int32] = [0, 0], errPipe: [Int32] = [0, 0]
        guard pipe(&outPipe) == 0, pipe(&errPipe) == 0 else { throw DynixError.io(path: program, FileSystem.lastError()) }
        for fd in outPipe + errPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
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
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF))

        let cArgs = argv.map { strdup($0) } + [nil]
        defer { cArgs.forEach { free($0) } }
        var envStrings: [UnsafeMutablePointer<CChar>?]? = environment.map { env in env.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer { envStrings?.forEach { free($0) } }

        var pid: pid_t = 0
        // Ctrl-C, a closed SSH session or `kill` reach dynix, not the child's process group: forward them, and
        // let the child finish dying, so the caller's failure path (restore, record) still runs.
        let forwarding = SignalForwarding.begin()
        defer { forwarding.end() }
        let spawned: Int32 = cArgs.withUnsafeBufferPointer { args in
            if var env = envStrings {
                return env.withUnsafeMutableBufferPointer { posix_spawnp(&pid, program, &actions, &attributes, args.baseAddress!, $0.baseAddress!) }
            }
            return posix_spawnp(&pid, program, &actions, &attributes, args.baseAddress!, environ)
        }
        close(outPipe[1])
        close(errPipe[1])
        if spawned == 0 { SignalForwarding.target = pid }
        guard spawned == 0 else {
            close(outPipe[0]); close(errPipe[0])
            throw DynixError.io(path: program, String(cString: strerror(spawned)))
        }

        var stdoutBytes: [UInt8] = []
        var tail = TailBuffer(lines: 20)
        var open = [outPipe[0], errPipe[0]]
        let deadline = Clock.monotonic() + timeout
        var timedOut = false
        var buffer = [UInt8](repeating: 0, count: 16384)
        var exitStatus: Int32?
        var drainUntil = Double.infinity
        while !open.isEmpty {
            // A daemon the program started in the background may keep our pipes open forever: once the
            // program itself has exited, read what is left for a moment and stop.
            if exitStatus == nil {
                var status: Int32 = 0
                if waitpid(pid, &status, WNOHANG) == pid {
                    exitStatus = status
                    drainUntil = Clock.monotonic() + 0.2
                }
            }
            if Clock.monotonic() >= drainUntil { break }
            let remaining = deadline - Clock.monotonic()
            if remaining <= 0 {
                timedOut = true
                kill(-pid, SIGTERM)
                Clock.sleep(0.5)
                kill(-pid, SIGKILL)
                break
            }
            var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&fds, nfds_t(fds.count), Int32(min(remaining, 0.05, max(0, drainUntil - Clock.monotonic())) * 1000))
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
        open.forEach { close($0) }
        var status: Int32 = exitStatus ?? 0
        if exitStatus == nil { while waitpid(pid, &status, 0) < 0 && errno == EINTR {} }
        let exit: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Result(status: timedOut ? 124 : exit, stdout: stdoutBytes, tail: tail.text, timedOut: timedOut)
    }
}

/// While a child runs: SIGINT, SIGTERM and SIGHUP sent to dynix go to the child's process group instead.
struct SignalForwarding {
    static var target: pid_t = 0
    /// The last signal forwarded, so the caller can tell an interruption from a failure.
    static var received: Int32 = 0
    private static let signals = [SIGINT, SIGTERM, SIGHUP]

    static func begin() -> SignalForwarding {
        target = 0
        for number in signals {
            signal(number) { number in
                SignalForwarding.received = number
                if SignalForwarding.target > 0 { kill(-SignalForwarding.target, number) }
            }
        }
        return SignalForwarding()
    }

    func end() {
        SignalForwarding.target = 0
        for number in SignalForwarding.signals { signal(number, SIG_DFL) }
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
