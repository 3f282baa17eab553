import CBrazos

/// A single-producer, single-consumer ring of frames in memory that two processes map.
///
/// Layout at `base`: the consumer's `tail` (bytes ever consumed) on its own cache line,
/// then `capacity` bytes of records, each starting on a cache line with a 64-bit word:
///
///   frame length L         a full frame follows: 56-byte header, payload (L - 56 bytes)
///   2^62 | n               an eager frame in compact form: context, source, destination,
///                          tag, source node (u32/i32 each) and 4 bytes of padding, then
///                          its n payload bytes; 32 bytes of header in all
///   2^64 - 1               wrap: the consumer goes back to the start of the ring
///   0                      nothing published here yet
///
/// Records are padded to whole cache lines and never wrap, so a small message costs the
/// consumer exactly one line from the producer, and the next record starts on a line the
/// producer has not written since the consumer last read it. (Packing records tighter put
/// the next one's marker on the line just read, which then crossed between the cores a
/// second time: one more transfer on every message's path.) The first word is the
/// publication: the producer writes a zero word at the start of the line past the record,
/// then the record, then its first word with a release store; the consumer polls the
/// word at its position with acquire. Positions only grow; the producer keeps its own
/// position and reads `tail` only when the ring looks full.
public struct ShmRing {
    /// Bytes before the records: the consumer's `tail`, alone on its cache lines.
    public static let headerSize = 128
    static let wrapMarker = UInt64.max
    static let compactFlag: UInt64 = 1 << 62
    /// Word, then context, source, destination, tag, source node and sequence (u32 each).
    static let compactHeaderSize = 32
    static let line = 64

    let base: UnsafeMutableRawPointer
    /// Bytes of records, a power of two.
    public let capacity: Int
    /// Producer side: where the next record goes, and the last `tail` it read.
    private var head = 0
    private var knownTail = 0

    /// Bytes a ring of `capacity` occupies in a mapping.
    public static func footprint(capacity: Int) -> Int { headerSize + capacity }

    /// `capacity` must be a power of two of at least 4 lines; the memory must be zeroed
    /// (a new mapping is) before either side uses it, and the producer must attach
    /// before its first write.
    public init(base: UnsafeMutableRawPointer, capacity: Int) {
        precondition(capacity >= 4 * Self.line && capacity & (capacity - 1) == 0, "ring capacity must be a power of two")
        self.base = base
        self.capacity = capacity
    }

    private var tailWord: UnsafeMutableRawPointer { base }
    private var data: UnsafeMutableRawPointer { base + Self.headerSize }

    /// Largest frame (header and payload) a single record can hold.
    public var maximumRecord: Int { Self.maximumRecord(capacity: capacity) }

    /// Largest frame a record of a ring of `capacity` bytes holds.
    public static func maximumRecord(capacity: Int) -> Int { capacity / 2 - 16 }

    static func padded(_ length: Int) -> Int { (length + line - 1) & ~(line - 1) }

    /// Writes one record made of `header` and `payload` if there is room; false if full.
    public mutating func tryWrite(header: FrameHeader, payload: UnsafeRawBufferPointer) -> Bool {
        precondition(FrameHeader.size + payload.count <= maximumRecord, "frame of \(FrameHeader.size + payload.count) bytes exceeds the ring's record limit")
        // Compact records have room for a sequence number but not a location version:
        // messages to ranks that moved take the full header.
        let compact = header.kind == .eager && header.destinationVersion == 0
        let needed = Self.padded((compact ? Self.compactHeaderSize : 8 + FrameHeader.size) + payload.count)
        let offset = head & (capacity - 1)
        let gap = needed > capacity - offset ? capacity - offset : 0
        let room = gap + needed + 8  // and the zero word that ends the published records
        if capacity - (head - knownTail) < room {
            knownTail = Int(brazos_load_acquire_u64(tailWord))
            guard capacity - (head - knownTail) >= room else { return false }
        }
        let start = head + gap
        let record = data + (start & (capacity - 1))
        (data + ((start + needed) & (capacity - 1))).storeBytes(of: UInt64(0), as: UInt64.self)
        let word: UInt64
        let body: UnsafeMutableRawPointer
        if compact {
            record.storeBytes(of: header.context, toByteOffset: 8, as: UInt32.self)
            record.storeBytes(of: header.source, toByteOffset: 12, as: Int32.self)
            record.storeBytes(of: header.destination, toByteOffset: 16, as: Int32.self)
            record.storeBytes(of: header.tag, toByteOffset: 20, as: Int32.self)
            record.storeBytes(of: header.sourceNode, toByteOffset: 24, as: UInt32.self)
            record.storeBytes(of: header.sequence, toByteOffset: 28, as: UInt32.self)
            word = Self.compactFlag | UInt64(payload.count)
            body = record + Self.compactHeaderSize
        } else {
            header.encode(into: record + 8)
            word = UInt64(FrameHeader.size + payload.count)
            body = record + 8 + FrameHeader.size
        }
        if payload.count > 0 { brazos_copy(body, payload.baseAddress!, payload.count) }
        brazos_store_release_u64(record, word)
        if gap > 0 { brazos_store_release_u64(data + offset, Self.wrapMarker) }
        head = start + needed
        return true
    }

