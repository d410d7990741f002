/// A word for `sh`: single-quoted, a `'` inside written as `'\''`.
enum ShellWord {
    static func quote(_ word: String) -> String { "'" + word.replacing("'", with: "'\\''") + "'" }
}
