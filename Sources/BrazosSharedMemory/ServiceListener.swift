import BrazosCore
import CBrazos
#if canImport(Glibc)
import Glibc
#endif

/// The coherence service's listening socket. At start-up each of the job's first nodes'
/// services connects to every higher one's (`CoherenceService.connect`); this socket takes
/// those connections, one from each lower node, and then closes: nodes that join later
/// come in through the node's own listener. Handshakes run off the service thread
/// (`PeerListener`: a deadline, a few at once, failed `accept`s retried), so a silent,
/// slow or wrong-secret connection neither holds a real peer up nor takes its place; one
/// that proves the secret but is not a lower node still waiting is refused, with a line.
final class ServiceListener: Sendable {
    let port: Int
    private let me: Int
    private let name: String
    private let listener: PeerListener
    /// The lower nodes' connections that proved the secret, until `take` has them; `open`
    /// until it is done.
    private let state = Guarded<(arrived: [Int: Socket], open: Bool)>(([:], true))
    /// Readable when a connection arrived (an eventfd): `take` waits on it.
    private let bell: Int32

    init(host: String, me: Int, secret: [UInt8]) throws {
        let socket = try Socket.listen(host: host)
        port = Int(socket.localAddress?.port ?? 0)
        self.me = me
        name = "node \(me)'s shared-memory service"
        listener = PeerListener(socket: socket, secret: secret, node: me, name: name)
        bell = brazos_blocking_eventfd()
        guard bell >= 0 else { throw SharedMemoryError.system(call: "eventfd", errno: errno) }
        NativeThread.spawn { [self] in listener.serve { [self] peer, purpose, socket, from in admit(peer, purpose, socket, from) } }
    }

    deinit { close(bell) }

    private func admit(_ peer: Int, _ purpose: Handshake.Purpose, _ socket: Socket, _ from: String) {
        let taken = state.withLock { state in
            guard state.open, purpose == .sharedMemory, peer >= 0, peer < me, state.arrived[peer] == nil else { return false }
            state.arrived[peer] = socket
            return true
        }
        guard taken else {
            diagnose("brazos: \(name): refused a connection from \(from) as node \(peer): not expected")
            return socket.close()
        }
        var one: UInt64 = 1
        _ = write(bell, &one, 8)
    }

    /// The connections of `nodes` (lower nodes), once each has come, waiting at most
    /// `seconds` in all; then the socket closes, whatever came or not.
    func take(from nodes: [Int], within seconds: Double) throws(SharedMemoryError) -> [Int: Socket] {
        defer {
            let unclaimed = state.withLock { state in
                state.open = false
                defer { state.arrived = [:] }
                return state.arrived
            }
            for socket in unclaimed.values { socket.close() }
            listener.close()
        }
        let deadline = monotonicSeconds() + seconds
        while true {
            let missing = state.withLock { state in nodes.filter { state.arrived[$0] == nil } }
            if missing.isEmpty {
                return state.withLock { state in
                    var taken: [Int: Socket] = [:]
                    for node in nodes { taken[node] = state.arrived.removeValue(forKey: node) }
                    return taken
                }
            }
            let left = deadline - monotonicSeconds()
            guard left > 0 else {
                throw .peerLost(node: missing[0], reason: "its shared-memory service did not connect within \(Int(seconds)) s")
            }
            var ring = pollfd(fd: bell, events: Int16(POLLIN), revents: 0)
            if poll(&ring, 1, Int32(min(left, 1) * 1000) + 1) > 0 {
                var count: UInt64 = 0
                _ = read(bell, &count, 8)
            }
        }
    }
}
