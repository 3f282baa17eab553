/// HMAC (RFC 2104) over SHA-256, used to authenticate connections with a per-job secret.
public enum HMAC {
    /// Returns the 32-byte HMAC-SHA-256 of `message` under `key`.
    public static func sha256(key: [UInt8], message: [UInt8]) -> [UInt8] {
        let blockSize = SHA256.blockSize
        // RFC 2104: keys longer than the block are replaced by their digest; shorter keys
        // are zero-padded to the block size.
        var k = key.count > blockSize ? SHA256.hash(key) : key
        k += [UInt8](repeating: 0, count: blockSize - k.count)

        var inner = k.map { $0 ^ 0x36 }
        inner += message
        var outer = k.map { $0 ^ 0x5c }
        outer += SHA256.hash(inner)
        return SHA256.hash(outer)
    }
}

/// Compares two byte strings in time that depends only on their lengths, so a peer
/// probing a MAC cannot learn how many leading bytes it guessed correctly.
public func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    // Lengths are not secret (digests have a fixed size), so returning early here leaks nothing.
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for i in 0..<a.count {
        difference |= a[i] ^ b[i]
    }
    return difference == 0
}
