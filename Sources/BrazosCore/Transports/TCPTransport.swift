#if canImport(Glibc)
import Glibc
#endif

/// The transport between hosts: one authenticated TCP connection per pair of nodes, with
/// TCP_NODELAY, non-blocking after the handshake. Frames are written with writev straight
/// from the caller's buffer and parsed out of a per-connection receive buffer, except
/// the payload of a large rendezvous chunk, which is read straight into the receiver's
/// buffer when the sink says where it goes (one copy, by the kernel).
final class TCPConnection {
    let peerNode: Int
    let socket: Socket
    let sendLock = PthreadMutex()
    var buffer: UnsafeMutableRawBufferPointer
    var filled = 0
    var peerSaidGoodbye = false
    /// A chunk being read in place: its header, where it goes, and how much has come.
    private var inPlace: (header: FrameHeader, destination: UnsafeMutableRawPointer, received: Int)?
    /// Chunks smaller than this are not worth a separate read.
    static let inPlaceThreshold = 16 * 1024

    init(peerNode: Int, socket: Socket) {
        self.peerNode = peerNode
        self.socket = socket
        socket.setNonBlocking()
        buffer = .allocate(byteCount: 256 * 1024, alignment: 16)
    }

    deinit { buffer.deallocate() }

    /// Reads what the kernel has and delivers each complete frame. A read that leaves room
    /// and no frame half-read has taken all the kernel held: the next would only say
    /// EAGAIN, a system call between a request's arrival and its answer (the caller polls
    /// again anyway). Half a frame means more is on its way: reading on takes it sooner.
    func receive(into sink: FrameSink) throws -> Int {
        var delivered = 0
        while true {
            if let chunk = inPlace {
                let length = Int(chunk.header.payloadLength)
                let n = recv(socket.descriptor, chunk.destination + chunk.received, length - chunk.received, 0)
                if n > 0 {
                    if chunk.received + n < length {
                        inPlace = (chunk.header, chunk.destination, chunk.received + n)
                    } else {
                        inPlace = nil
                        try sink.deliver(chunk.header, payload: UnsafeRawBufferPointer(start: chunk.destination, count: length), fromNode: peerNode)
                        delivered += 1
                    }
                    continue
                }
                if n == 0 { throw BrazosError.peerLost(node: peerNode, reason: "connection closed by node \(peerNode)") }
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK { return delivered }
                throw BrazosError.peerLost(node: peerNode, reason: "receive from node \(peerNode) failed: errno \(errno)")
            }
            if filled == buffer.count { grow(to: buffer.count * 2) }
            let room = buffer.count - filled
            let n = recv(socket.descriptor, buffer.baseAddress! + filled, room, 0)
            if n > 0 {
                filled += n
                delivered += try deliverFrames(into: sink)
                if n < room && filled == 0 && inPlace == nil { return delivered }
                continue
            }
            if n == 0 {
                if peerSaidGoodbye { return delivered }
                throw BrazosError.peerLost(node: peerNode, reason: "connection closed by node \(peerNode)")
            }
            if errno == EINTR { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK { return delivered }
            throw BrazosError.peerLost(node: peerNode, reason: "receive from node \(peerNode) failed: errno \(errno)")
        }
    }

    private func deliverFrames(into sink: FrameSink) throws -> Int {
        var offset = 0
        var delivered = 0
        defer {
            if offset > 0 {
                filled -= offset
                if filled > 0 { buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + offset, byteCount: filled) }
            }
        }
        while filled - offset >= FrameHeader.size {
            let header: FrameHeader
            do {
                header = try FrameHeader.decode(from: UnsafeRawBufferPointer(rebasing: buffer[offset..<filled]))
            } catch {
                // A byte stream has no record boundaries to resynchronise on.
                throw BrazosError.peerLost(node: peerNode, reason: "\(error) on the connection from node \(peerNode)")
            }
            let total = FrameHeader.size + Int(header.payloadLength)
            if filled - offset < total {
                if header.kind == .rendezvousData, header.payloadLength >= UInt64(Self.inPlaceThreshold),
                   let destination = sink.destination(forPayloadOf: header) {
                    let arrived = filled - offset - FrameHeader.size
                    destination.copyMemory(from: buffer.baseAddress! + offset + FrameHeader.size, byteCount: arrived)
                    inPlace = (header, destination, arrived)
                    offset = filled
                    break
                }
                if total > buffer.count { grow(to: total) }
                break
            }
            if header.kind == .goodbye { peerSaidGoodbye = true }
            let payload = UnsafeRawBufferPointer(start: buffer.baseAddress! + offset + FrameHeader.size, count: Int(header.payloadLength))
            offset += total
            try sink.deliver(header, payload: payload, fromNode: peerNode)
            delivered += 1
        }
        return delivered
    }

    private func grow(to size: Int) {
        let larger = UnsafeMutableRawBufferPointer.allocate(byteCount: max(size, buffer.count * 2), alignment: 16)
        larger.baseAddress!.copyMemory(from: buffer.baseAddress!, byteCount: filled)
        buffer.deallocate()
        buffer = larger
    }
}

