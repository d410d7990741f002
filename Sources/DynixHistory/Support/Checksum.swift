/// FNV-1a, 64 bits: the checksum of dynix's derived files (`EffectiveCache`, `MomentIndex`), which only has to tell a
/// torn or damaged file from a whole one; nothing here guards against a deliberate forgery (only root writes them).
enum Checksum {
    static func fnv1a(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return hash
    }
}
