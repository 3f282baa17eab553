import XCTest
@testable import BrazosMPI

final class MatchQueuesTests: XCTestCase {
    typealias Queues = MatchQueues<String, Int>

    private func envelope(_ source: Int32, _ tag: Int32, context: UInt32 = 0) -> Envelope {
        Envelope(context: context, source: source, tag: tag)
    }

    private func pattern(_ source: Int, _ tag: Int, context: UInt32 = 0) -> MatchPattern {
        MatchPattern(context: context, source: Int32(source), tag: Int32(tag))
    }

    func testPostedReceiveTakesTheFirstMatchingArrival() {
        var queues = Queues()
        XCTAssertNil(queues.post(pattern(1, 5), "r1"))
        XCTAssertNil(queues.arrive(envelope(2, 5), 20), "a message from another source matched")
        XCTAssertEqual(queues.arrive(envelope(1, 5), 10), "r1")
        XCTAssertEqual(queues.unexpected.map(\.item), [20])
    }

    func testUnexpectedMessagesAreTakenInArrivalOrder() {
        var queues = Queues()
        for i in 0..<3 { XCTAssertNil(queues.arrive(envelope(1, 7), i)) }
        XCTAssertEqual(queues.post(pattern(1, 7), "a")?.item, 0)
        XCTAssertEqual(queues.post(pattern(MPI.anySource, MPI.anyTag), "b")?.item, 1)
        XCTAssertEqual(queues.post(pattern(1, MPI.anyTag), "c")?.item, 2)
        XCTAssertNil(queues.post(pattern(1, 7), "d"))
    }

    func testWildcardsAndTags() {
        var queues = Queues()
        XCTAssertNil(queues.arrive(envelope(3, 9), 1))
        XCTAssertNil(queues.post(pattern(3, 8), "wrong tag"))
        XCTAssertEqual(queues.post(pattern(MPI.anySource, 9), "any source")?.item, 1)
        XCTAssertNil(queues.arrive(envelope(4, -5), 2), "anyTag matched an internal negative tag")
        XCTAssertEqual(queues.posted.count, 1)
    }

    func testContextsNeverMix() {
        var queues = Queues()
        XCTAssertNil(queues.post(pattern(MPI.anySource, MPI.anyTag, context: 2), "world"))
        XCTAssertNil(queues.arrive(envelope(0, 0, context: 3), 1))
        XCTAssertEqual(queues.arrive(envelope(0, 0, context: 2), 2), "world")
        XCTAssertNil(queues.peek(pattern(MPI.anySource, MPI.anyTag, context: 2)))
        XCTAssertEqual(queues.peek(pattern(MPI.anySource, MPI.anyTag, context: 3))?.item, 1)
        XCTAssertEqual(queues.unexpected.count, 1, "peek removed the message")
    }

    func testTakeRemovesTheMatchedMessageFromMatching() {
        var queues = Queues()
        XCTAssertNil(queues.arrive(envelope(1, 3), 10))
        XCTAssertNil(queues.arrive(envelope(1, 4), 20))
        XCTAssertEqual(queues.take(pattern(1, 3))?.item, 10)
        XCTAssertNil(queues.take(pattern(1, 3)), "a taken message was taken twice")
        XCTAssertNil(queues.peek(pattern(1, 3)), "a probe saw a taken message")
        XCTAssertEqual(queues.post(pattern(1, MPI.anyTag), "r")?.item, 20, "a receive did not get the message after the taken one")
    }

    func testWithdrawTakesBackOnlyAPostedReceive() {
        var queues = Queues()
        XCTAssertNil(queues.post(pattern(1, 3), "cancelled"))
        XCTAssertNil(queues.post(pattern(1, 3), "kept"))
        XCTAssertTrue(queues.withdraw { $0 == "cancelled" })
        XCTAssertFalse(queues.withdraw { $0 == "cancelled" }, "a receive was withdrawn twice")
        XCTAssertEqual(queues.arrive(envelope(1, 3), 1), "kept", "a message matched a withdrawn receive")
        XCTAssertFalse(queues.withdraw { $0 == "kept" }, "a matched receive was withdrawn")
    }
}
