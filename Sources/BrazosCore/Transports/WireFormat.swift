/// The frame every transport carries: a fixed 64-byte little-endian header, then
/// `payloadLength` bytes. Decoding checks every field a peer could get wrong, so a
/// malformed frame is an error for the receiver, never a crash.
public enum FrameKind: UInt8, Sendable {
    /// A whole message whose bytes follow the header.
    case eager = 1
    /// Rendezvous request-to-send: `messageLength` bytes wait at `address` in the sender,
    /// identified by `cookie`.
    case requestToSend = 2
    /// The receiver matched a request-to-send and asks for the bytes to be pushed:
    /// `cookie` is the sender's, `address` names the receiver's request.
    case clearToSend = 3
    /// A chunk of a pushed rendezvous message at offset `address`; `cookie` names the
    /// receiver's request.
    case rendezvousData = 4
    /// The receiver has the bytes of the sender's request `cookie`; the send completes.
    case rendezvousDone = 5
    /// The peer is shutting down cleanly; a closed connection after this is no failure.
    case goodbye = 6
    /// A rank arrives: `destination` is the rank, `cookie` its new location version, the
    /// payload what it carries (its queues, sequence numbers, state), in pieces: this one
    /// at offset `address` of `messageLength` bytes.
    case move = 7
    /// Rank `destination` now lives on node `sourceNode`, at location version `cookie`.
    case moved = 8
    /// Rank `source` has finished (jobs whose threads move end when every rank has).
    case finished = 9
    /// A drained node leaves: the payload is where it knows every rank to be (per rank, a
    /// u32 node and a u32 version); the receiver answers `left` and sends it nothing more.
    case leaving = 10
    /// The answer to `leaving`, from a node that will send the leaving node nothing more.
    case left = 11
    /// To a node joining the job, from each node at its admission: where the sender knows
    /// every rank to be (as in `leaving`); the receiver keeps what is newer than its own.
    case locations = 12
}

/// The fixed header of every frame; what `cookie`, `address` and the lengths mean
/// depends on `kind` (see `FrameKind`).
public struct FrameHeader: Equatable, Sendable {
    /// Bytes of an encoded header.
    public static let size = 64
    static let magic: UInt8 = 0xB7
    /// Largest payload one frame may carry; larger messages use rendezvous.
    public static let maximumPayload: UInt64 = 1 << 30
    /// Largest message a frame may announce: one that fits this process's memory, so
    /// that its length and any offset in it convert to `Int`.
    public static let maximumMessage = UInt64(Int.max)

    /// What the frame is.
    public var kind: FrameKind
    /// The communicator context that keeps this message apart from others.
    public var context: UInt32
    /// The sending world rank.
    public var source: Int32
    /// The receiving world rank.
    public var destination: Int32
    /// The message's tag.
    public var tag: Int32
    /// The node that sent the frame.
    public var sourceNode: UInt32
    /// Bytes in the whole message (a rendezvous or `move` sends it in several frames).
    public var messageLength: UInt64
    /// Identifies a rendezvous request, or carries a location version; see `FrameKind`.
    public var cookie: UInt64
    /// A buffer address or an offset in the message; see `FrameKind`.
    public var address: UInt64
    /// Bytes of payload following this header.
    public var payloadLength: UInt64
    /// In jobs whose threads move: the message's number among those from `source` to
    /// `destination` (their order), and the version of the destination's location the
    /// sender knew (a node that has not seen it yet holds the message for the rank).
    public var sequence: UInt32 = 0
    /// The version of the destination's location the sender knew (jobs whose threads move).
    public var destinationVersion: UInt32 = 0

    /// A header of `kind`; fields a kind does not use stay zero.
    public init(kind: FrameKind, context: UInt32 = 0, source: Int32 = 0, destination: Int32 = 0,
                tag: Int32 = 0, sourceNode: UInt32 = 0, messageLength: UInt64 = 0, cookie: UInt64 = 0,
                address: UInt64 = 0, payloadLength: UInt64 = 0, sequence: UInt32 = 0, destinationVersion: UInt32 = 0) {
        self.kind = kind
        self.context = context
        self.source = source
        self.destination = destination
        self.tag = tag
        self.sourceNode = sourceNode
        self.messageLength = messageLength
        self.cookie = cookie
        self.address = address
        self.payloadLength = payloadLength
        self.sequence = sequence
        self.destinationVersion = destinationVersion
    }

