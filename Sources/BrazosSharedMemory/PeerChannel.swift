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

    func words() throws(SharedMemoryError) -> [Int] {
        guard payload.count % 8 == 0 else { throw .malformed("\(kind) payload of \(payload.count) bytes") }
        return payload.withUnsafeBytes { raw in
            (0..<(payload.count / 8)).map { Int(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self))) }
        }
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
        do {
            let header = try socket.readExactly(16)
            let fields = header.withUnsafeBytes { ($0.loadUnaligned(fromByteOffset: 0, as: UInt32.self), $0.loadUnaligned(fromByteOffset: 4, as: UInt32.self),
                                                   $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self)) }
            guard let kind = ProtocolMessage.Kind(rawValue: UInt32(littleEndian: fields.0)) else {
                throw SharedMemoryError.malformed("unknown message kind \(fields.0) from node \(node)")
            }
            let length = Int(UInt32(littleEndian: fields.1))
            guard length <= Self.maximumPayload else { throw SharedMemoryError.malformed("message of \(length) bytes from node \(node)") }
            return ProtocolMessage(kind: kind, page: Int(UInt64(littleEndian: fields.2)), payload: length > 0 ? try socket.readExactly(length) : [])
        } catch let error as SharedMemoryError {
            throw error
        } catch {
            throw .peerLost(node: node, reason: "\(error)")
        }
    }
}