    /// Whether a record is waiting (consumer side).
    @inline(__always)
    public var hasData: Bool {
        let tail = Int(truncatingIfNeeded: brazos_load_acquire_u64(tailWord))
        return brazos_load_acquire_u64(data + (tail & (capacity - 1) & ~(Self.line - 1))) != 0
    }

    /// Hands each waiting frame to `body`, in order, then frees it; at most a ring's worth
    /// of records in one call, so a producer that never stops (or a ring whose zero word
    /// was overwritten) cannot keep the consumer here. Returns how many were consumed. A
    /// frame that `body` throws on stays consumed (it must not be read again) and its error
    /// is thrown. A record that is none of the above, or does not end inside the ring, or
    /// whose header does not decode or disagrees with its record throws `peerLost`: the
    /// producer does not follow the format, so nothing after it can be trusted.
    public func drain(_ body: (FrameHeader, UnsafeRawBufferPointer) throws -> Void) throws -> Int {
        let start = Int(truncatingIfNeeded: brazos_load_acquire_u64(tailWord))
        var tail = start
        var count = 0
        defer { brazos_store_release_u64(tailWord, UInt64(truncatingIfNeeded: tail)) }
        guard tail & (Self.line - 1) == 0 else { throw Self.broken("tail \(tail) is not a record boundary") }
        while tail &- start < capacity {
            let offset = tail & (capacity - 1)
            let record = data + offset
            let word = brazos_load_acquire_u64(record)
            let room = capacity - offset
            switch word {
            case 0:
                return count
            case Self.wrapMarker:
                // A producer wraps only when a record does not fit before the end.
                guard offset != 0 else { throw corrupt(record, "a wrap marker at the start of the ring") }
                tail &+= room
                continue
            default:
                break
            }
            let header: FrameHeader
            let payload: UnsafeRawBufferPointer
            if word & Self.compactFlag != 0, room >= Self.compactHeaderSize, word & ~Self.compactFlag <= UInt64(room - Self.compactHeaderSize) {
                let length = Int(word & ~Self.compactFlag)
                tail &+= Self.padded(Self.compactHeaderSize + length)
                count += 1
                header = FrameHeader(kind: .eager, context: record.load(fromByteOffset: 8, as: UInt32.self),
                                     source: record.load(fromByteOffset: 12, as: Int32.self),
                                     destination: record.load(fromByteOffset: 16, as: Int32.self),
                                     tag: record.load(fromByteOffset: 20, as: Int32.self),
                                     sourceNode: record.load(fromByteOffset: 24, as: UInt32.self),
                                     messageLength: UInt64(length), payloadLength: UInt64(length),
                                     sequence: record.load(fromByteOffset: 28, as: UInt32.self))
                guard header.source >= 0, header.destination >= 0 else {
                    throw BrazosError.malformed("negative rank in frame (source \(header.source), destination \(header.destination))")
                }
                payload = UnsafeRawBufferPointer(start: record + Self.compactHeaderSize, count: length)
            } else if word >= UInt64(FrameHeader.size), word <= UInt64(room - 8) {
                let length = Int(word)
                tail &+= Self.padded(8 + length)
                count += 1
                do {
                    header = try FrameHeader.decode(from: UnsafeRawBufferPointer(start: record + 8, count: length))
                } catch {
                    throw Self.broken("\(error)")
                }
                guard header.payloadLength == UInt64(length - FrameHeader.size) else {
                    throw Self.broken("frame declares \(header.payloadLength) payload bytes, its record holds \(length - FrameHeader.size)")
                }
                payload = UnsafeRawBufferPointer(start: record + 8 + FrameHeader.size, count: length - FrameHeader.size)
            } else {
                throw corrupt(record, "record word 0x\(String(word, radix: 16)) at offset \(offset) (\(room) bytes to the end of the ring)")
            }
            try body(header, payload)
        }
        return count
    }

    /// Clears the word at `record`, so the ring reads as empty from now on, and returns the error.
    private func corrupt(_ record: UnsafeMutableRawPointer, _ what: String) -> BrazosError {
        record.storeBytes(of: UInt64(0), as: UInt64.self)
        return Self.broken(what)
    }

    private static func broken(_ what: String) -> BrazosError {
        .peerLost(node: -1, reason: "corrupt shared-memory ring: \(what)")
    }
}
