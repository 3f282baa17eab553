import Crypto

/// HMAC-SHA-256 (RFC 2104) as byte arrays, used to authenticate connections with a
/// per-job secret; swift-crypto computes it. Inside BrazosCore the library's type is
/// spelled `Crypto.HMAC`.
public enum HMAC {
    /// Returns the 32-byte HMAC-SHA-256 of `message` under `key`.
    public static func sha256(key: [UInt8], message: [UInt8]) -> [UInt8] {
        Array(Crypto.HMAC<Crypto.SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
    }
}

/// Compares two byte strings in time that depends only on their lengths, so a peer
/// probing a MAC cannot learn how many leading bytes it guessed correctly. (swift-crypto
/// compares its own MAC values this way but offers no such function for plain bytes.)
public func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    // Lengths are not secret (digests have a fixed size), so returning early here leaks nothing.
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for i in 0..<a.count {
        difference |= a[i] ^ b[i]
    }
    return difference == 0
}
