/// Small text helpers used across the library.
extension String {
    func trimmingWhitespace() -> String {
        var scalars = unicodeScalars[...]
        while let f = scalars.first, f == " " || f == "\n" || f == "\t" || f == "\r" { scalars.removeFirst() }
        while let l = scalars.last, l == " " || l == "\n" || l == "\t" || l == "\r" { scalars.removeLast() }
        return String(scalars)
    }
}

func formatSeconds(_ seconds: Double) -> String {
    seconds == seconds.rounded() ? "\(Int(seconds)) s" : "\(seconds) s"
}