    /// Writes the header's `size` bytes, little-endian, at `buffer`.
    public func encode(into buffer: UnsafeMutableRawPointer) {
        buffer.storeBytes(of: Self.magic, as: UInt8.self)
        buffer.storeBytes(of: kind.rawValue, toByteOffset: 1, as: UInt8.self)
        buffer.storeBytes(of: UInt16(0), toByteOffset: 2, as: UInt16.self)
        buffer.storeBytes(of: context.littleEndian, toByteOffset: 4, as: UInt32.self)
        buffer.storeBytes(of: source.littleEndian, toByteOffset: 8, as: Int32.self)
        buffer.storeBytes(of: destination.littleEndian, toByteOffset: 12, as: Int32.self)
        buffer.storeBytes(of: tag.littleEndian, toByteOffset: 16, as: Int32.self)
        buffer.storeBytes(of: sourceNode.littleEndian, toByteOffset: 20, as: UInt32.self)
        buffer.storeBytes(of: messageLength.littleEndian, toByteOffset: 24, as: UInt64.self)
        buffer.storeBytes(of: cookie.littleEndian, toByteOffset: 32, as: UInt64.self)
        buffer.storeBytes(of: address.littleEndian, toByteOffset: 40, as: UInt64.self)
        buffer.storeBytes(of: payloadLength.littleEndian, toByteOffset: 48, as: UInt64.self)
        buffer.storeBytes(of: sequence.littleEndian, toByteOffset: 56, as: UInt32.self)
        buffer.storeBytes(of: destinationVersion.littleEndian, toByteOffset: 60, as: UInt32.self)
    }

    /// Decodes and validates a header from the first `size` bytes of `bytes`; throws
    /// `malformed`, naming the field, for anything a peer could get wrong (too few bytes
    /// included), so that every length and offset of a header it returns fits an `Int`
    /// and lies inside its message.
    public static func decode(from bytes: UnsafeRawBufferPointer) throws(BrazosError) -> FrameHeader {
        guard bytes.count >= size, let buffer = bytes.baseAddress else { throw .malformed("frame header of \(bytes.count) bytes, \(size) needed") }
        let magic = buffer.load(as: UInt8.self)
        guard magic == Self.magic else { throw .malformed("bad frame magic 0x\(String(magic, radix: 16))") }
        let rawKind = buffer.load(fromByteOffset: 1, as: UInt8.self)
        guard let kind = FrameKind(rawValue: rawKind) else { throw .malformed("unknown frame kind \(rawKind)") }
        func u32(_ offset: Int) -> UInt32 { UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) }
        func i32(_ offset: Int) -> Int32 { Int32(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: Int32.self)) }
        func u64(_ offset: Int) -> UInt64 { UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
        let header = FrameHeader(kind: kind, context: u32(4), source: i32(8), destination: i32(12), tag: i32(16),
                                 sourceNode: u32(20), messageLength: u64(24), cookie: u64(32), address: u64(40),
                                 payloadLength: u64(48), sequence: u32(56), destinationVersion: u32(60))
        guard header.payloadLength <= maximumPayload else {
            throw .malformed("frame payload of \(header.payloadLength) bytes exceeds \(maximumPayload)")
        }
        guard header.messageLength <= maximumMessage else {
            throw .malformed("\(kind) frame announces a message of \(header.messageLength) bytes")
        }
        switch kind {
        case .eager:
            guard header.payloadLength == header.messageLength else {
                throw .malformed("eager frame carries \(header.payloadLength) of \(header.messageLength) bytes")
            }
        case .rendezvousData:
            guard header.address &+ header.payloadLength <= header.messageLength, header.address <= header.messageLength else {
                throw .malformed("rendezvous chunk at \(header.address)+\(header.payloadLength) past \(header.messageLength) bytes")
            }
        case .move, .leaving, .locations:
            guard header.address &+ header.payloadLength <= header.messageLength, header.address <= header.messageLength else {
                throw .malformed("\(kind) piece at \(header.address)+\(header.payloadLength) past \(header.messageLength) bytes")
            }
        case .requestToSend, .clearToSend, .rendezvousDone, .goodbye, .moved, .finished, .left:
            guard header.payloadLength == 0 else { throw .malformed("\(kind) frame with a payload") }
        }
        guard header.source >= 0, header.destination >= 0 else {
            throw .malformed("negative rank in frame (source \(header.source), destination \(header.destination))")
        }
        return header
    }

    /// Checks the ranks and the node a decoded header names against the job: a frame
    /// naming a rank or node it does not have is malformed (its sender has a bug, or is
    /// no node of this job), and the receiver must not index its tables with it.
    public func check(ranks: Int, nodes: Int) throws(BrazosError) {
        guard source >= 0, Int(source) < ranks, destination >= 0, Int(destination) < ranks else {
            throw .malformed("\(kind) frame from rank \(source) to rank \(destination): the job has \(ranks) ranks")
        }
        guard Int(sourceNode) < nodes else {
            throw .malformed("\(kind) frame from node \(sourceNode): the job has at most \(nodes) nodes")
        }
    }
}
