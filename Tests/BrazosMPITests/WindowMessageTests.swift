@testable import BrazosMPI
import BrazosCore
import XCTest

/// The wire form of window messages, and the pieces an access is cut into.
final class WindowMessageTests: XCTestCase {
    func testAMessageDecodesToWhatWasEncoded() throws {
        var message = WindowMessage(kind: .getAccumulate)
        message.countedByFence = true
        message.parity = 1
        message.operation = .reduce(.maxloc)
        message.element = .pair(.double, indexOffset: 8)
        message.cookie = 0xdead_beef
        message.packedOffset = 4096
        message.runs = [WindowRun(offset: 16, length: 12), WindowRun(offset: -8, length: 12)]
        message.dataLength = 24
        let data = [UInt8](0..<24)
        let bytes = data.withUnsafeBytes { message.encoded(data: $0) }
        try bytes.withUnsafeBytes { raw in
            let (decoded, carried) = try WindowMessage.decode(raw)
            XCTAssertEqual(decoded, message)
            XCTAssertEqual(Array(carried), data)
        }
    }

    func testEveryBasicValueSurvivesTheWire() {
        let values: [BasicType.Value] = [.signed(bits: 8), .signed(bits: 64), .unsigned(bits: 16), .float, .double, .longDouble, .bool,
                                         .logical(bits: 32), .complex(.double), .character(bits: 8), .byte, .packed,
                                         .pair(.signed(bits: 32), indexOffset: 4), .pair(.longDouble, indexOffset: 16)]
        for value in values { XCTAssertEqual(WindowMessage.value(ofCode: WindowMessage.code(of: value)), value) }
        XCTAssertNil(WindowMessage.value(ofCode: 0xff))
        XCTAssertNil(WindowMessage.value(ofCode: 1 | 7 << 8), "seven bits")
    }

    func testMalformedMessagesAreRefused() {
        func refuses(_ bytes: [UInt8], _ why: String) {
            let refused = bytes.withUnsafeBytes { (raw) -> Bool in
                do {
                    _ = try WindowMessage.decode(raw)
                    return false
                } catch {
                    return true
                }
            }
            XCTAssertTrue(refused, why)
        }
        var put = WindowMessage(kind: .put)
        put.runs = [WindowRun(offset: 0, length: 8)]
        put.dataLength = 8
        let good = [UInt8](repeating: 7, count: 8).withUnsafeBytes { put.encoded(data: $0) }
        refuses(Array(good.prefix(39)), "a short head")
        refuses(Array(good.dropLast()), "data shorter than announced")
        var kind = good
        kind[0] = 99
        refuses(kind, "an unknown kind")
        var operation = good
        operation[2] = 200
        refuses(operation, "an unknown operation")
        var runs = good
        runs.withUnsafeMutableBytes { $0.storeBytes(of: UInt64(1 << 40).littleEndian, toByteOffset: 8, as: UInt64.self) }
        refuses(runs, "more runs than bytes")
        var negative = good
        negative.withUnsafeMutableBytes { $0.storeBytes(of: Int64(-8).littleEndian, toByteOffset: 48, as: Int64.self) }
        refuses(negative, "a negative run length")
        var cover = good
        cover.withUnsafeMutableBytes { $0.storeBytes(of: Int64(4).littleEndian, toByteOffset: 48, as: Int64.self) }
        refuses(cover, "runs that do not cover the data")
    }

    func testHeldAccessesTravelBackToBackAndTheLastCarriesTheFlush() throws {
        var put = WindowMessage(kind: .put)
        put.runs = [WindowRun(offset: 8, length: 8)]
        put.dataLength = 8
        var accumulate = WindowMessage(kind: .accumulate)
        accumulate.operation = .reduce(.sum)
        accumulate.element = .signed(bits: 32)
        accumulate.runs = [WindowRun(offset: 0, length: 4)]
        accumulate.dataLength = 4
        var held = HeldAccess(target: 1)
        [UInt8](repeating: 7, count: 8).withUnsafeBytes { held.append(put, data: $0) }
        [UInt8](repeating: 9, count: 4).withUnsafeBytes { held.append(accumulate, data: $0) }
        held.setCookie(42)
        try held.bytes.withUnsafeBytes { raw in
            var messages: [(message: WindowMessage, data: [UInt8])] = []
            try WindowMessage.decodeEach(raw) { messages.append(($0, Array($1))) }
            XCTAssertEqual(messages.map(\.message.kind), [.put, .accumulate])
            XCTAssertEqual(messages[0].message.cookie, 0)
            XCTAssertEqual(messages[0].data, [UInt8](repeating: 7, count: 8))
            accumulate.cookie = 42
            XCTAssertEqual(messages[1].message, accumulate)
            XCTAssertEqual(messages[1].data, [UInt8](repeating: 9, count: 4))
            XCTAssertThrowsError(try WindowMessage.decode(raw), "two messages are not one")
            var handed = 0
            XCTAssertThrowsError(try WindowMessage.decodeEach(UnsafeRawBufferPointer(rebasing: raw.dropLast())) { _, _ in handed += 1 }, "the second is cut short")
            XCTAssertEqual(handed, 1, "the first was handed before the second failed")
            XCTAssertThrowsError(try WindowMessage.decodeEach(UnsafeRawBufferPointer(rebasing: raw.prefix(0))) { _, _ in handed += 1 }, "no message at all")
            XCTAssertEqual(handed, 1)
        }
    }

    func testPiecesFitTheLimitAndCutBetweenElements() throws {
        var access = WindowAccess(kind: .accumulate, runs: [WindowRun(offset: 0, length: 8000), WindowRun(offset: 10_000, length: 16)],
                                  operation: .reduce(.sum), element: .signed(bits: 64))
        access.elementSize = 8
        let limit = 1000
        let pieces = try XCTUnwrap(access.pieces(limit: limit))
        var offset = 0
        for piece in pieces {
            let bytes = piece.runs.reduce(0) { $0 + $1.length }
            XCTAssertEqual(piece.packedOffset, offset)
            XCTAssertLessThanOrEqual(WindowMessage.headLength + piece.runs.count * WindowMessage.runLength + bytes, limit)
            XCTAssertTrue(piece.runs.allSatisfy { $0.length % 8 == 0 && $0.offset % 8 == 0 })
            offset += bytes
        }
        XCTAssertEqual(offset, 8016)
        XCTAssertEqual(pieces.flatMap(\.runs).reduce(0) { $0 + $1.length }, 8016)
        XCTAssertNil(access.pieces(limit: WindowMessage.headLength + WindowMessage.runLength + 4), "not even one element fits")
    }

    func testTheLockGrantsSharedTogetherAndExclusiveAlone() {
        var lock = WindowLock()
        var granted: [String] = []
        lock.request(.init(origin: 1, exclusive: false) { granted.append("s1") })
        lock.request(.init(origin: 2, exclusive: false) { granted.append("s2") })
        lock.request(.init(origin: 3, exclusive: true) { granted.append("x3") })
        lock.request(.init(origin: 4, exclusive: false) { granted.append("s4") })
        XCTAssertEqual(granted, ["s1", "s2"], "an exclusive request waits, and shared ones queue behind it")
        XCTAssertTrue(lock.release(1))
        XCTAssertEqual(granted, ["s1", "s2"])
        XCTAssertTrue(lock.release(2))
        XCTAssertEqual(granted, ["s1", "s2", "x3"])
        XCTAssertFalse(lock.release(4), "a waiter holds nothing")
        XCTAssertTrue(lock.release(3))
        XCTAssertEqual(granted, ["s1", "s2", "x3", "s4"])
    }
}
