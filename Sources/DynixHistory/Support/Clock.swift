import Glibc

package enum Clock {
    static func monotonic() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    package static func now() -> Int64 { Int64(time(nil)) }

    static func sleep(_ seconds: Double) {
        guard seconds > 0 else { return }
        var ts = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - Double(Int(seconds))) * 1e9))
        nanosleep(&ts, nil)
    }

    /// The local UTC offset in minutes, for commit signatures.
    static func localOffsetMinutes(at seconds: Int64) -> Int32 {
        var t = time_t(seconds)
        var parts = tm()
        localtime_r(&t, &parts)
        return Int32(parts.tm_gmtoff / 60)
    }

    /// A time as dynix prints it everywhere (`2026-11-24 14:03:05 +0100`, local time, as `git log`), or in
    /// another strftime `format`.
    package static func localText(_ seconds: Int64, format: String = "%Y-%m-%d %H:%M:%S %z") -> String {
        var t = time_t(seconds)
        var parts = tm()
        localtime_r(&t, &parts)
        var buffer = [CChar](repeating: 0, count: 64)
        let count = strftime(&buffer, 64, format, &parts)
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
