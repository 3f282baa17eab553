import BrazosCore

/// The shared-memory protocol's messages between two nodes' service threads, over one
/// authenticated socket: a 16-byte header (kind, payload length, page) and a payload.
struct ProtocolMessage {
    enum Kind: UInt32 {
        /// Send me the page (to its home).
        case pageRequest = 1
        /// The page's 4 KiB (from its home).
        case pageReply = 2
        /// Apply these runs to the page (to its home), then acknowledge.
        case diff = 3
        case diffAck = 4
        /// Lock `page` for the token in the payload (to the lock's manager).
        case lockAcquire = 5
        /// Lock `page` is the token's now; the payload: token, then the pages to invalidate.
        case lockGrant = 6
        /// Lock `page` is free again; the payload: the release's write notices.
        case lockRelease = 7
        /// Be home of the page from now on; the payload: its 4 KiB (from a draining node),
        /// then acknowledge.
        case homePage = 8
        case homePageAck = 9
    }

    var kind: Kind
    /// The page, or for lock messages the lock.
    var page: Int
    var payload: [UInt8] = []

    /// Payloads made of 64-bit words (tokens, page numbers).
    static func words(_ values: [Int]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(values.count * 8)
        for value in values { withUnsafeBytes(of: UInt64(value).littleEndian) { bytes += $0 } }
        return bytes
    }

    /// The payload as words (tokens, page numbers); throws `malformed` for a payload that
    /// is not whole words or a word that is no `Int` of this machine.
    func words() throws(SharedMemoryError) -> [Int] {
        guard payload.count % 8 == 0 else { throw .malformed("\(kind) payload of \(payload.count) bytes") }
        var words: [Int] = []
        words.reserveCapacity(payload.count / 8)
        for index in 0..<(payload.count / 8) {
            let word = payload.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self)) }
            guard word <= UInt64(Int.max) else { throw .malformed("\(kind) word \(index) is \(word)") }
            words.append(Int(word))
        }
        return words
    }

    /// The payload as page numbers (write notices) of a region of `pageCount` pages.
    func pages(below pageCount: Int) throws(SharedMemoryError) -> [Int] {
        let pages = try words()
        if let stray = pages.first(where: { $0 >= pageCount }) {
            throw .malformed("\(kind) names page \(stray) of a region of \(pageCount)")
        }
        return pages
    }

    /// Bytes of a header: kind (u32), payload length (u32), page (u64), little-endian.
    static let headerSize = 16

    /// Decodes a header; throws `malformed` for an unknown kind, a payload longer than
    /// `maximumPayload` or a page that is no `Int` of this machine.
    static func header(decoding bytes: [UInt8], maximumPayload: Int) throws(SharedMemoryError) -> (kind: Kind, page: Int, payloadLength: Int) {
        guard bytes.count == headerSize else { throw .malformed("message header of \(bytes.count) bytes") }
        let (rawKind, length, page) = bytes.withUnsafeBytes {
            (UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: 0, as: UInt32.self)), UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: 4, as: UInt32.self)),
             UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
        }
        guard let kind = Kind(rawValue: rawKind) else { throw .malformed("unknown message kind \(rawKind)") }
        guard length <= maximumPayload else { throw .malformed("\(kind) of \(length) bytes") }
        guard page <= UInt64(Int.max) else { throw .malformed("\(kind) for page \(page)") }
        return (kind, Int(page), Int(length))
    }
}

/// One connection to a peer node's service thread. Reads and writes block; the service
/// thread reads only when poll(2) says the socket is readable, and a writer never has
/// more than a window of messages unanswered, so the socket buffers never fill both ways.
final class PeerChannel {
    let node: Int
    let socket: Socket
    /// Notices of a whole region's pages fit (1 GiB of pages, 8 bytes each).
    static let maximumPayload = 8 << 20

    init(node: Int, socket: Socket) {
        self.node = node
        self.socket = socket
        socket.setNoDelay()
    }

    func send(_ message: ProtocolMessage) throws(SharedMemoryError) {
        var header = [UInt8](repeating: 0, count: 16)
        header.withUnsafeMutableBytes {
            $0.storeBytes(of: message.kind.rawValue.littleEndian, toByteOffset: 0, as: UInt32.self)
            $0.storeBytes(of: UInt32(message.payload.count).littleEndian, toByteOffset: 4, as: UInt32.self)
            $0.storeBytes(of: UInt64(message.page).littleEndian, toByteOffset: 8, as: UInt64.self)
        }
        do {
            try socket.writeAll(header + message.payload)
        } catch {
            throw .peerLost(node: node, reason: "\(error)")
        }
    }

    func receive() throws(SharedMemoryError) -> ProtocolMessage {
        let bytes: [UInt8]
        do {
            bytes = try socket.readExactly(ProtocolMessage.headerSize)
        } catch {
            throw .peerLost(node: node, reason: "\(error)")
        }
        let header: (kind: ProtocolMessage.Kind, page: Int, payloadLength: Int)
        do {
            header = try ProtocolMessage.header(decoding: bytes, maximumPayload: Self.maximumPayload)
        } catch .malformed(let what) {
            throw .malformed("\(what) from node \(node)")
        }
        do {
            return ProtocolMessage(kind: header.kind, page: header.page, payload: header.payloadLength > 0 ? try socket.readExactly(header.payloadLength) : [])
        } catch {
            throw .peerLost(node: node, reason: "\(error)")
        }
    }
}
