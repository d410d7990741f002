import Glibc

/// The variables dynix reads, one at a time: a `[String: String]` of the whole environment would cost a scan of the
/// runtime's protocol conformances on first use, before every command.
package enum ProcessEnvironment {
    package static func value(_ name: String) -> String? { getenv(name).map { String(cString: $0) } }
}
