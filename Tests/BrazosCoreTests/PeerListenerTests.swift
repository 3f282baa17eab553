import XCTest
@testable import BrazosCore

final class PeerListenerTests: XCTestCase {
    /// What a listener under test reported and admitted, in order, for the test to wait on.
    /// `@unchecked Sendable`: every access to `lines` holds `condition`.
    private final class Events: @unchecked Sendable {
        private let condition = NSCondition()
        private var lines: [String] = []

        func add(_ line: String) {
            condition.lock()
            lines.append(line)
            condition.broadcast()
            condition.unlock()
        }

        var all: [String] {
            condition.lock()
            defer { condition.unlock() }
            return lines
        }

        /// Waits until `count` lines contain `text`; false after `timeout` seconds.
        func wait(for text: String, count: Int = 1, timeout: TimeInterval = 20) -> Bool {
            let deadline = Date().addingTimeInterval(timeout)
            condition.lock()
            defer { condition.unlock() }
            while lines.filter({ $0.contains(text) }).count < count {
                if !condition.wait(until: deadline) { return false }
            }
            return true
        }
    }

    private let secret = Handshake.randomBytes(32)

    /// A listener on loopback, not served yet.
    private func makeListener(handshakeTimeout: Double, events: Events) throws -> (listener: PeerListener, address: SocketAddress) {
        let socket = try Socket.listen(host: "127.0.0.1")
        let address = try SocketAddress(host: "127.0.0.1", port: try XCTUnwrap(socket.localAddress).port)
        return (PeerListener(socket: socket, secret: secret, node: 0, handshakeTimeout: handshakeTimeout, report: events.add), address)
    }

    /// Serves `listener` on a thread of its own, noting each admitted peer in `events`;
    /// the semaphore is signalled when `serve` returns.
    private func serveInBackground(_ listener: PeerListener, _ events: Events) -> DispatchSemaphore {
        let ended = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            listener.serve { peer, purpose, socket, _ in
                events.add("admitted node \(peer) for \(purpose)")
                socket.close()
            }
            ended.signal()
        }
        return ended
    }

    func testSilentGarbageAndWrongSecretConnectionsDoNotHoldUpARealPeer() throws {
        let events = Events()
        // A handshake may take 60 s: one served after another, the silent connections
        // alone would keep the real peer out for minutes.
        let (listener, address) = try makeListener(handshakeTimeout: 60, events: events)
        let ended = serveInBackground(listener, events)
        let silent = try (0..<4).map { _ in try Socket.connect(to: address) }
        let garbage = try Socket.connect(to: address)
        try garbage.writeAll(Handshake.randomBytes(200))
        let intruder = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            defer { intruder.signal() }
            guard let socket = try? Socket.connect(to: address) else { return }
            _ = try? Handshake.connect(on: socket, secret: Handshake.randomBytes(32), myNode: 3, purpose: .data)
        }

        let peer = try Socket.connect(to: address)
        XCTAssertEqual(try Handshake.connect(on: peer, secret: secret, myNode: 3, purpose: .data), 0)
        XCTAssertTrue(events.wait(for: "admitted node 3 for data"), events.all.description)
        XCTAssertTrue(events.wait(for: "refused a connection", count: 2), "garbage and the wrong secret were not refused: \(events.all)")
        XCTAssertEqual(intruder.wait(timeout: .now() + 20), .success)
        XCTAssertEqual(events.all.filter { $0.contains("admitted") }.count, 1, "a connection without the secret was admitted: \(events.all)")
        XCTAssertEqual(events.all.filter { $0.contains("refused") }.count, 2, "a silent connection's handshake ended early: \(events.all)")

        listener.close()
        XCTAssertEqual(ended.wait(timeout: .now() + 10), .success, "serve did not end when the listener was closed")
        withExtendedLifetime(silent) {}
    }

    func testAFailingAcceptIsRetriedAndThePeerStillGetsIn() throws {
        let events = Events()
        let (listener, address) = try makeListener(handshakeTimeout: 20, events: events)
        let peer = try Socket.connect(to: address)
        // The peer's connection waits in the backlog; with no descriptor left below the
        // limit, accepting it fails with EMFILE until the limit is back.
        var saved = rlimit()
        XCTAssertEqual(getrlimit(Int32(RLIMIT_NOFILE.rawValue), &saved), 0)
        let lowestFree = open("/dev/null", O_RDONLY)
        close(lowestFree)
        var lowered = saved
        lowered.rlim_cur = rlim_t(lowestFree)
        XCTAssertEqual(setrlimit(Int32(RLIMIT_NOFILE.rawValue), &lowered), 0)
        let ended = serveInBackground(listener, events)
        let sawFailure = events.wait(for: "accepting again")
        XCTAssertEqual(setrlimit(Int32(RLIMIT_NOFILE.rawValue), &saved), 0)
        XCTAssertTrue(sawFailure, "accept never failed: \(events.all)")
        XCTAssertTrue(events.all.contains { $0.contains("errno \(EMFILE)") }, events.all.description)

        XCTAssertEqual(try Handshake.connect(on: peer, secret: secret, myNode: 2, purpose: .sharedMemory), 0)
        XCTAssertTrue(events.wait(for: "admitted node 2 for sharedMemory"), events.all.description)
        listener.close()
        XCTAssertEqual(ended.wait(timeout: .now() + 10), .success, "serve did not end when the listener was closed")
    }
}
