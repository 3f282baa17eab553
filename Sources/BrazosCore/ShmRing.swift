import CBrazos

/// A single-producer, single-consumer ring of frames in memory that two processes map.
///
/// Layout at `base`: the producer's `head` (bytes ever written) on its own cache line, the
/// consumer's `tail` (bytes ever consumed) on the next, then `capacity` bytes of records.
/// A record is an 8-byte length word followed by the frame, padded to 8 bytes; it never
/// wraps: when it does not fit before the end, a wrap word (`UInt64.max`) sends the
/// consumer back to the start. Positions only grow, so `head - tail` is the fill level.
///
/// The producer publishes with a release store of `head`, the consumer frees room with a
/// release store of `tail`; each reads the other's word with acquire. One instance is used
/// by one side only; several sending threads of a node serialise on the link's lock.
public struct ShmRing {
    public static let headerSize = 128
    static let wrapMarker = UInt64.max

    let base: UnsafeMutableRawPointer
    public let capacity: Int

    /// Bytes a ring of `capacity` occupies in a mapping.
    public static func footprint(capacity: Int) -> Int { headerSize + capacity }

    /// `capacity` must be a power of two and a multiple of 8; the memory must be zeroed
    /// (a new mapping is) before either side uses it.
    public init(base: UnsafeMutableRawPointer, capacity: Int) {
        precondition(capacity > 0 && capacity & (capacity - 1) == 0, "ring capacity must be a power of two")
        self.base = base
        self.capacity = capacity
    }

    private var headWord: UnsafeMutableRawPointer { base }
    private var tailWord: UnsafeMutableRawPointer { base + 64 }
    private var data: UnsafeMutableRawPointer { base + Self.headerSize }

    /// Largest frame (header and payload) a single record can hold.
    public var maximumRecord: Int { capacity / 2 - 8 }

    static func paddedLength(_ length: Int) -> Int { (length + 8 + 7) & ~7 }

    /// Writes one record made of `header` and `payload` if there is room; false if full.
    public func tryWrite(header: FrameHeader, payload: UnsafeRawBufferPointer) -> Bool {
        let frameLength = FrameHeader.size + payload.count
        precondition(frameLength <= maximumRecord, "frame of \(frameLength) bytes exceeds the ring's record limit")
        let needed = Self.paddedLength(frameLength)
        let head = Int(brazos_load_acquire_u64(headWord))  // only this side writes it
        let tail = Int(brazos_load_acquire_u64(tailWord))
        let offset = head & (capacity - 1)
        let untilEnd = capacity - offset
        let wrap = needed > untilEnd ? untilEnd : 0
        guard capacity - (head - tail) >= needed + wrap else { return false }
        var start = head
        if wrap > 0 {
            (data + offset).storeBytes(of: Self.wrapMarker, as: UInt64.self)
            start += wrap
        }
        let record = data + (start & (capacity - 1))
        record.storeBytes(of: UInt64(frameLength), as: UInt64.self)
        header.encode(into: record + 8)
        if payload.count > 0 {
            (record + 8 + FrameHeader.size).copyMemory(from: payload.baseAddress!, byteCount: payload.count)
        }
        brazos_store_release_u64(headWord, UInt64(start + needed))
        return true
    }

    /// Whether a record is waiting (consumer side).
    public var hasData: Bool {
        brazos_load_acquire_u64(headWord) != brazos_load_acquire_u64(tailWord)
    }

    /// Hands each waiting record's frame bytes to `body`, in order, then frees them.
    /// Returns how many were consumed. Stops at the first error `body` throws, leaving
    /// that record consumed (a malformed frame must not be read again).
    public func drain(_ body: (UnsafeRawBufferPointer) throws -> Void) throws -> Int {
        let head = Int(brazos_load_acquire_u64(headWord))
        var tail = Int(brazos_load_acquire_u64(tailWord))
        var count = 0
        defer { brazos_store_release_u64(tailWord, UInt64(tail)) }
        while tail != head {
            let offset = tail & (capacity - 1)
            let word = (data + offset).load(as: UInt64.self)
            if word == Self.wrapMarker {
                tail += capacity - offset
                continue
            }
            guard word <= UInt64(maximumRecord), word >= UInt64(FrameHeader.size) else {
                tail = head  // the ring is corrupt: drop what is in it rather than loop on it
                throw BrazosError.malformed("ring record of \(word) bytes")
            }
            let length = Int(word)
            tail += Self.paddedLength(length)
            count += 1
            try body(UnsafeRawBufferPointer(start: data + offset + 8, count: length))
        }
        return count
    }
}
