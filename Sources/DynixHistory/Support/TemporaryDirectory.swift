import Glibc

enum TemporaryDirectory {
    static var path: String {
        guard let raw = getenv("TMPDIR") else { return "/tmp" }
        let text = String(cString: raw)
        return text.isEmpty ? "/tmp" : text
    }

    /// A new directory only its owner can enter (`mkdtemp`: an unpredictable name, mode 0700, whatever the
    /// umask), for files a program dynix starts must read: another user can neither plant nor swap one there.
    static func makePrivate(prefix: String) throws -> String {
        var template = Array((path + "/" + prefix + "XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else { throw FileSystem.failure(path: path) }
        let directory = String(cString: made)
        guard chmod(directory, 0o700) == 0 else {
            let error = FileSystem.failure(path: directory)
            rmdir(directory)
            throw error
        }
        return directory
    }
}
