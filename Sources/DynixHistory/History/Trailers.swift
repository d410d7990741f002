/// Git-style trailers (`Key: value` lines in the last paragraph of a message), in order.
public struct Trailers: Equatable, Sendable {
    public private(set) var pairs: [(key: String, value: String)]

    public init(_ pairs: [(String, String)] = []) { self.pairs = pairs.map { (key: $0.0, value: $0.1) } }

    public static func == (a: Trailers, b: Trailers) -> Bool {
        a.pairs.count == b.pairs.count && zip(a.pairs, b.pairs).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }

    public subscript(key: String) -> String? { pairs.last { $0.key == key }?.value }

    /// Adds a trailer; a value is kept on one line so nothing in it can pose as another trailer.
    public mutating func add(_ key: String, _ value: String?) {
        guard let value else { return }
        var oneLine = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\n": oneLine += "\\n"
            case "\r": oneLine += "\\r"
            default: oneLine.unicodeScalars.append(scalar)
            }
        }
        pairs.append((key: key, value: oneLine))
    }

    public var text: String { pairs.map { "\($0.key): \($0.value)" }.joined(separator: "\n") }

    /// The trailers of a commit message: only its last paragraph counts, as with `git interpret-trailers`.
    public static func parse(message: String) -> (subject: String, body: String, trailers: Trailers) {
        // Lines, then paragraphs split at blank lines; one pass over the text (this runs for every commit a walk reads).
        var paragraphs: [[Substring]] = [[]]
        for line in message.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) {
                if !paragraphs[paragraphs.count - 1].isEmpty { paragraphs.append([]) }
            } else {
                paragraphs[paragraphs.count - 1].append(line)
            }
        }
        if paragraphs.last?.isEmpty == true { paragraphs.removeLast() }
        guard let last = paragraphs.last else { return ("", "", Trailers()) }
        var trailers = Trailers()
        var isTrailerBlock = paragraphs.count > 1
        for line in last {
            guard let colon = line.firstIndex(of: ":"), line[line.index(after: colon)...].hasPrefix(" "),
                !line[..<colon].contains(" ")
            else {
                isTrailerBlock = false
                break
            }
            trailers.pairs.append((key: String(line[..<colon]), value: String(line[line.index(colon, offsetBy: 2)...])))
        }
        let textParagraphs = isTrailerBlock ? Array(paragraphs.dropLast()) : paragraphs
        let subject = textParagraphs.first.map { $0.joined(separator: "\n") } ?? ""
        let body = textParagraphs.dropFirst().map { $0.joined(separator: "\n") }.joined(separator: "\n\n")
        return (subject, body, isTrailerBlock ? trailers : Trailers())
    }
}
