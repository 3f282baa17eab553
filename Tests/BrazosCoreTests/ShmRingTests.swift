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

    private func write(_ ring: ShmRing, tag: Int32, bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes {
            ring.tryWrite(header: FrameHeader(kind: .eager, tag: tag, messageLength: UInt64(bytes.count), payloadLength: UInt64(bytes.count)), payload: $0)
        }
    }

    private func drain(_ ring: ShmRing) throws -> [(tag: Int32, bytes: [UInt8])] {
        var frames: [(Int32, [UInt8])] = []
        _ = try ring.drain { frame in
            let header = try FrameHeader.decode(from: frame.baseAddress!)
            frames.append((header.tag, Array(frame[FrameHeader.size...])))
        }
        return frames
    }

    func testFramesComeOutInOrderWithTheirBytes() throws {
        let ring = ShmRing(base: memory, capacity: capacity)
        XCTAssertFalse(ring.hasData)
        for i in 0..<5 { XCTAssertTrue(write(ring, tag: Int32(i), bytes: Array(repeating: UInt8(i), count: i * 10))) }
        XCTAssertTrue(ring.hasData)
        let frames = try drain(ring)
        XCTAssertEqual(frames.map(\.tag), [0, 1, 2, 3, 4])
        XCTAssertEqual(frames.map(\.bytes), (0..<5).map { Array(repeating: UInt8($0), count: $0 * 10) })
        XCTAssertFalse(ring.hasData)
    }

    func testFullRingRefusesUntilDrainedAndWrapsCorrectly() throws {
        let ring = ShmRing(base: memory, capacity: capacity)
        var written = 0
        var expected: [[UInt8]] = []
        for round in 0..<50 {
            let bytes = (0..<700).map { UInt8(truncatingIfNeeded: $0 + round) }
            if write(ring, tag: Int32(round), bytes: bytes) {
                expected.append(bytes)
                written += 1
            } else {
                XCTAssertGreaterThan(written, 0, "an empty ring refused a frame")
                XCTAssertEqual(try drain(ring).map(\.bytes), expected)
                expected = []
                XCTAssertTrue(write(ring, tag: Int32(round), bytes: bytes), "a drained ring refused a frame")
                expected.append(bytes)
            }
        }
        XCTAssertEqual(try drain(ring).map(\.bytes), expected)
    }

    func testTwoViewsOfTheSameMemoryTalk() throws {
        let producer = ShmRing(base: memory, capacity: capacity)
        let consumer = ShmRing(base: memory, capacity: capacity)
        XCTAssertTrue(write(producer, tag: 9, bytes: [1, 2, 3]))
        XCTAssertEqual(try drain(consumer).map(\.tag), [9])
    }

    func testCorruptRecordIsAnErrorNotALoop() {
        let ring = ShmRing(base: memory, capacity: capacity)
        XCTAssertTrue(write(ring, tag: 1, bytes: [1]))
        (memory + ShmRing.headerSize).storeBytes(of: UInt64(1 << 40), as: UInt64.self)
        XCTAssertThrowsError(try drain(ring))
        XCTAssertFalse(ring.hasData, "the corrupt ring was not emptied")
    }
}
