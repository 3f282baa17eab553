import CBrazos

/// CRC-32C of checkpoint bytes: every section and every part file carries one, so a
/// flipped or missing byte is found before anything is restored from it.
struct Checksum {
    private(set) var value: UInt32 = 0

    mutating func add(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        value = brazos_crc32c(value, base, bytes.count)
    }

    /// Continues with bytes whose own checksum is `other`, `length` of them, without
    /// reading them again.
    mutating func add(checksum other: UInt32, length: Int) {
        value = brazos_crc32c_combine(value, other, length)
    }

    mutating func add<Bytes: Sequence<UInt8>>(_ bytes: Bytes) {
        Array(bytes).withUnsafeBytes { add($0) }
    }

    static func of<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> UInt32 {
        var checksum = Checksum()
        checksum.add(bytes)
        return checksum.value
    }
}
