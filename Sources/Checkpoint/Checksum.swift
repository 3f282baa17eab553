import CBrazos

/// CRC-32C of checkpoint bytes: every section and every part file carries one, so a
/// flipped or missing byte is found before anything is restored from it.
struct Checksum {
    private(set) var value: UInt32 = 0

    mutating func add(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        value = brazos_crc32c(value, base, bytes.count)
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
