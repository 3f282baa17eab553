import CBrazos

/// The bytes of an eager message that arrived before its receive was posted. Small ones
/// (most control traffic, every token of a ring) are kept inline, so queuing them
/// allocates nothing.
enum EagerBytes {
    typealias Inline = (UInt64, UInt64, UInt64, UInt64)
    case inline(count: Int, Inline)
    case heap([UInt8])

    static let inlineCapacity = MemoryLayout<Inline>.size

    init(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count <= Self.inlineCapacity else {
            self = .heap([UInt8](bytes))
            return
        }
        var storage: Inline = (0, 0, 0, 0)
        if bytes.count > 0 {
            withUnsafeMutableBytes(of: &storage) { brazos_copy($0.baseAddress!, bytes.baseAddress!, bytes.count) }
        }
        self = .inline(count: bytes.count, storage)
    }

    var count: Int {
        switch self {
        case let .inline(count, _): return count
        case let .heap(bytes): return bytes.count
        }
    }

    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        switch self {
        case let .inline(count, storage):
            return try Swift.withUnsafeBytes(of: storage) { try body(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        case let .heap(bytes):
            return try bytes.withUnsafeBytes(body)
        }
    }
}
