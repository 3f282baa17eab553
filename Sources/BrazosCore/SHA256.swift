/// FIPS 180-4 SHA-256, implemented in-house so BrazosCore needs no Foundation or
/// CryptoKit (neither is available on every platform the runtime targets).
public enum SHA256 {
    /// Bytes in a digest.
    public static let digestSize = 32
    /// Bytes in a message block (HMAC pads its key to this).
    public static let blockSize = 64

    private static let k: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]

    private static let initialState: [UInt32] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    ]

    @inline(__always)
    private static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 {
        (x >> n) | (x << (32 &- n))
    }

    /// Returns the 32-byte SHA-256 digest of `bytes`.
    public static func hash<Bytes: Collection>(_ bytes: Bytes) -> [UInt8] where Bytes.Element == UInt8 {
        // Hashing straight from contiguous storage avoids a copy for Array, slices and
        // UnsafeBufferPointer; anything else (lazy views, ranges) is gathered once.
        if let digest = bytes.withContiguousStorageIfAvailable({ hash(buffer: $0) }) {
            return digest
        }
        return Array(bytes).withUnsafeBufferPointer { hash(buffer: $0) }
    }

    private static func hash(buffer input: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var state = initialState
        // One schedule buffer is reused for every block to avoid per-block allocation.
        var w = [UInt32](repeating: 0, count: 64)

        let fullBlocks = input.count / blockSize
        for n in 0..<fullBlocks {
            compress(&state, UnsafeBufferPointer(rebasing: input[(n * blockSize)..<((n + 1) * blockSize)]), &w)
        }

        // Padding: 0x80, zeros, then the message length in bits as a big-endian UInt64.
        // When fewer than 9 bytes remain after the data, the length spills into a second block.
        var tail = [UInt8](repeating: 0, count: 2 * blockSize)
        let remainder = input.count - fullBlocks * blockSize
        for i in 0..<remainder { tail[i] = input[fullBlocks * blockSize + i] }
        tail[remainder] = 0x80
        let tailLength = remainder + 9 <= blockSize ? blockSize : 2 * blockSize
        let bitLength = UInt64(input.count) &* 8
        for i in 0..<8 {
            tail[tailLength - 1 - i] = UInt8(truncatingIfNeeded: bitLength >> (UInt64(i) * 8))
        }
        tail.withUnsafeBufferPointer { t in
            var offset = 0
            while offset < tailLength {
                compress(&state, UnsafeBufferPointer(rebasing: t[offset..<(offset + blockSize)]), &w)
                offset += blockSize
            }
        }

        var digest = [UInt8]()
        digest.reserveCapacity(digestSize)
        for word in state {
            digest.append(UInt8(truncatingIfNeeded: word >> 24))
            digest.append(UInt8(truncatingIfNeeded: word >> 16))
            digest.append(UInt8(truncatingIfNeeded: word >> 8))
            digest.append(UInt8(truncatingIfNeeded: word))
        }
        return digest
    }

    private static func compress(_ state: inout [UInt32], _ b: UnsafeBufferPointer<UInt8>, _ w: inout [UInt32]) {
        w.withUnsafeMutableBufferPointer { w in
            k.withUnsafeBufferPointer { k in
                for t in 0..<16 {
                    let i = b.startIndex &+ t &* 4
                    w[t] = UInt32(b[i]) << 24 | UInt32(b[i &+ 1]) << 16
                        | UInt32(b[i &+ 2]) << 8 | UInt32(b[i &+ 3])
                }
                for t in 16..<64 {
                    let x = w[t &- 15], y = w[t &- 2]
                    let s0 = rotr(x, 7) ^ rotr(x, 18) ^ (x >> 3)
                    let s1 = rotr(y, 17) ^ rotr(y, 19) ^ (y >> 10)
                    w[t] = w[t &- 16] &+ s0 &+ w[t &- 7] &+ s1
                }

                var a = state[0], bb = state[1], c = state[2], d = state[3]
                var e = state[4], f = state[5], g = state[6], h = state[7]
                for t in 0..<64 {
                    let s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
                    let ch = (e & f) ^ (~e & g)
                    let t1 = h &+ s1 &+ ch &+ k[t] &+ w[t]
                    let s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
                    let maj = (a & bb) ^ (a & c) ^ (bb & c)
                    let t2 = s0 &+ maj
                    h = g; g = f; f = e; e = d &+ t1
                    d = c; c = bb; bb = a; a = t1 &+ t2
                }
                state[0] = state[0] &+ a; state[1] = state[1] &+ bb
                state[2] = state[2] &+ c; state[3] = state[3] &+ d
                state[4] = state[4] &+ e; state[5] = state[5] &+ f
                state[6] = state[6] &+ g; state[7] = state[7] &+ h
            }
        }
    }
}
