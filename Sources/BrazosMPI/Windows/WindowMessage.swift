import BrazosCore

/// One of a window's active messages: the payload of an eager frame on the window's
/// point-to-point context with the library's tag `WindowMessage.tag`. A fixed 40-byte
/// head, then the piece's runs (16 bytes each: offset, length), then its data. See
/// docs/ARCHITECTURE.md, *One-sided windows*.
struct WindowMessage: Equatable {
    enum Kind: UInt8 {
        case put = 1, get, accumulate, getAccumulate, compareAndSwap
        /// Answers a cookie: a get's data, a lock's grant, an unlock's or a flush's end.
        case reply
        case lock, unlock, flush
        case post, complete
    }

    /// The tag of every window message but replies: far below any tag a program may use.
    static let tag = Int32.min + 128
    /// The tag of replies. Where threads move, they are the only window messages not in
    /// their pair's order: a target's node sends them on its behalf, from whichever thread
    /// delivered what they answer, while the origin waits for them (it cannot move then).
    static let replyTag = Int32.min + 129
    static let headLength = 40
    static let runLength = 16
    /// Where the cookie lies in the head.
    static let cookieOffset = 16
    /// Data of at least this many bytes is sent from where it lies, after the head, not
    /// copied behind it first (`PeerLink.send(_:head:body:)`).
    static let dataSentApart = 16 * 1024

    var kind: Kind
    /// Counted by the fence whose epoch has `parity`.
    var countedByFence = false
    var parity = 0
    /// A lock request: exclusive (else shared).
    var exclusive = false
    var operation = AccumulateOperation.replace
    /// The elements' basic type, for the accumulates and compare-and-swap.
    var element: BasicType.Value = .byte
    var cookie: UInt64 = 0
    /// Where this piece's data lies in the access's packed data.
    var packedOffset = 0
    /// Data bytes carried (put, accumulates, reply) or wanted back (get, getAccumulate).
    var dataLength = 0
    var runs: [WindowRun] = []

