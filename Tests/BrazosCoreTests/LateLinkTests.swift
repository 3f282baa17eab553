import XCTest
@testable import BrazosCore
#if canImport(Glibc)
import Glibc
#endif

/// A late link is made before anyone knows whether the node that joins under its number
/// comes through shared memory or TCP: what it admits must fit either.
final class LateLinkTests: XCTestCase {
    func testTheLargestFrameALateLinkAdmitsFitsTheRingOfAJoinerOnThisHost() throws {
        // A small ring, so that its records hold far less than a TCP frame.
        let ringCapacity = 64 << 10
        let name = "/brazos-latelink-test-\(getpid())"
        let segment = try SharedSegment.create(name: name, size: SharedMemoryLayout.segmentSize(nodes: 2, ringCapacity: ringCapacity))
        defer { segment.unlink() }
        let inbound = SharedMemoryInbound(segment: segment, senders: [], ringCapacity: ringCapacity,
                                          doorbell: try Doorbell(listeningAs: "brazos-latelink-test-\(getpid())"))
        let ring = try SharedMemoryLink(peerNode: 0, peerSegment: try SharedSegment.open(name: name), myNode: 1, ringCapacity: ringCapacity,
                                        peerDoorbell: "brazos-latelink-test-\(getpid())", ringer: try Doorbell(), eagerLimit: 1 << 20,
                                        progress: ProgressEngine(threads: 1), senders: 1)
        let late = LateLink(peerNode: 1, eagerLimit: 64 << 10, maximumFramePayload: LateLink.maximumFramePayload(ringCapacity: ringCapacity))
        XCTAssertLessThanOrEqual(late.maximumFramePayload, ring.maximumFramePayload)
        XCTAssertLessThanOrEqual(late.pushFragment, ring.maximumFramePayload)
        XCTAssertLessThanOrEqual(late.eagerLimit, ring.maximumFramePayload)
        XCTAssertEqual(LateLink.maximumFramePayload(ringCapacity: nil), TCPLink.framePayloadLimit)

        // The joiner is announced: the late link wraps the ring, and the ring is polled.
        late.expect()
        late.connect(ring)
        XCTAssertTrue(inbound.addSender(1))
        XCTAssertFalse(inbound.addSender(1), "a sender polled twice")
        XCTAssertFalse(inbound.addSender(2), "a sender the segment has no ring for")
        let bytes = (0..<late.pushFragment).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        try bytes.withUnsafeBytes {
            try late.send(FrameHeader(kind: .rendezvousData, messageLength: UInt64(bytes.count), payloadLength: UInt64(bytes.count)), payload: $0)
        }
        let collector = FrameCollector()
        XCTAssertEqual(try inbound.poll(into: collector), 1)
        XCTAssertEqual(collector.frames.count, 1)
        XCTAssertEqual(collector.frames.first?.1, bytes)
    }

    func testALateLinkWithoutItsNodeSaysItIsNotInTheJob() {
        let late = LateLink(peerNode: 5, eagerLimit: 1024, maximumFramePayload: TCPLink.framePayloadLimit)
        XCTAssertThrowsError(try late.send(FrameHeader(kind: .eager), payload: UnsafeRawBufferPointer(start: nil, count: 0))) { error in
            XCTAssertTrue("\(error)".contains("node 5 is not in the job"), "\(error)")
        }
    }
}
