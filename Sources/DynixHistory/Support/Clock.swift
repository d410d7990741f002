import Glibc

enum Clock {
    static func monotonic() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    static func now() -> Int64 { Int64(time(nil)) }

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
}
