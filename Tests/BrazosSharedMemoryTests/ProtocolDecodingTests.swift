import XCTest
@testable import BrazosSharedMemory

/// What a peer's shared-memory service sends, decoded as the service decodes it: values
/// it may index with, or a typed error naming what is wrong, never a trap.
final class ProtocolDecodingTests: XCTestCase {
    private func header(kind: UInt32, length: UInt32, page: UInt64) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: ProtocolMessage.headerSize)
        bytes.withUnsafeMutableBytes {
            $0.storeBytes(of: kind.littleEndian, toByteOffset: 0, as: UInt32.self)
            $0.storeBytes(of: length.littleEndian, toByteOffset: 4, as: UInt32.self)
            $0.storeBytes(of: page.littleEndian, toByteOffset: 8, as: UInt64.self)
        }
        return bytes
    }

    private func decodeHeader(_ bytes: [UInt8]) throws(SharedMemoryError) -> (kind: ProtocolMessage.Kind, page: Int, payloadLength: Int) {
        try ProtocolMessage.header(decoding: bytes, maximumPayload: PeerChannel.maximumPayload)
    }

    private func assertMalformed<T>(_ body: @autoclosure () throws -> T, naming text: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            guard case let SharedMemoryError.malformed(what) = error else { return XCTFail("unexpected \(error)", file: file, line: line) }
            XCTAssertTrue(what.contains(text), what, file: file, line: line)
        }
    }

    func testHeadersDecodeOrNameTheBadField() throws {
        let decoded = try decodeHeader(header(kind: 3, length: 100, page: 42))
        XCTAssertEqual(decoded.kind, .diff)
        XCTAssertEqual(decoded.page, 42)
        XCTAssertEqual(decoded.payloadLength, 100)
        assertMalformed(try decodeHeader(header(kind: 99, length: 0, page: 0)), naming: "unknown message kind 99")
        assertMalformed(try decodeHeader(header(kind: 1, length: .max, page: 0)), naming: "pageRequest of 4294967295 bytes")
        assertMalformed(try decodeHeader(header(kind: 5, length: 8, page: .max)), naming: "lockAcquire for page \(UInt64.max)")
        assertMalformed(try decodeHeader(header(kind: 2, length: 4096, page: 1 << 63)), naming: "for page")
        assertMalformed(try decodeHeader(Array(header(kind: 1, length: 0, page: 0).prefix(15))), naming: "15 bytes")
    }

    func testWordsAndNoticesFitTheRegion() throws {
        func message(_ words: [UInt64]) -> ProtocolMessage {
            var payload: [UInt8] = []
            for word in words { withUnsafeBytes(of: word.littleEndian) { payload += $0 } }
            return ProtocolMessage(kind: .lockRelease, page: 1, payload: payload)
        }
        XCTAssertEqual(try message([3, 0, 63]).pages(below: 64), [3, 0, 63])
        assertMalformed(try message([3, 64]).pages(below: 64), naming: "names page 64 of a region of 64")
        assertMalformed(try message([1 << 63]).words(), naming: "word 0 is \(UInt64(1) << 63)")
        assertMalformed(try message([.max]).pages(below: 64), naming: "word 0")
        assertMalformed(try ProtocolMessage(kind: .lockGrant, page: 0, payload: [1, 2, 3]).words(), naming: "payload of 3 bytes")
    }

    func testMalformedDiffsWriteNothingOutsideThePage() {
        let page = UnsafeMutableRawPointer.allocate(byteCount: SharedRegion.pageSize, alignment: 64)
        defer { page.deallocate() }
        for (diff, text) in [([], "empty diff"), ([7], "unknown diff encoding 7"), ([0, 0xFF, 0xFF, 1, 0, 9], "outside the page"),
                             ([0, 0, 0, 0xFF, 0xFF], "outside the page"), ([1, 0xFF], "cut short")] as [([UInt8], String)] {
            assertMalformed(try PageDiff.apply(diff, to: page), naming: text)
        }
    }

    /// Every message scripts/fuzz kept: header, words, notices and diff read as the
    /// service reads them, each a value in range or a typed error.
    func testFuzzRegressionsDecodeOrFailCleanly() {
        let page = UnsafeMutableRawPointer.allocate(byteCount: SharedRegion.pageSize, alignment: 64)
        defer { page.deallocate() }
        for (name, bytes) in fuzzRegressionInputs("protocol-message") {
            do {
                let header = try decodeHeader(Array(bytes.prefix(ProtocolMessage.headerSize)))
                let message = ProtocolMessage(kind: header.kind, page: header.page, payload: Array(bytes.dropFirst(ProtocolMessage.headerSize).prefix(header.payloadLength)))
                XCTAssertGreaterThanOrEqual(message.page, 0, name)
                if message.kind == .diff { try PageDiff.apply(message.payload, to: page) }
                XCTAssertTrue(try message.pages(below: 64).allSatisfy { (0..<64).contains($0) }, name)
            } catch {
                XCTAssertFalse(error.description.isEmpty, name)
            }
        }
        for (name, bytes) in fuzzRegressionInputs("page-diff") {
            do {
                try PageDiff.apply(bytes, to: page)
            } catch {
                XCTAssertFalse(error.description.isEmpty, name)
            }
        }
    }
}
