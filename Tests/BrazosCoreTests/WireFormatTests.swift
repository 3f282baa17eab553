import XCTest
@testable import BrazosCore

final class WireFormatTests: XCTestCase {
    private func encoded(_ header: FrameHeader) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: FrameHeader.size)
        bytes.withUnsafeMutableBytes { header.encode(into: $0.baseAddress!) }
        return bytes
    }

    private func decode(_ bytes: [UInt8]) throws -> FrameHeader {
        try bytes.withUnsafeBytes { try FrameHeader.decode(from: $0) }
    }

    func testRoundTripKeepsEveryField() throws {
        let header = FrameHeader(kind: .rendezvousData, context: 0xDEAD_BEEF, source: 7, destination: 1_000_000, tag: 123_456,
                                 sourceNode: 42, messageLength: 1 << 33, cookie: .max - 1, address: 4096, payloadLength: 1 << 20)
        XCTAssertEqual(try decode(encoded(header)), header)
    }

    func testLayoutIsLittleEndianAtDocumentedOffsets() {
        let bytes = encoded(FrameHeader(kind: .eager, context: 0x0102_0304, source: 5, destination: 6, tag: 7, messageLength: 9, payloadLength: 9))
        XCTAssertEqual(bytes[0], 0xB7)
        XCTAssertEqual(bytes[1], FrameKind.eager.rawValue)
        XCTAssertEqual(Array(bytes[4..<8]), [4, 3, 2, 1])
        XCTAssertEqual(bytes[8], 5)
        XCTAssertEqual(bytes[12], 6)
        XCTAssertEqual(bytes[16], 7)
        XCTAssertEqual(bytes[48], 9)
    }

    func testMalformedHeadersAreErrors() {
        var bytes = encoded(FrameHeader(kind: .eager, messageLength: 4, payloadLength: 4))
        bytes[0] = 0
        XCTAssertThrowsError(try decode(bytes)) { XCTAssertTrue("\($0)".contains("magic")) }
        bytes = encoded(FrameHeader(kind: .eager, messageLength: 4, payloadLength: 4))
        bytes[1] = 99
        XCTAssertThrowsError(try decode(bytes)) { XCTAssertTrue("\($0)".contains("kind")) }
        XCTAssertThrowsError(try decode(encoded(FrameHeader(kind: .eager, messageLength: 5, payloadLength: 4))))
        XCTAssertThrowsError(try decode(encoded(FrameHeader(kind: .eager, messageLength: 1 << 40, payloadLength: 1 << 40))))
        XCTAssertThrowsError(try decode(encoded(FrameHeader(kind: .requestToSend, messageLength: 8, payloadLength: 8))))
        XCTAssertThrowsError(try decode(encoded(FrameHeader(kind: .rendezvousData, messageLength: 100, address: 90, payloadLength: 20))))
        XCTAssertThrowsError(try decode(encoded(FrameHeader(kind: .eager, source: -1))))
    }

    func testLengthsThatDoNotFitAnIntAndShortBuffersAreErrors() {
        XCTAssertThrowsError(try decode(Array(encoded(FrameHeader(kind: .goodbye)).prefix(63)))) { XCTAssertTrue("\($0)".contains("63 bytes")) }
        XCTAssertThrowsError(try decode([])) { XCTAssertTrue("\($0)".contains("0 bytes")) }
        XCTAssertThrowsError(try decode(encoded(FrameHeader(kind: .requestToSend, messageLength: .max)))) {
            XCTAssertTrue("\($0)".contains("announces a message of \(UInt64.max) bytes"), "\($0)")
        }
        XCTAssertThrowsError(try decode(encoded(FrameHeader(kind: .clearToSend, messageLength: 1 << 63))))
        XCTAssertThrowsError(try decode(encoded(FrameHeader(kind: .rendezvousData, messageLength: .max, address: .max - 8, payloadLength: 8))))
        XCTAssertNoThrow(try decode(encoded(FrameHeader(kind: .requestToSend, messageLength: UInt64(Int.max)))))
    }

    func testRanksAndNodesOutsideTheJobAreMalformed() throws {
        XCTAssertNoThrow(try FrameHeader(kind: .eager, source: 3, destination: 0, sourceNode: 2).check(ranks: 4, nodes: 3))
        for header in [FrameHeader(kind: .eager, source: 4), FrameHeader(kind: .eager, destination: 4), FrameHeader(kind: .eager, destination: .max),
                       FrameHeader(kind: .finished, source: -1), FrameHeader(kind: .requestToSend, sourceNode: 3),
                       FrameHeader(kind: .moved, sourceNode: .max)] {
            XCTAssertThrowsError(try header.check(ranks: 4, nodes: 3)) { error in
                guard case BrazosError.malformed(let what) = error else { return XCTFail("unexpected \(error)") }
                XCTAssertTrue(what.contains("the job has"), what)
            }
        }
    }

    /// Every header kept by scripts/fuzz and a few made by hand: a typed error, or a header
    /// whose lengths fit an `Int` and lie inside its message.
    func testFuzzRegressionsAndHandMadeHeadersDecodeOrFailCleanly() {
        var handMade = encoded(FrameHeader(kind: .move, messageLength: 100, address: 50, payloadLength: 50))
        handMade[40] = 0xFF  // address past the message
        let inputs = fuzzRegressionInputs("frame-header").map(\.bytes) + [
            handMade, Array(handMade.prefix(10)), [UInt8](repeating: 0xFF, count: 64), [0xB7, 1] + [UInt8](repeating: 0xFF, count: 62),
        ]
        for bytes in inputs {
            do {
                let header = try decode(bytes)
                try header.check(ranks: 4, nodes: 3)
                XCTAssertNotNil(Int(exactly: header.messageLength))
                XCTAssertLessThanOrEqual(header.payloadLength, FrameHeader.maximumPayload)
            } catch {
                guard case BrazosError.malformed = error else { return XCTFail("unexpected \(error) for \(bytes)") }
            }
        }
    }
}
