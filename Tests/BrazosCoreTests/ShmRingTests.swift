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

    // MARK: A producer that does not follow the format

    private var records: UnsafeMutableRawPointer { memory + ShmRing.headerSize }

    private func setTail(_ tail: UInt64) { memory.storeBytes(of: tail, as: UInt64.self) }

    private func assertPeerLost(_ ring: ShmRing, naming text: String, file: StaticString = #filePath, line: UInt = #line) {
        var delivered = 0
        XCTAssertThrowsError(try ring.drain { _, _ in delivered += 1 }, file: file, line: line) { error in
            guard case let BrazosError.peerLost(_, reason) = error else { return XCTFail("unexpected \(error)", file: file, line: line) }
            XCTAssertTrue(reason.contains(text), reason, file: file, line: line)
        }
        XCTAssertEqual(delivered, 0, "a frame of a broken record was delivered", file: file, line: line)
    }

    func testRecordsThatWouldEndOutsideTheRingLoseThePeer() {
        let ring = ShmRing(base: memory, capacity: capacity)
        // A compact record of 100 bytes, 64 bytes before the end of the ring.
        setTail(UInt64(capacity - 64))
        (records + capacity - 64).storeBytes(of: ShmRing.compactFlag | 100, as: UInt64.self)
        assertPeerLost(ring, naming: "64 bytes to the end of the ring")
        // A full record of 200 bytes, 128 bytes before the end.
        setTail(UInt64(capacity - 128))
        (records + capacity - 128).storeBytes(of: UInt64(200), as: UInt64.self)
        assertPeerLost(ring, naming: "128 bytes to the end of the ring")
        // A compact record announcing more than any ring holds.
        setTail(0)
        records.storeBytes(of: ShmRing.compactFlag | (1 << 40), as: UInt64.self)
        assertPeerLost(ring, naming: "record word")
    }

    func testAWrapAtTheStartAndAMisalignedTailAreErrorsNotLoops() {
        let ring = ShmRing(base: memory, capacity: capacity)
        records.storeBytes(of: ShmRing.wrapMarker, as: UInt64.self)
        assertPeerLost(ring, naming: "wrap marker at the start")
        setTail(12)
        assertPeerLost(ring, naming: "not a record boundary")
    }

    func testAHeaderThatDisagreesWithItsRecordLosesThePeer() {
        var ring = ShmRing(base: memory, capacity: capacity)
        XCTAssertTrue([UInt8](repeating: 7, count: 16).withUnsafeBytes {
            ring.tryWrite(header: FrameHeader(kind: .rendezvousData, messageLength: 100, payloadLength: 16), payload: $0)
        })
        // The header's payload length (offset 48 in the header, after the record word) says 17.
        (records + 8 + 48).storeBytes(of: UInt64(17), as: UInt64.self)
        assertPeerLost(ring, naming: "frame declares 17 payload bytes")
        setTail(0)
        (records + 8).storeBytes(of: UInt8(0), as: UInt8.self)
        assertPeerLost(ring, naming: "magic")
    }

    func testOneDrainTakesAtMostARingsWorth() throws {
        // A compact record on every line and no zero word: a consumer following them would
        // go round for ever.
        for line in stride(from: 0, to: capacity, by: 64) {
            (records + line).storeBytes(of: ShmRing.compactFlag | 8, as: UInt64.self)
        }
        let ring = ShmRing(base: memory, capacity: capacity)
        XCTAssertEqual(try ring.drain { _, payload in XCTAssertEqual(payload.count, 8) }, capacity / 64)
        XCTAssertTrue(ring.hasData)
    }

    func testEveryRecordStartsOnACacheLine() throws {
        var ring = ShmRing(base: memory, capacity: capacity)
        for size in [0, 8, 24, 33, 100, 700] { XCTAssertTrue(write(&ring, tag: Int32(size), bytes: Array(repeating: 1, count: size))) }
        let start = UInt(bitPattern: records)
        var starts: [UInt] = []
        _ = try ring.drain { _, payload in starts.append(UInt(bitPattern: payload.baseAddress!) - start) }
        XCTAssertEqual(starts.count, 6)
        // Compact records: the payload sits 32 bytes into its record.
        XCTAssertEqual(starts.map { ($0 - 32) % 64 }, [0, 0, 0, 0, 0, 0])
        // 8 and 24 bytes share no line with their neighbours: one line each.
        XCTAssertEqual(starts[2] - starts[1], 64)
    }

    /// Every ring kept by scripts/fuzz (laid out as its target lays them out: 1 KiB of
    /// records): drained without a trap or a read outside the ring.
    func testFuzzRegressionsDrainOrFailCleanly() throws {
        let capacity = 1024, footprint = ShmRing.footprint(capacity: 1024)
        let memory = UnsafeMutableRawPointer.allocate(byteCount: footprint, alignment: 64)
        defer { memory.deallocate() }
        for (name, bytes) in fuzzRegressionInputs("ring-records") {
            memory.initializeMemory(as: UInt8.self, repeating: 0, count: footprint)
            memory.copyMemory(from: bytes, byteCount: min(bytes.count, footprint))
            let ring = ShmRing(base: memory, capacity: capacity)
            let end = UnsafeRawPointer(memory + footprint)
            do {
                _ = try ring.drain { header, payload in
                    XCTAssertEqual(payload.count, Int(header.payloadLength), name)
                    if let start = payload.baseAddress { XCTAssertLessThanOrEqual(start + payload.count, end, name) }
                }
            } catch {
                XCTAssertFalse("\(error)".isEmpty, name)
            }
        }
    }
}
