/// The dynix that runs now, by a path that outlives its caller's working directory: what the central repository's
/// hooks and the forced commands name.
package enum RunningProgram {
    package static var path: String { FileSystem.readLink("/proc/self/exe") ?? CommandLine.arguments[0] }
}
