import XCTest
#if canImport(Glibc)
import Glibc
#endif
@testable import Checkpoint

/// Part files and manifests that are not what they should be, checksums right or not:
/// a typed error that names the file, never a trap or a file read outside the epoch.
final class CheckpointDecodingTests: XCTestCase {
    private func littleEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] { withUnsafeBytes(of: value.littleEndian) { Array($0) } }

    /// A part file of `body` after the magic, with its file checksum made right.
    private func partFile(_ body: [UInt8]) -> [UInt8] {
        let bytes = PartFile.magic + body
        return bytes + littleEndian(Checksum.of(bytes))
    }

    private func assertInvalid(_ body: @autoclosure () throws -> Any, naming text: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            guard case let CheckpointError.invalid(_, reason) = error else { return XCTFail("unexpected \(error)", file: file, line: line) }
            XCTAssertTrue(reason.contains(text), reason, file: file, line: line)
        }
    }

    func testPartFilesWithHugeFieldsAreInvalid() {
        let header = littleEndian(PartFile.version) + littleEndian(UInt32(1))
        func decode(_ body: [UInt8]) throws -> [CheckpointSection] { try PartFile.decode(partFile(body), path: "part-1.bcp", node: 1, epoch: 7) }
        assertInvalid(try decode(header + littleEndian(UInt64.max) + littleEndian(UInt32.max)), naming: "of epoch \(UInt64.max)")
        let epoch = header + littleEndian(UInt64(7))
        assertInvalid(try decode(epoch + littleEndian(UInt32(0x7FFF_FFFF))), naming: "a field of 2147483647 bytes")
        assertInvalid(try decode(epoch + littleEndian(UInt32(1)) + [65] + littleEndian(UInt64.max)), naming: "claims \(UInt64.max) bytes")
        assertInvalid(try decode(epoch + littleEndian(UInt32(1)) + [65] + littleEndian(UInt64(2)) + [1, 2] + littleEndian(UInt32(0))),
                      naming: "section 0 checksum")
        assertInvalid(try decode(epoch), naming: "truncated")
        XCTAssertEqual(try decode(epoch + littleEndian(UInt32.max)), [])
    }

    /// The selective reader walks a part as `decode` does: each malformed part gives both
    /// the same error, whether the reader reads its sections or seeks past them (then a
    /// section's checksum, not read, cannot be wrong), and a part cut inside a section it
    /// seeks past is named as truncated, not misread.
    func testTheSelectiveReaderRefusesWhatDecodeRefuses() throws {
        let directory = "/tmp/brazos-selective-decoding-\(getpid())-\(UInt32.random(in: 0 ... .max))"
        XCTAssertEqual(mkdir(directory, 0o700), 0)
        defer { _ = system("rm -rf '\(directory)'") }
        let path = "\(directory)/part-1.bcp"
        func readSelectively(_ bytes: [UInt8], wanting: (String) -> Bool) throws -> [CheckpointSection] {
            try DurableFile.write(bytes, to: path)
            return try SelectivePartReader.read(path: path, size: bytes.count, checksum: PartFile.trailer(of: bytes) ?? 0, node: 1, epoch: 7,
                                                wanting: wanting)
        }
        let epoch = littleEndian(PartFile.version) + littleEndian(UInt32(1)) + littleEndian(UInt64(7))
        let section = littleEndian(UInt32(1)) + [65] + littleEndian(UInt64(2)) + [1, 2]
        let rightChecksum = littleEndian(Checksum.of([65, 1, 2]))
        let cases: [(file: [UInt8], reason: String, skipped: String?)] = [
            (Array(partFile(epoch).prefix(20)), "truncated: 20 bytes", "truncated: 20 bytes"),
            (Array("BRZPART1".utf8) + Array(partFile(epoch + littleEndian(UInt32.max)).dropFirst(8)), "not a Brazos checkpoint part", "not a Brazos checkpoint part"),
            (partFile(littleEndian(UInt32(1)) + Array(epoch.dropFirst(4)) + littleEndian(UInt32.max)), "unknown format version", "unknown format version"),
            (partFile(littleEndian(PartFile.version) + littleEndian(UInt32(2)) + littleEndian(UInt64(7)) + littleEndian(UInt32.max)),
             "holds node 2 of epoch 7", "holds node 2 of epoch 7"),
            (partFile(epoch + littleEndian(UInt32(0x7FFF_FFFF))), "a field of 2147483647 bytes", "a field of 2147483647 bytes"),
            (partFile(epoch + littleEndian(UInt32(1)) + [65] + littleEndian(UInt64(100)) + [1, 2]), "section 0 claims 100 bytes", "section 0 claims 100 bytes"),
            (partFile(epoch + section + littleEndian(UInt32(0)) + littleEndian(UInt32.max)), "section 0 checksum does not match", nil),
            (partFile(epoch + section + rightChecksum), "a field of 4 bytes", "a field of 4 bytes"),
            (partFile(epoch + section), "a field of 4 bytes", "truncated: a field of 6 bytes"),
            (partFile(epoch + section + rightChecksum + littleEndian(UInt32.max) + [9, 9]), "2 stray bytes", "2 stray bytes"),
        ]
        for (file, reason, skipped) in cases {
            assertInvalid(try PartFile.decode(file, path: path, node: 1, epoch: 7), naming: reason)
            assertInvalid(try readSelectively(file, wanting: { _ in true }), naming: reason)
            if let skipped {
                assertInvalid(try readSelectively(file, wanting: { _ in false }), naming: skipped)
            } else {
                XCTAssertEqual(try readSelectively(file, wanting: { _ in false }), [], "a section passed over is not checked")
            }
        }
        let good = partFile(epoch + section + rightChecksum + littleEndian(UInt32.max))
        XCTAssertEqual(try PartFile.decode(good, path: path, node: 1, epoch: 7), [CheckpointSection(name: "A", payload: [1, 2])])
        XCTAssertEqual(try readSelectively(good, wanting: { $0 == "A" }), [CheckpointSection(name: "A", payload: [1, 2])])
        XCTAssertEqual(try readSelectively(good, wanting: { _ in false }), [])
        var flipped = good
        flipped[flipped.count - 1] ^= 1
        assertInvalid(try PartFile.decode(flipped, path: path, node: 1, epoch: 7), naming: "file checksum does not match")
        assertInvalid(try SelectivePartReader.read(path: path, size: good.count, checksum: PartFile.trailer(of: flipped) ?? 0, node: 1, epoch: 7,
                                                   wanting: { _ in true }), naming: "file checksum differs from the manifest's")
        assertInvalid(try SelectivePartReader.read(path: path, size: good.count + 1, checksum: 0, node: 1, epoch: 7, wanting: { _ in true }),
                      naming: "size differs from the manifest's")
    }

    func testManifestsThatLeadOutOfTheEpochOrRepeatANodeAreInvalid() throws {
        func manifest(_ parts: [String]) -> [UInt8] {
            let body = Array((["brazos-checkpoint 1", "epoch 3", "job j", "program p", "threads 2", "nodes 2", "created 1"] + parts)
                .joined(separator: "\n").utf8) + [10]
            return body + Manifest.checksumLine(of: body)
        }
        XCTAssertEqual(try Manifest.decode(manifest(["part 0 part-0.bcp 10 a", "part 1 part-1.bcp 10 b"]), path: "MANIFEST").parts.count, 2)
        assertInvalid(try Manifest.decode(manifest(["part 0 ../../etc/passwd 10 a", "part 1 part-1.bcp 10 b"]), path: "MANIFEST"), naming: "outside the epoch")
        assertInvalid(try Manifest.decode(manifest(["part 0 .. 10 a", "part 1 part-1.bcp 10 b"]), path: "MANIFEST"), naming: "outside the epoch")
        assertInvalid(try Manifest.decode(manifest(["part 0 part-0.bcp 10 a", "part 0 part-0.bcp 10 a"]), path: "MANIFEST"), naming: "incomplete")
        assertInvalid(try Manifest.decode(manifest(["part 0 part-0.bcp -10 a", "part 1 part-1.bcp 10 b"]), path: "MANIFEST"), naming: "malformed part line")
        assertInvalid(try Manifest.decode(manifest(["part -1 part-0.bcp 10 a", "part 1 part-1.bcp 10 b"]), path: "MANIFEST"), naming: "malformed part line")
        assertInvalid(try Manifest.decode(Array(manifest([]).dropLast(5)), path: "MANIFEST"), naming: "checksum")
    }

    /// Every file scripts/fuzz kept, read as its target reads it (the first byte says
    /// whether the checksum was made right): a typed error naming the file, or a value
    /// that holds together.
    func testFuzzRegressionsDecodeOrFailCleanly() {
        for (name, input) in fuzzRegressionInputs("part-file") where !input.isEmpty {
            var bytes = Array(input.dropFirst())
            if input[0] & 1 == 0 && bytes.count >= 4 {
                bytes.replaceSubrange((bytes.count - 4)..., with: littleEndian(Checksum.of(bytes.dropLast(4))))
            }
            do {
                let sections = try PartFile.decode(bytes, path: "part-1.bcp", node: 1, epoch: 7)
                XCTAssertLessThanOrEqual(sections.reduce(0) { $0 + $1.payload.count }, bytes.count, name)
            } catch {
                XCTAssertTrue(error.description.hasPrefix("part-1.bcp"), name)
            }
        }
        for (name, input) in fuzzRegressionInputs("manifest") where !input.isEmpty {
            var bytes = Array(input.dropFirst())
            if input[0] & 1 == 0 {
                if bytes.last != 10 { bytes.append(10) }
                bytes += Manifest.checksumLine(of: bytes)
            }
            do {
                let manifest = try Manifest.decode(bytes, path: "MANIFEST")
                XCTAssertEqual(try Manifest.decode(manifest.encoded(), path: "MANIFEST"), manifest, name)
            } catch {
                XCTAssertTrue(error.description.hasPrefix("MANIFEST"), name)
            }
        }
    }
}
