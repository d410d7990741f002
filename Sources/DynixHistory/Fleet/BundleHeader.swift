/// The refs a git bundle's header lists (`# v2 git bundle` or v3): `OID REF` lines up to the first empty line.
enum BundleHeader {
    static func heads(_ bytes: [UInt8]) -> [String: String] {
        var heads: [String: String] = [:]
        var index = bytes.startIndex
        var first = true
        while index < bytes.endIndex {
            let end = bytes[index...].firstIndex(of: 0x0a) ?? bytes.endIndex
            let line = String(decoding: bytes[index..<end], as: UTF8.self)
            index = end + 1
            if first {
                guard line.hasPrefix("# v2 git bundle") || line.hasPrefix("# v3 git bundle") else { return [:] }
                first = false
                continue
            }
            if line.isEmpty { break }
            if line.hasPrefix("-") || line.hasPrefix("@") { continue }
            let words = line.split(separator: " ", maxSplits: 1)
            if words.count == 2 { heads[String(words[1])] = String(words[0]) }
        }
        return heads
    }
}
