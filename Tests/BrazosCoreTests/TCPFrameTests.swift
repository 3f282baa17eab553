import XCTest
@testable import BrazosCore
#if canImport(Glibc)
import Glibc
#endif

/// Frames over one connection of the TCP transport (a socket pair stands in for the
/// network): a frame sent as a head and a body where they lie arrives as one payload,
/// whole, also when the kernel takes it in many pieces and the reader sees it in many.
final class TCPFrameTests: XCTestCase {
    private func connectedPair() throws -> (sender: TCPLink, receiver: TCPConnection) {
        var descriptors: [Int32] = [0, 0]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &descriptors) == 0 else { throw XCTSkip("socketpair: errno \(errno)") }
        let link = TCPLink(connection: TCPConnection(peerNode: 1, socket: Socket(descriptor: descriptors[0])), eagerLimit: 1 << 16,
                           progress: ProgressEngine(threads: 1))
        return (link, TCPConnection(peerNode: 0, socket: Socket(descriptor: descriptors[1])))
    }

    func testAHeadAndABodySentApartArriveAsOnePayloadBetweenWholeFrames() throws {
        let (sending, connection) = try connectedPair()
        // The sending thread alone uses the link; this one reads the other end.
        nonisolated(unsafe) let link = sending
        let head = (0..<56).map { UInt8($0) }
        // Larger than the socket's buffers and the reader's first buffer: both sides go
        // piece by piece.
        let body = (0..<(TCPLink.framePayloadLimit - head.count)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let small = [UInt8](repeating: 9, count: 40)
        let sender = Thread {
            head.withUnsafeBytes { head in
                body.withUnsafeBytes { body in
                    let length = UInt64(head.count + body.count)
                    try! link.send(FrameHeader(kind: .eager, tag: 1, messageLength: length, payloadLength: length), head: head, body: body)
                }
            }
            small.withUnsafeBytes { try! link.send(FrameHeader(kind: .eager, tag: 2, messageLength: 40, payloadLength: 40), payload: $0) }
            // An empty body sends the head alone.
            small.withUnsafeBytes {
                try! link.send(FrameHeader(kind: .eager, tag: 3, messageLength: 40, payloadLength: 40), head: $0, body: UnsafeRawBufferPointer(start: nil, count: 0))
            }
        }
        sender.start()
        let collector = FrameCollector()
        let deadline = Date().addingTimeInterval(30)
        while collector.frames.count < 3 && Date() < deadline {
            if try connection.receive(into: collector) == 0 { usleep(100) }
        }
        XCTAssertEqual(collector.frames.map(\.0.tag), [1, 2, 3])
        XCTAssertEqual(collector.frames.first?.1, head + body, "the head then the body, whole")
        XCTAssertEqual(collector.frames.dropFirst().map(\.1), [small, small])
    }
}
