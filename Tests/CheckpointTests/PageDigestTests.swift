import XCTest
@testable import Checkpointing

/// The page digest finds what changed between checkpoints: a change it missed would be
/// a page left out of an incremental checkpoint, so the changes that a digest built of
/// lanes could cancel (one word moved to another lane) are tried one by one.
final class PageDigestTests: XCTestCase {
    private static let pageSize = 4096

    private func page() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<Self.pageSize).map { _ in UInt8.random(in: 0 ... .max, using: &generator) }
    }

    /// Whether `PageDigests` sees `changed` as a change from `original`.
    private func seesChange(from original: [UInt8], to changed: [UInt8]) -> Bool {
        var digests = PageDigests()
        original.withUnsafeBytes { _ = digests.changes(of: "a", pages: [$0]) }
        return changed.withUnsafeBytes { digests.changes(of: "a", pages: [$0]) } == [true]
    }

    func testTheSameBytesKeepTheirDigestAtEveryLength() {
        let original = page()
        for length in [4096, 4095, 4064, 33, 32, 31, 9, 8, 1] {
            XCTAssertFalse(seesChange(from: Array(original[..<length]), to: Array(original[..<length])), "length \(length)")
        }
    }

    func testEveryFlippedBitIsSeen() {
        let original = page()
        for bit in stride(from: 0, to: Self.pageSize * 8, by: 7) {
            var changed = original
            changed[bit / 8] ^= 1 << UInt8(bit % 8)
            XCTAssertTrue(seesChange(from: original, to: changed), "bit \(bit)")
        }
    }

    /// Two words swapped: neighbours (in neighbouring lanes, the case that lanes folded
    /// alike cancelled) and words further apart, in the same lane and in others.
    func testSwappedWordsAreSeen() {
        let original = page()
        let words = Self.pageSize / 8
        for first in 0..<(words - 1) {
            for second in [first + 1, first + 2, first + 4, first + 37] where second < words {
                var changed = original
                for byte in 0..<8 { changed.swapAt(first * 8 + byte, second * 8 + byte) }
                guard changed != original else { continue }
                XCTAssertTrue(seesChange(from: original, to: changed), "words \(first) and \(second)")
            }
        }
    }

    /// The tail after the last whole word, and the words after the last whole group of four.
    func testChangesInAPartialPageAreSeen() {
        let original = Array(page()[..<(4096 - 32 + 13)])
        for index in [0, original.count - 40, original.count - 13, original.count - 1] {
            var changed = original
            changed[index] &+= 1
            XCTAssertTrue(seesChange(from: original, to: changed), "byte \(index) of \(original.count)")
        }
    }
}
