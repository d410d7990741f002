/// Git-style trailers (`Key: value` lines in the last paragraph of a message), in order.
package struct Trailers: Equatable, Sendable {
    package private(set) var pairs: [(key: String, value: String)]

    package init(_ pairs: [(String, String)] = []) { self.pairs = pairs.map { (key: $0.0, value: $0.1) } }

    package static func == (a: Trailers, b: Trailers) -> Bool {
        a.pairs.count == b.pairs.count && zip(a.pairs, b.pairs).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }

    package subscript(key: String) -> String? { pairs.last { $0.key == key }?.value }

    /// Adds a trailer; a value is kept on one line so nothing in it can pose as another trailer.
    package mutating func add(_ key: String, _ value: String?) {
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

    package var text: String { pairs.map { "\($0.key): \($0.value)" }.joined(separator: "\n") }

    /// The trailers of a commit message: only its last paragraph counts, as with `git interpret-trailers`.
    package static func parse(message: String) -> (subject: String, body: String, trailers: Trailers) {
        parseASCII(message) ?? parseCharacters(message)
    }

    static func parseCharacters(_ message: String) -> (subject: String, body: String, trailers: Trailers) {
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

    /// `parse` over bytes, for a message of ASCII without CR (every message dynix writes): there each
    /// Character is one byte, so this gives exactly what the Character-based loop gives, at a
    /// fraction of the cost (`dynix log` runs it for every commit it shows). nil: use that loop.
    static func parseASCII(_ message: String) -> (subject: String, body: String, trailers: Trailers)? {
        var message = message
        return message.withUTF8 { bytes -> (String, String, Trailers)? in
            for byte in bytes where byte >= 0x80 || byte == 0x0D { return nil }
            // Lines as byte ranges, grouped into paragraphs at blank (space/tab only) lines.
            var paragraphs: [[Range<Int>]] = [[]]
            var start = 0
            for index in 0...bytes.count where index == bytes.count || bytes[index] == 0x0A {
                let line = start..<index
                start = index + 1
                if line.allSatisfy({ bytes[$0] == 0x20 || bytes[$0] == 0x09 }) {
                    if !paragraphs[paragraphs.count - 1].isEmpty { paragraphs.append([]) }
                } else {
                    paragraphs[paragraphs.count - 1].append(line)
                }
            }
            if paragraphs.last?.isEmpty == true { paragraphs.removeLast() }
            guard let last = paragraphs.last else { return ("", "", Trailers()) }
            func text(_ range: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) }
            var trailers = Trailers()
            var isTrailerBlock = paragraphs.count > 1
            for line in last {
                guard let colon = line.first(where: { bytes[$0] == 0x3A }), colon + 1 < line.upperBound, bytes[colon + 1] == 0x20,
                    !(line.lowerBound..<colon).contains(where: { bytes[$0] == 0x20 })
                else {
                    isTrailerBlock = false
                    break
                }
                trailers.pairs.append((key: text(line.lowerBound..<colon), value: text((colon + 2)..<line.upperBound)))
            }
            let textParagraphs = isTrailerBlock ? Array(paragraphs.dropLast()) : paragraphs
            func joined(_ paragraph: [Range<Int>]) -> String { paragraph.map(text).joined(separator: "\n") }
            let subject = textParagraphs.first.map(joined) ?? ""
            let body = textParagraphs.dropFirst().map(joined).joined(separator: "\n\n")
            return (subject, body, isTrailerBlock ? trailers : Trailers())
        }
    }
}