/// Every TCP connection's receiving side, as one inbound source.
public final class TCPInbound: InboundSource {
    private let lock = PthreadMutex()
    private var connections: [TCPConnection] = []

    /// A source with no connections yet; the node adds each as it is made.
    public init() {}

    func add(_ connection: TCPConnection) {
        lock.withLock { connections.append(connection) }
    }

    private var snapshot: [TCPConnection] { lock.withLock { connections } }

    /// Reads every connection and delivers its complete frames; returns how many.
    public func poll(into sink: FrameSink) throws -> Int {
        var delivered = 0
        for connection in snapshot {
            delivered += try connection.receive(into: sink)
        }
        return delivered
    }

    /// Every connection's socket.
    public var wakeDescriptors: [Int32] { snapshot.map(\.socket.descriptor) }
    /// Always true: socket readiness itself wakes the poller.
    public func prepareToBlock() -> Bool { true }
    /// Nothing to reset.
    public func finishedBlocking() {}
}

/// The sending side of one TCP connection.
public final class TCPLink: PeerLink {
    /// The node at the other end.
    public var peerNode: Int { connection.peerNode }
    /// Rendezvous data goes in chunks of up to 1 MiB, read in place by the receiver.
    public static let framePayloadLimit = 1 << 20
    /// `framePayloadLimit`.
    public let maximumFramePayload = framePayloadLimit
    /// Messages up to this size travel eagerly; the configured limit, capped by the frame payload.
    public let eagerLimit: Int
    /// Always false: the receiver cannot read another host's memory, so senders push rendezvous data.
    public let canPull = false
    /// Whole frames: the kernel's socket buffers do the pipelining.
    public let pushFragment = framePayloadLimit
    let connection: TCPConnection
    private let progress: ProgressEngine

    init(connection: TCPConnection, eagerLimit: Int, progress: ProgressEngine) {
        self.connection = connection
        self.eagerLimit = min(eagerLimit, maximumFramePayload)
        self.progress = progress
    }

    /// Writes header and payload with one sendmsg where possible, straight from the caller's
    /// buffer; while the peer's buffers are full it drives progress. Thread-safe; throws
    /// `peerLost` if the connection fails.
    public func send(_ header: FrameHeader, payload: UnsafeRawBufferPointer) throws {
        try send(header, head: payload, body: UnsafeRawBufferPointer(start: nil, count: 0))
    }

    public func send(_ header: FrameHeader, head: UnsafeRawBufferPointer, body: UnsafeRawBufferPointer) throws {
        // FrameHeader.size bytes, on the stack.
        var headerBytes = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        try withUnsafeMutableBytes(of: &headerBytes) { headerBuffer in
            header.encode(into: headerBuffer.baseAddress!)
            try connection.sendLock.withLock {
                try write([UnsafeRawBufferPointer(rebasing: headerBuffer[0..<FrameHeader.size]), head, body])
            }
        }
    }

    /// Writes `parts` one after the other, with one sendmsg for as much as the kernel takes.
    private func write(_ parts: [UnsafeRawBufferPointer]) throws {
        let total = parts.reduce(0) { $0 + $1.count }
        var sent = 0
        while sent < total {
            var vectors: [iovec] = []
            var start = 0
            for part in parts {
                defer { start += part.count }
                guard part.count > 0, sent < start + part.count else { continue }
                let from = max(0, sent - start)
                vectors.append(iovec(iov_base: UnsafeMutableRawPointer(mutating: part.baseAddress! + from), iov_len: part.count - from))
            }
            var message = msghdr()
            let n = vectors.withUnsafeMutableBufferPointer { vectorBuffer in
                message.msg_iov = vectorBuffer.baseAddress
                message.msg_iovlen = vectorBuffer.count
                return sendmsg(connection.socket.descriptor, &message, Int32(MSG_NOSIGNAL))
            }
            if n >= 0 { sent += n; continue }
            if errno == EINTR { continue }
            guard errno == EAGAIN || errno == EWOULDBLOCK else {
                throw BrazosError.peerLost(node: peerNode, reason: "send to node \(peerNode) failed: errno \(errno)")
            }
            // The peer's buffers are full: let our own inbound move, then wait for room.
            try progress.pollInbound()
            var descriptor = pollfd(fd: connection.socket.descriptor, events: Int16(POLLOUT), revents: 0)
            _ = Glibc.poll(&descriptor, 1, 1)
        }
    }

    /// Always throws `configuration`: check `canPull` first.
    public func pull(from address: UInt64, count: Int, into destination: UnsafeMutableRawPointer) throws {
        throw BrazosError.configuration("TCP links cannot read a peer's memory")
    }

    /// Sends `goodbye`, so that the peer takes the closed connection as no failure.
    public func close() {
        try? send(FrameHeader(kind: .goodbye), payload: UnsafeRawBufferPointer(start: nil, count: 0))
    }
}
