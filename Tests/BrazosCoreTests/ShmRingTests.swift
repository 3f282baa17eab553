import XCTest
@testable import BrazosCore

final class ShmRingTests: XCTestCase {
    private var memory: UnsafeMutableRawPointer!
    private let capacity = 4096

    override func setUp() {
        memory = .allocate(byteCount: ShmRing.footprint(capacity: capacity), alignment: 64)
        memory.initializeMemory(as: UInt8.self, repeating: 0, count: ShmRing.footprint(capacity: capacity))
    }

    override func tearDown() { memory.deallocate() }

    private func write(_ ring: inout ShmRing, tag: Int32, bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes {
            ring.tryWrite(header: FrameHeader(kind: .eager, tag: tag, messageLength: UInt64(bytes.count), payloadLength: UInt64(bytes.count)), payload: $0)
        }
    }

    private func drain(_ ring: ShmRing) throws -> [(tag: Int32, bytes: [UInt8])] {
        var frames: [(Int32, [UInt8])] = []
        _ = try ring.drain { header, payload in frames.append((header.tag, Array(payload))) }
        return frames
    }

    func testFramesComeOutInOrderWithTheirBytes() throws {
        var ring = ShmRing(base: memory, capacity: capacity)
        XCTAssertFalse(ring.hasData)
        for i in 0..<5 { XCTAssertTrue(write(&ring, tag: Int32(i), bytes: Array(repeating: UInt8(i), count: i * 10))) }
        XCTAssertTrue(ring.hasData)
        let frames = try drain(ring)
        XCTAssertEqual(frames.map(\.tag), [0, 1, 2, 3, 4])
        XCTAssertEqual(frames.map(\.bytes), (0..<5).map { Array(repeating: UInt8($0), count: $0 * 10) })
        XCTAssertFalse(ring.hasData)
    }

    func testFullRingRefusesUntilDrainedAndWrapsCorrectly() throws {
        var ring = ShmRing(base: memory, capacity: capacity)
        var written = 0
        var expected: [[UInt8]] = []
        for round in 0..<50 {
            let bytes = (0..<700).map { UInt8(truncatingIfNeeded: $0 + round) }
            if write(&ring, tag: Int32(round), bytes: bytes) {
                expected.append(bytes)
                written += 1
            } else {
                XCTAssertGreaterThan(written, 0, "an empty ring refused a frame")
                XCTAssertEqual(try drain(ring).map(\.bytes), expected)
                expected = []
                XCTAssertTrue(write(&ring, tag: Int32(round), bytes: bytes), "a drained ring refused a frame")
                expected.append(bytes)
            }
        }
        XCTAssertEqual(try drain(ring).map(\.bytes), expected)
    }

    func testTwoViewsOfTheSameMemoryTalk() throws {
        var producer = ShmRing(base: memory, capacity: capacity)
        let consumer = ShmRing(base: memory, capacity: capacity)
        XCTAssertTrue(write(&producer, tag: 9, bytes: [1, 2, 3]))
        XCTAssertEqual(try drain(consumer).map(\.tag), [9])
    }

    func testCorruptRecordIsAnErrorNotALoop() {
        var ring = ShmRing(base: memory, capacity: capacity)
        XCTAssertTrue(write(&ring, tag: 1, bytes: [1]))
        (memory + ShmRing.headerSize).storeBytes(of: UInt64(1 << 40), as: UInt64.self)
        XCTAssertThrowsError(try drain(ring))
        XCTAssertFalse(ring.hasData, "the corrupt ring was not emptied")
    }

    func testProducerAndConsumerThreadsAgreeOnEveryFrame() throws {
        let frames = 20_000
        nonisolated(unsafe) let base = memory!
        let capacity = self.capacity
        let producer = Thread {
            var ring = ShmRing(base: base, capacity: capacity)
            for i in 0..<frames {
                let bytes = (0..<(i % 97)).map { UInt8(truncatingIfNeeded: $0 &+ i) }
                // Eager frames take the compact form, the others the full one.
                let kind: FrameKind = i % 3 == 0 ? .rendezvousData : .eager
                while !bytes.withUnsafeBytes({
                    ring.tryWrite(header: FrameHeader(kind: kind, source: Int32(i % 5), tag: Int32(i), messageLength: UInt64(bytes.count),
                                                      payloadLength: UInt64(bytes.count)), payload: $0)
                }) {}
            }
        }
        producer.start()
        let consumer = ShmRing(base: memory, capacity: capacity)
        var next = 0
        while next < frames {
            _ = try consumer.drain { header, payload in
                XCTAssertEqual(Int(header.tag), next)
                XCTAssertEqual(header.kind, next % 3 == 0 ? .rendezvousData : .eager)
                XCTAssertEqual(Int(header.source), next % 5)
                XCTAssertEqual(Array(payload), (0..<(next % 97)).map { UInt8(truncatingIfNeeded: $0 &+ next) })
                next += 1
            }
        }
        XCTAssertFalse(consumer.hasData)
    }
}
