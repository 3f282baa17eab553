import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A node's listening socket, served for the job's life: every connection is
/// authenticated on a thread of its own (a few at once), so a silent or slow connection
/// holds up no one but itself, and what proves knowledge of the job's secret goes to
/// `admit`. An error of `accept` (a connection reset before it was taken, no descriptor
/// left, a signal) is retried after a pause that grows to a second; only closing the
/// listener (`close`) ends it.
public final class PeerListener: Sendable {
    /// Handshakes running at once; the next connection waits in the kernel's backlog
    /// until one ends, which `Handshake.accept`'s time limit bounds.
    public static let handshakesAtOnce = 16

    private let socket: Socket
    private let secret: [UInt8]
    private let node: Int
    /// Who listens, as the report's lines name it.
    private let name: String
    private let handshakeTimeout: Double
    private let report: @Sendable (String) -> Void
    /// Set by `close`, before it wakes `serve`.
    private let closing = Atomic<Bool>(false)
    /// Handshakes running; changed only with `slots` held, which `slotFreed` waits on.
    private let handshakes = Atomic<Int>(0)
    private let slots = PthreadMutex()
    private let slotFreed = PthreadCondition()

    /// Serves `socket` for node `node` of the job whose secret is `secret`; a connection that
    /// has not proved it within `handshakeTimeout` seconds is refused. `report` gets one
    /// line for each refused connection and each run of failed `accept`s, naming the
    /// listener `name` (the node, unless another of its sockets is served).
    public init(socket: Socket, secret: [UInt8], node: Int, name: String? = nil, handshakeTimeout: Double = 5,
                report: @escaping @Sendable (String) -> Void = { diagnose($0) }) {
        self.socket = socket
        self.secret = secret
        self.node = node
        self.name = name ?? "node \(node)"
        self.handshakeTimeout = handshakeTimeout
        self.report = report
    }

    /// Accepts connections until `close`, then closes the listening socket; hands each
    /// connection that proves the job's secret to `admit` (from a handshake thread) with the
    /// node it claims, its purpose and where it came from; `admit` owns it from then on.
    public func serve(_ admit: @escaping @Sendable (_ peer: Int, _ purpose: Handshake.Purpose, _ socket: Socket, _ from: String) -> Void) {
        var pause = 0.0
        while true {
            let connection: Socket
            do {
                connection = try socket.accept()
            } catch {
                guard !closing.load(ordering: .acquiring) else { return socket.close() }
                guard case let .system(_, code) = error, code != EBADF, code != EINVAL, code != ENOTSOCK else {
                    report("brazos: \(name): stopped listening for peers: \(error)")
                    return socket.close()
                }
                // One line for a run of failures, not one for each retry.
                if pause == 0 { report("brazos: \(name): \(error); accepting again after a pause") }
                pause = min(max(pause * 2, 0.01), 1)
                usleep(UInt32(pause * 1e6))
                continue
            }
            pause = 0
            takeSlot()
            NativeThread.spawn { [self] in
                defer { freeSlot() }
                authenticate(connection, admit)
            }
        }
    }

    /// Stops `serve`: its `accept` returns at once, and nothing more is taken. Handshakes
    /// under way finish on their own.
    public func close() {
        closing.store(true, ordering: .releasing)
        socket.shutDown()
    }

    private func authenticate(_ connection: Socket, _ admit: (Int, Handshake.Purpose, Socket, String) -> Void) {
        let from = connection.remoteAddress?.description ?? "?"
        do {
            let (peer, purpose) = try Handshake.accept(on: connection, secret: secret, myNode: node, timeout: handshakeTimeout)
            admit(peer, purpose, connection, from)
        } catch {
            report("brazos: \(name): refused a connection from \(from): \(error)")
            connection.close()
        }
    }

    private func takeSlot() {
        slots.withLock {
            while handshakes.load(ordering: .relaxed) >= Self.handshakesAtOnce { slotFreed.wait(slots, seconds: 1) }
            handshakes.add(1, ordering: .relaxed)
        }
    }

    private func freeSlot() {
        slots.withLock {
            handshakes.subtract(1, ordering: .relaxed)
            slotFreed.broadcast()
        }
    }
}
