import XCTest
@testable import BrazosCore

final class HandshakeTests: XCTestCase {
    /// Runs an acceptor with `secret` on a loopback socket and a connector with
    /// `connectorSecret`; returns what each side got.
    private func handshake(secret: [UInt8], connectorSecret: [UInt8]) throws -> (accepted: Result<Int, Error>, connected: Result<Int, Error>) {
        let listener = try Socket.listen(host: "127.0.0.1")
        let address = try SocketAddress(host: "127.0.0.1", port: listener.localAddress!.port)
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var accepted: Result<Int, Error> = .failure(BrazosError.timedOut("never ran"))
        Thread.detachNewThread {
            accepted = Result {
                let socket = try listener.accept()
                return try Handshake.accept(on: socket, secret: secret, myNode: 0).node
            }
            done.signal()
        }
        let socket = try Socket.connect(to: address)
        let connected = Result { try Handshake.connect(on: socket, secret: connectorSecret, myNode: 5, purpose: .data) }
        XCTAssertEqual(done.wait(timeout: .now() + 10), .success)
        return (accepted, connected)
    }

    func testSameSecretAuthenticatesBothSides() throws {
        let secret = Handshake.randomBytes(32)
        let (accepted, connected) = try handshake(secret: secret, connectorSecret: secret)
        XCTAssertEqual(try accepted.get(), 5)
        XCTAssertEqual(try connected.get(), 0)
    }

    func testWrongSecretIsRefused() throws {
        let (accepted, connected) = try handshake(secret: Handshake.randomBytes(32), connectorSecret: Handshake.randomBytes(32))
        XCTAssertThrowsError(try accepted.get()) { error in
            guard case BrazosError.authenticationFailed = error else { return XCTFail("unexpected \(error)") }
        }
        XCTAssertThrowsError(try connected.get())
    }

    func testAPeerThatDripsItsAnswerIsCutOffAtTheDeadline() throws {
        let listener = try Socket.listen(host: "127.0.0.1")
        let client = try Socket.connect(to: try SocketAddress(host: "127.0.0.1", port: listener.localAddress!.port))
        let server = try listener.accept()
        let stop = DispatchSemaphore(value: 0)
        // One byte every 50 ms: each read gets something long before any per-read timeout,
        // so only a deadline for the whole handshake ends it.
        Thread.detachNewThread {
            while stop.wait(timeout: .now() + 0.05) == .timedOut {
                guard (try? client.writeAll([0x42])) != nil else { return }
            }
        }
        defer { stop.signal() }
        let started = monotonicSeconds()
        XCTAssertThrowsError(try Handshake.accept(on: server, secret: Handshake.randomBytes(32), myNode: 0, timeout: 0.5)) { error in
            guard case BrazosError.timedOut = error else { return XCTFail("unexpected \(error)") }
        }
        XCTAssertLessThan(monotonicSeconds() - started, 2, "the handshake outlived its deadline")
    }

    func testHexRoundTrip() {
        let bytes: [UInt8] = [0, 1, 0xab, 0xff]
        XCTAssertEqual(bytes.hexString, "0001abff")
        XCTAssertEqual([UInt8](hexString: "0001abff"), bytes)
        XCTAssertNil([UInt8](hexString: "abc"))
        XCTAssertNil([UInt8](hexString: "zz"))
    }
}