    /// The bytes of the message, head and runs, with `data` after them.
    func encoded(data: UnsafeRawBufferPointer) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(encodedLength(data: data.count))
        append(to: &bytes, data: data)
        return bytes
    }

    /// The bytes of the message with room for `count` bytes of data at the end, for the
    /// caller to write there (a reply's data, read straight from the window).
    func encoded(reservingData count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: encodedLength(data: count))
        bytes.withUnsafeMutableBytes { writeHeadAndRuns(into: $0) }
        return bytes
    }

    /// Appends the message and `data` to `bytes` (held accesses, one frame for several).
    func append(to bytes: inout [UInt8], data: UnsafeRawBufferPointer) {
        // Head and runs made on the stack, then both parts copied in (appending zeros to
        // write over costs more than an 8-byte put's message).
        withUnsafeTemporaryAllocation(byteCount: encodedLength(data: 0), alignment: 8) { head in
            head.initializeMemory(as: UInt8.self, repeating: 0)
            writeHeadAndRuns(into: head)
            bytes.append(contentsOf: UnsafeRawBufferPointer(head))
        }
        bytes.append(contentsOf: data)
    }

    /// The message's length with `count` bytes of data.
    func encodedLength(data count: Int) -> Int { Self.headLength + runs.count * Self.runLength + count }

    private func writeHeadAndRuns(into out: UnsafeMutableRawBufferPointer) {
        out[0] = kind.rawValue
        out[1] = (countedByFence ? 1 : 0) | UInt8(parity & 1) << 1 | (exclusive ? 4 : 0)
        out[2] = operation.code
        out.storeBytes(of: Self.code(of: element).littleEndian, toByteOffset: 4, as: UInt32.self)
        out.storeBytes(of: UInt64(runs.count).littleEndian, toByteOffset: 8, as: UInt64.self)
        out.storeBytes(of: cookie.littleEndian, toByteOffset: Self.cookieOffset, as: UInt64.self)
        out.storeBytes(of: UInt64(packedOffset).littleEndian, toByteOffset: 24, as: UInt64.self)
        out.storeBytes(of: UInt64(dataLength).littleEndian, toByteOffset: 32, as: UInt64.self)
        var at = Self.headLength
        for run in runs {
            out.storeBytes(of: Int64(run.offset).littleEndian, toByteOffset: at, as: Int64.self)
            out.storeBytes(of: Int64(run.length).littleEndian, toByteOffset: at + 8, as: Int64.self)
            at += Self.runLength
        }
    }

    /// Reads a message that is all of `bytes`; `data` is what follows its runs. Throws
    /// `malformed` for bytes no sender of this library makes: a short head, an unknown
    /// kind, operation or basic type, more runs than the bytes hold, a negative run
    /// length, data that does not match what the kind carries.
    static func decode(_ bytes: UnsafeRawBufferPointer) throws(BrazosError) -> (message: WindowMessage, data: UnsafeRawBufferPointer) {
        let (message, data, length) = try decodeFirst(of: bytes)
        guard length == bytes.count else {
            throw .malformed("window \(message.kind) message with \(bytes.count - length + data.count) bytes of data, \(message.carriedBytes) announced")
        }
        return (message, data)
    }

    /// Reads the messages of a frame, handing each to `body` as it is read: several back
    /// to back where an origin sent its held accesses together (`Window.heldAccess`), each
    /// as `decode` reads one. A malformed message throws after those before it were handed.
    static func decodeEach(_ bytes: UnsafeRawBufferPointer,
                           _ body: (WindowMessage, UnsafeRawBufferPointer) throws(BrazosError) -> Void) throws(BrazosError) {
        var at = 0
        repeat {
            let (message, data, length) = try decodeFirst(of: UnsafeRawBufferPointer(rebasing: bytes[at...]))
            try body(message, data)
            at += length
        } while at < bytes.count
    }

    /// The message at the start of `bytes`, its data and its length in bytes.
    private static func decodeFirst(of bytes: UnsafeRawBufferPointer) throws(BrazosError) -> (message: WindowMessage, data: UnsafeRawBufferPointer, length: Int) {
        guard bytes.count >= headLength else { throw .malformed("window message of \(bytes.count) bytes, shorter than its \(headLength)-byte head") }
        guard let kind = Kind(rawValue: bytes[0]) else { throw .malformed("window message of unknown kind \(bytes[0])") }
        guard let operation = AccumulateOperation(code: bytes[2]) else { throw .malformed("window message with unknown operation \(bytes[2])") }
        guard let element = value(ofCode: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4, as: UInt32.self))) else {
            throw .malformed("window message with an unknown basic type")
        }
        var message = WindowMessage(kind: kind)
        message.countedByFence = bytes[1] & 1 != 0
        message.parity = Int(bytes[1] >> 1 & 1)
        message.exclusive = bytes[1] & 4 != 0
        message.operation = operation
        message.element = element
        let runCount = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        message.cookie = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: cookieOffset, as: UInt64.self))
        let packedOffset = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
        let dataLength = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 32, as: UInt64.self))
        guard runCount <= UInt64((bytes.count - headLength) / runLength) else {
            throw .malformed("window message claims \(runCount) runs in \(bytes.count) bytes")
        }
        guard packedOffset <= UInt64(Int.max), dataLength <= UInt64(FrameHeader.maximumPayload) else {
            throw .malformed("window message with offset \(packedOffset) and length \(dataLength)")
        }
        message.packedOffset = Int(packedOffset)
        message.dataLength = Int(dataLength)
        var at = headLength
        message.runs.reserveCapacity(Int(runCount))
        var runBytes = 0
        for _ in 0..<Int(runCount) {
            let offset = Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: Int64.self))
            let length = Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: at + 8, as: Int64.self))
            guard length >= 0, length <= Int64(FrameHeader.maximumPayload) else { throw .malformed("window message with a run of \(length) bytes") }
            runBytes += Int(length)
            message.runs.append(WindowRun(offset: Int(offset), length: Int(length)))
            at += runLength
        }
        guard bytes.count - at >= message.carriedBytes else {
            throw .malformed("window \(kind) message with \(bytes.count - at) bytes of data, \(message.carriedBytes) announced")
        }
        let data = UnsafeRawBufferPointer(rebasing: bytes[at..<(at + message.carriedBytes)])
        guard !kind.touchesMemory || runBytes == message.dataLength else {
            throw .malformed("window \(kind) message whose runs cover \(runBytes) bytes, not its \(message.dataLength)")
        }
        return (message, data, at + message.carriedBytes)
    }

    // MARK: Basic types on the wire

    /// Four bytes: the kind of value, its bits (or the inner kind, for a complex or a
    /// pair), a pair's inner bits and its index offset.
    static func code(of value: BasicType.Value) -> UInt32 {
        func kindAndBits(_ value: BasicType.Value) -> (UInt32, UInt32) {
            switch value {
            case let .signed(bits): return (1, UInt32(bits))
            case let .unsigned(bits): return (2, UInt32(bits))
            case .float: return (3, 0)
            case .double: return (4, 0)
            case .longDouble: return (5, 0)
            case .bool: return (6, 0)
            case let .logical(bits): return (7, UInt32(bits))
            case let .character(bits): return (9, UInt32(bits))
            case .byte: return (10, 0)
            case .packed: return (11, 0)
            case .complex, .pair: return (0, 0)
            }
        }
        switch value {
        case let .complex(part): return 8 | kindAndBits(part).0 << 8
        case let .pair(inner, indexOffset):
            let (kind, bits) = kindAndBits(inner)
            return 12 | kind << 8 | bits << 16 | UInt32(indexOffset) << 24
        default:
            let (kind, bits) = kindAndBits(value)
            return kind | bits << 8
        }
    }

    static func value(ofCode code: UInt32) -> BasicType.Value? {
        func simple(_ kind: UInt32, _ bits: UInt32) -> BasicType.Value? {
            // A power of two from 8 to 128 (no set: this runs for every message).
            let validBits = bits >= 8 && bits <= 128 && bits & (bits - 1) == 0
            switch kind {
            case 1 where validBits: return .signed(bits: Int(bits))
            case 2 where validBits: return .unsigned(bits: Int(bits))
            case 3: return .float
            case 4: return .double
            case 5: return .longDouble
            case 6: return .bool
            case 7 where validBits: return .logical(bits: Int(bits))
            case 9 where validBits: return .character(bits: Int(bits))
            case 10: return .byte
            case 11: return .packed
            default: return nil
            }
        }
        let kind = code & 0xff, second = code >> 8 & 0xff
        switch kind {
        case 8:
            guard let part = simple(second, 0), [.float, .double, .longDouble].contains(part) else { return nil }
            return .complex(part)
        case 12:
            guard let inner = simple(second, code >> 16 & 0xff) else { return nil }
            return .pair(inner, indexOffset: Int(code >> 24))
        default:
            guard code >> 16 == 0 else { return nil }
            return simple(kind, second)
        }
    }
}

extension WindowMessage {
    /// The data bytes that follow the runs: none where nothing is sent (a get, a
    /// get-accumulate with `MPI_NO_OP`, the synchronisations); the new and the compared
    /// value for compare-and-swap.
    var carriedBytes: Int {
        switch kind {
        case .put, .reply: return dataLength
        case .accumulate, .getAccumulate: return operation == .noOp ? 0 : dataLength
        case .compareAndSwap: return 2 * dataLength
        case .get, .lock, .unlock, .flush, .post, .complete: return 0
        }
    }
}

extension WindowMessage.Kind {
    /// Acts on the target's memory along the runs.
    var touchesMemory: Bool { self == .put || self == .get || self == .accumulate || self == .getAccumulate || self == .compareAndSwap }
}

/// `length` bytes at `offset` in a window's memory (an address, in a dynamic window).
struct WindowRun: Equatable {
    var offset: Int
    var length: Int
}
