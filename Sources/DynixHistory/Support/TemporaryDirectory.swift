import Glibc

enum TemporaryDirectory {
    static var path: String {
        guard let raw = getenv("TMPDIR") else { return "/tmp" }
        let text = String(cString: raw)
        return text.isEmpty ? "/tmp" : text
    }
}
