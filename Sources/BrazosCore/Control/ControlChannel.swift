import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// One end of an authenticated control connection between a node and brazosrun: it sends
/// messages of one direction and receives those of the other, one line each, at most
/// 16 MiB a line.
public final class ControlChannel<Incoming: ControlMessage, Outgoing: ControlMessage>: Sendable {
    /// The authenticated connection.
    public let socket: Socket
    /// Bytes received past the last line taken, held by the receiving thread while it reads.
    private let pending = Guarded<[UInt8]>([])
    /// Sends come from several threads (a node's main, heartbeat and writer threads): one
    /// line at a time.
    private let sending = PthreadMutex()

    /// Wraps a socket that has already passed the `Handshake` as a control connection.
    public init(socket: Socket) { self.socket = socket }

    /// Sends one message. Safe to call from several threads at once.
    public func send(_ message: Outgoing) throws(BrazosError) {
        let line = Array(message.encode().utf8) + [10]
        try sending.withLock { () throws(BrazosError) in try socket.writeAll(line) }
    }

    /// The next message, from one thread at a time. Throws `peerLost` when the connection
    /// closes, and `malformed` for a line that is not a message of this direction (the
    /// caller then closes the connection).
    public func receive() throws(BrazosError) -> Incoming {
        try pending.withLock { pending throws(BrazosError) in try receive(into: &pending) }
    }

    private func receive(into pending: inout [UInt8]) throws(BrazosError) -> Incoming {
        while true {
            if let newline = pending.firstIndex(of: 10) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                do {
                    return try Incoming.decode(line[...])
                } catch {
                    throw .malformed(error.description)
                }
            }
            guard pending.count < 16 << 20 else { throw .malformed("control line longer than 16 MiB") }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = chunk.withUnsafeMutableBytes { recv(socket.descriptor, $0.baseAddress, $0.count, 0) }
            if n == 0 { throw .peerLost(node: -1, reason: "control connection closed") }
            if n < 0 {
                if errno == EINTR { continue }
                throw .lastSystemError("recv(control)")
            }
            pending += chunk[0..<n]
        }
    }

    /// Ends the connection both ways, so that the other end sees it closed; the
    /// descriptor stays open until the socket is let go (another thread may be using it).
    public func shutDown() {
        _ = Glibc.shutdown(socket.descriptor, Int32(SHUT_RDWR))
    }
}

/// A node's end: it receives the launcher's messages.
public typealias LauncherConnection = ControlChannel<LauncherMessage, NodeMessage>
/// brazosrun's end of one node's connection.
public typealias NodeConnection = ControlChannel<NodeMessage, LauncherMessage>
