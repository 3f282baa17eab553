import CBrazos

/// A single-producer, single-consumer ring of frames in memory that two processes map.
///
/// Layout at `base`: the consumer's `tail` (bytes ever consumed) on its own cache line,
/// then `capacity` bytes of records. A record is an 8-byte length word followed by the
/// frame, padded to 8 bytes; it never wraps: when it does not fit before the end, a wrap
/// word (`UInt64.max`) sends the consumer back to the start.
///
/// The length word is the publication: the producer writes a zero word just past the
/// record, then the frame, then stores the length with release. The consumer polls the
/// word at its position, so a small message costs it one cache line from the producer,
/// not a separate head word as well. Positions only grow; the producer keeps its own
/// position and reads `tail` only when the ring looks full.
public struct ShmRing {
    public static let headerSize = 128
    static let wrapMarker = UInt64.max

    let base: UnsafeMutableRawPointer
    public let capacity: Int
    /// Producer side: where the next record goes, and the last `tail` it read.
    private var head = 0
    private var knownTail = 0

    /// Bytes a ring of `capacity` occupies in a mapping.
    public static func footprint(capacity: Int) -> Int { headerSize + capacity }

    /// `capacity` must be a power of two; the memory must be zeroed (a new mapping is)
    /// before either side uses it, and the producer must attach before its first write.
    public init(base: UnsafeMutableRawPointer, capacity: Int) {
        precondition(capacity >= 64 && capacity & (capacity - 1) == 0, "ring capacity must be a power of two")
        self.base = base
        self.capacity = capacity
    }

    private var tailWord: UnsafeMutableRawPointer { base }
    private var data: UnsafeMutableRawPointer { base + Self.headerSize }

    /// Largest frame (header and payload) a single record can hold.
    public var maximumRecord: Int { capacity / 2 - 16 }

    static func paddedLength(_ length: Int) -> Int { (length + 8 + 7) & ~7 }

    /// Writes one record made of `header` and `payload` if there is room; false if full.
    public mutating func tryWrite(header: FrameHeader, payload: UnsafeRawBufferPointer) -> Bool {
        let frameLength = FrameHeader.size + payload.count
        precondition(frameLength <= maximumRecord, "frame of \(frameLength) bytes exceeds the ring's record limit")
        let needed = Self.paddedLength(frameLength)
        let offset = head & (capacity - 1)
        let wrap = needed > capacity - offset ? capacity - offset : 0
        let room = wrap + needed + 8  // and the zero word that ends the published records
        if capacity - (head - knownTail) < room {
            knownTail = Int(brazos_load_acquire_u64(tailWord))
            guard capacity - (head - knownTail) >= room else { return false }
        }
        let start = head + wrap
        let record = data + (start & (capacity - 1))
        (data + ((start + needed) & (capacity - 1))).storeBytes(of: UInt64(0), as: UInt64.self)
        header.encode(into: record + 8)
        if payload.count > 0 {
            (record + 8 + FrameHeader.size).copyMemory(from: payload.baseAddress!, byteCount: payload.count)
        }
        brazos_store_release_u64(record, UInt64(frameLength))
        if wrap > 0 { brazos_store_release_u64(data + offset, Self.wrapMarker) }
        head = start + needed
        return true
    }

    /// Whether a record is waiting (consumer side).
    @inline(__always)
    public var hasData: Bool {
        let tail = Int(brazos_load_acquire_u64(tailWord))
        return brazos_load_acquire_u64(data + (tail & (capacity - 1))) != 0
    }

    /// Hands each waiting record's frame bytes to `body`, in order, then frees them.
    /// Returns how many were consumed. A record that `body` throws on stays consumed (a
    /// malformed frame must not be read again). A corrupt length word throws `peerLost`:
    /// the record boundaries are gone, so nothing after it can be trusted.
    public func drain(_ body: (UnsafeRawBufferPointer) throws -> Void) throws -> Int {
        var tail = Int(brazos_load_acquire_u64(tailWord))
        var count = 0
        defer { brazos_store_release_u64(tailWord, UInt64(tail)) }
        while true {
            let offset = tail & (capacity - 1)
            let word = brazos_load_acquire_u64(data + offset)
            if word == 0 { return count }
            if word == Self.wrapMarker {
                tail += capacity - offset
                continue
            }
            guard word <= UInt64(maximumRecord), word >= UInt64(FrameHeader.size) else {
                (data + offset).storeBytes(of: UInt64(0), as: UInt64.self)
                throw BrazosError.peerLost(node: -1, reason: "corrupt shared-memory ring record of \(word) bytes")
            }
            let length = Int(word)
            tail += Self.paddedLength(length)
            count += 1
            try body(UnsafeRawBufferPointer(start: data + offset + 8, count: length))
        }
    }
}
