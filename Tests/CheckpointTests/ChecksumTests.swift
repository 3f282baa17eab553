import CBrazos
import XCTest
@testable import Checkpoint

/// CRC-32C as the checkpoint files carry it: the fast paths (three lanes combined for long
/// pieces, one pass serving a section's checksum and its file's) against the definition,
/// computed here bit by bit.
final class ChecksumTests: XCTestCase {
    /// The CRC-32C of `bytes` by its definition: reflected polynomial 0x82F63B78, initial
    /// value and final XOR all ones.
    private func definition(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
        }
        return ~crc
    }

    private func random(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0 ... .max, using: &generator) }
    }

    private func crc(_ bytes: ArraySlice<UInt8>, from start: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { brazos_crc32c(start, $0.baseAddress, $0.count) }
    }

    func testTheStandardCheckValue() {
        XCTAssertEqual(crc(Array("123456789".utf8)[...]), 0xE306_9283)
        XCTAssertEqual(definition(Array("123456789".utf8)[...]), 0xE306_9283)
    }

    /// Lengths about the lanes' block of 3 x 8 KiB, and a piece continued from another.
    func testLongPiecesAgreeWithTheDefinition() {
        let bytes = random(3 * 24576 + 100)
        for length in [0, 1, 7, 8, 9, 24575, 24576, 24577, 2 * 24576 + 8, 3 * 24576 + 100] {
            XCTAssertEqual(crc(bytes[..<length]), definition(bytes[..<length]), "\(length) bytes")
        }
        for split in [1, 5000, 24576, 30001] {
            XCTAssertEqual(crc(bytes[split...], from: crc(bytes[..<split])), definition(bytes[...]), "continued at \(split)")
        }
    }

    func testCombiningGivesTheChecksumOfTheWhole() {
        let bytes = random(70_000)
        for split in [0, 1, 4096, 24576, 33333, 69_999, 70_000] {
            var checksum = Checksum()
            checksum.add(Array(bytes[..<split]))
            checksum.add(checksum: crc(bytes[split...]), length: bytes.count - split)
            XCTAssertEqual(checksum.value, definition(bytes[...]), "split at \(split)")
        }
    }
}
