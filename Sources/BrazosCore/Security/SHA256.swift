import Crypto

/// SHA-256 digests as byte arrays, the form the handshake and the checkpoint manifests
/// use; swift-crypto computes them. Named after what it computes, so call sites read as
/// before; inside BrazosCore the library's type is spelled `Crypto.SHA256`.
public enum SHA256 {
    /// Returns the 32-byte SHA-256 digest of `bytes`.
    public static func hash<Bytes: Collection>(_ bytes: Bytes) -> [UInt8] where Bytes.Element == UInt8 {
        // Hashing straight from contiguous storage avoids a copy for Array, slices and
        // UnsafeBufferPointer; anything else (lazy views, ranges) is gathered once.
        if let digest = bytes.withContiguousStorageIfAvailable({ digest(of: UnsafeRawBufferPointer($0)) }) {
            return digest
        }
        return Array(bytes).withUnsafeBytes { digest(of: $0) }
    }

    private static func digest(of buffer: UnsafeRawBufferPointer) -> [UInt8] {
        var hasher = Crypto.SHA256()
        hasher.update(bufferPointer: buffer)
        return Array(hasher.finalize())
    }
}
