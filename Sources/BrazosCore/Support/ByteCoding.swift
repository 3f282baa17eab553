/// Little-endian encoding of records that travel between nodes (a moving rank's state):
/// integers, byte strings and lists of them. Reading checks every length against what
/// is left, so a truncated or malformed record is an error, never a crash.
public struct ByteWriter {
    /// The encoded record so far.
    public private(set) var bytes: [UInt8] = []

    /// An empty writer.
    public init() {}

    /// Appends an integer in little-endian order, at its full width.
    public mutating func put<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
    }

    /// A length (u32), then the bytes.
    public mutating func put(bytes more: [UInt8]) {
        put(UInt32(more.count))
        bytes += more
    }

    /// A count (u32), then each value.
    public mutating func put<T: FixedWidthInteger>(list values: [T]) {
        put(UInt32(values.count))
        for value in values { put(value) }
    }
}

/// Reads back what `ByteWriter` wrote, front to back; every read throws `malformed`
/// rather than run past the end.
public struct ByteReader {
    private let bytes: [UInt8]
    private var offset = 0
    /// Names the record in errors.
    private let what: String

    /// Reads `bytes` from the start; `what` names the record in error messages.
    public init(_ bytes: [UInt8], what: String) {
        self.bytes = bytes
        self.what = what
    }

    /// Whether every byte has been read (callers check it to reject trailing bytes).
    public var isAtEnd: Bool { offset == bytes.count }

    /// The next little-endian integer of type `T`; throws `malformed` if the record is truncated.
    public mutating func take<T: FixedWidthInteger>(_ type: T.Type = T.self) throws(BrazosError) -> T {
        let size = MemoryLayout<T>.size
        guard offset + size <= bytes.count else { throw .malformed("\(what) is truncated at byte \(offset)") }
        defer { offset += size }
        return bytes[offset..<(offset + size)].reversed().reduce(T(0)) { ($0 << 8) | T(truncatingIfNeeded: $1) }
    }

    /// The next length-prefixed byte string written by `put(bytes:)`; throws `malformed` if truncated.
    public mutating func takeBytes() throws(BrazosError) -> [UInt8] {
        let count = Int(try take(UInt32.self))
        guard offset + count <= bytes.count else { throw .malformed("\(what) is truncated: \(count) bytes announced at byte \(offset)") }
        defer { offset += count }
        return Array(bytes[offset..<(offset + count)])
    }

    /// The next counted list written by `put(list:)`; throws `malformed` if the count runs past the end.
    public mutating func takeList<T: FixedWidthInteger>(_ type: T.Type = T.self) throws(BrazosError) -> [T] {
        let count = Int(try take(UInt32.self))
        guard count <= (bytes.count - offset) / MemoryLayout<T>.size else { throw .malformed("\(what) announces \(count) values past its end") }
        var values: [T] = []
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(try take(T.self)) }
        return values
    }
}
