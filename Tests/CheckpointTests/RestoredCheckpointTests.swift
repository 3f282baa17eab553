import BrazosCore
import BrazosMPI
import Checkpoint
import Foundation
import XCTest
@testable import Checkpointing

/// The sections of a checkpoint as a restarting node decodes them: values it may use as
/// they are (ranks of the job, pages inside the region), or a typed error naming the
/// epoch and the section, never a trap.
final class RestoredCheckpointTests: XCTestCase {
    private let ranks = 4, regionPages = 64
    private let pageSize = SavedSection.pageSize

    private func epoch(_ number: Int, _ sections: [CheckpointSection]) -> (manifest: Manifest, parts: [[CheckpointSection]]) {
        (Manifest(epoch: number, job: "j", program: "p", arguments: [], threads: ranks, nodes: 1, created: 0,
                  base: number > 1 ? number - 1 : nil, parts: []), [sections])
    }

    private func pages(first: UInt64, count: Int, filler: UInt8 = 7) -> [UInt8] {
        withUnsafeBytes(of: first.littleEndian) { Array($0) } + [UInt8](repeating: filler, count: count * pageSize)
    }

    private func restore(_ sections: [CheckpointSection]) throws(UnusableSection) -> RestoredCheckpoint {
        try RestoredCheckpoint([epoch(3, sections)], ranks: ranks, regionPages: regionPages)
    }

    private func assertRefused(_ sections: [CheckpointSection], naming text: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try restore(sections), file: file, line: line) { error in
            let description = "\(error)"
            XCTAssertTrue(description.hasPrefix("epoch 3, section "), description, file: file, line: line)
            XCTAssertTrue(description.contains(text), description, file: file, line: line)
        }
    }

    func testAChainDecodesIntoEachRanksSectionsAndEveryEpochsPages() throws {
        let messages = [QueuedMessage(context: 2, source: 3, tag: 9, bytes: [1, 2, 3]), QueuedMessage(context: 0, source: 0, tag: -1, bytes: [])]
        let records = [FileRecord(path: "/tmp/out", mode: .append, offset: 10, size: 12)]
        let older = epoch(2, [CheckpointSection(name: "pages grid", payload: pages(first: 0, count: 2, filler: 1)),
                              CheckpointSection(name: "thread 1", payload: Array("old".utf8))])
        let newest = epoch(3, [CheckpointSection(name: "thread 1", payload: Array("new".utf8)),
                               CheckpointSection(name: "files 1", payload: Array(try JSONEncoder().encode(records))),
                               CheckpointSection(name: "messages 1", payload: SavedSection.encode(messages)),
                               CheckpointSection(name: "pages grid", payload: pages(first: 1, count: 1, filler: 2))])
        var restored = try RestoredCheckpoint([older, newest], ranks: ranks, regionPages: regionPages)
        XCTAssertEqual(restored.manifest.epoch, 3)
        XCTAssertEqual(restored.states, [1: Array("new".utf8)], "an older epoch counts only for its pages")
        XCTAssertEqual(restored.files, [1: records])
        XCTAssertEqual(restored.messages, [1: messages])
        let runs = restored.takePages()["grid"] ?? []
        XCTAssertEqual(runs.map(\.first), [0, 1], "oldest epoch first")
        XCTAssertEqual(runs.map(\.bytes.count), [2 * pageSize, pageSize])
        XCTAssertEqual(runs.last?.bytes.first, 2)
        XCTAssertTrue(restored.takePages().isEmpty, "handed over once")
    }

    func testSavedMessagesThatDoNotDecodeAreRefused() {
        // A count of 2^32-1 with nothing after it: nothing is reserved for it.
        assertRefused([CheckpointSection(name: "messages 0", payload: [0xFF, 0xFF, 0xFF, 0xFF])], naming: "truncated")
        let stranger = SavedSection.encode([QueuedMessage(context: 1, source: 4, tag: 0, bytes: [9])])
        assertRefused([CheckpointSection(name: "messages 0", payload: stranger)], naming: "a message from rank 4, not in a job of 4 ranks")
        assertRefused([CheckpointSection(name: "messages 0", payload: SavedSection.encode([]) + [0])], naming: "bytes left after 0 messages")
    }

    func testPageRunsMustBeWholePagesInsideTheRegion() {
        assertRefused([CheckpointSection(name: "pages grid", payload: pages(first: UInt64.max, count: 1))], naming: "past the region's 64")
        assertRefused([CheckpointSection(name: "pages grid", payload: pages(first: 63, count: 2))], naming: "2 pages from page 63")
        assertRefused([CheckpointSection(name: "pages grid", payload: pages(first: 0, count: 1) + [0])], naming: "not a first page's number and whole pages")
        assertRefused([CheckpointSection(name: "pages grid", payload: [1, 2, 3])], naming: "3 bytes")
        XCTAssertNoThrow(try restore([CheckpointSection(name: "pages grid", payload: pages(first: 62, count: 2))]))
    }

    func testFileRecordsStatesAndNamesAreChecked() throws {
        assertRefused([CheckpointSection(name: "files 2", payload: Array("{not json".utf8))], naming: "not a list of file records")
        let negative = Array(try JSONEncoder().encode([FileRecord(path: "/x", mode: .write, offset: 0, size: -5)]))
        assertRefused([CheckpointSection(name: "files 2", payload: negative)], naming: "\"/x\" has offset 0 and size -5")
        assertRefused([CheckpointSection(name: "thread 4", payload: [])], naming: "rank 4 is not in a job of 4 ranks")
        assertRefused([CheckpointSection(name: "thread -1", payload: [])], naming: "rank -1")
        assertRefused([CheckpointSection(name: "thread one", payload: [])], naming: "not a section Brazos writes")
        assertRefused([CheckpointSection(name: "stack 1", payload: [])], naming: "not a section Brazos writes")
        assertRefused([CheckpointSection(name: "thread 1", payload: [1]), CheckpointSection(name: "thread 1", payload: [2])],
                      naming: "rank 1's state is saved twice")
        XCTAssertThrowsError(try restore([CheckpointSection(name: "line\nbreak 1", payload: [])])) { error in
            XCTAssertFalse("\(error)".contains("\n"), "a name from the file is escaped: \(error)")
        }
    }

    func testRoutedFilesDecodeAsTheRankSavedThem() throws {
        let files = [RoutedFile(name: "out.dat", bytes: [1, 2, 3]), RoutedFile(name: "empty", bytes: [])]
        let restored = try restore([CheckpointSection(name: "routed 2", payload: SavedSection.encode(routed: files))])
        XCTAssertEqual(restored.routedFiles, [2: files])
    }

    func testRoutedFilesThatDoNotDecodeAreRefused() {
        let one = SavedSection.encode(routed: [RoutedFile(name: "a", bytes: [9, 9])])
        assertRefused([CheckpointSection(name: "routed 0", payload: Array(one.dropLast()))], naming: "truncated")
        assertRefused([CheckpointSection(name: "routed 0", payload: one + [0])], naming: "bytes left after 1 routed files")
        assertRefused([CheckpointSection(name: "routed 0", payload: SavedSection.encode(routed: [RoutedFile(name: "", bytes: [])]))],
                      naming: "empty or not UTF-8")
        let twice = SavedSection.encode(routed: [RoutedFile(name: "a", bytes: []), RoutedFile(name: "a", bytes: [1])])
        assertRefused([CheckpointSection(name: "routed 0", payload: twice)], naming: "saved twice")
        assertRefused([CheckpointSection(name: "routed 4", payload: one)], naming: "rank 4 is not in a job of 4 ranks")
        assertRefused([CheckpointSection(name: "routed 1", payload: one), CheckpointSection(name: "routed 1", payload: one)],
                      naming: "rank 1's routed files are saved twice")
        // A count of 2^32-1 with nothing after it: nothing is reserved for it.
        assertRefused([CheckpointSection(name: "routed 0", payload: [0xFF, 0xFF, 0xFF, 0xFF])], naming: "truncated")
    }

    /// The contributor reads each routed file at the checkpoint, once, into a section
    /// that decodes to the same bytes; a file that cannot be read fails the checkpoint.
    func testRoutedFilesAreReadAtTheCheckpointAndForgottenAfter() throws {
        let directory = NSTemporaryDirectory() + "brazos-routed-\(getpid())-\(UInt32.random(in: 0 ... .max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/state"
        try Data([5, 6, 7]).write(to: URL(fileURLWithPath: path))
        let routed = RoutedFiles()
        routed.route(rank: 1, name: "first", path: directory + "/missing")
        routed.route(rank: 1, name: "first", path: path)
        _ = try routed.capture()
        // Written after the route and before the checkpoint: the checkpoint has these bytes.
        let store = try CheckpointStore(directory: directory + "/store")
        let sections = try writtenSections(of: routed.seal(full: false), in: store, epoch: 1)
        XCTAssertEqual(sections.map(\.name), ["routed 1"])
        let restored = try restore(sections)
        XCTAssertEqual(restored.routedFiles, [1: [RoutedFile(name: "first", bytes: [5, 6, 7])]])
        _ = try routed.capture()
        XCTAssertEqual(try writtenSections(of: routed.seal(full: true), in: store, epoch: 2), [], "each checkpoint keeps the files routed since the last")
        routed.route(rank: 0, name: "gone", path: directory + "/missing")
        XCTAssertThrowsError(try routed.capture()) { XCTAssertTrue("\($0)".contains("rank 0's routed file \"gone\""), "\($0)") }
    }

    /// Every input scripts/fuzz kept for `checkpoint-sections`, read as that target reads
    /// it: the section it stands for decodes, or fails with an error naming it.
    func testFuzzRegressionsDecodeOrFailCleanly() {
        let kept = fuzzRegressionInputs("checkpoint-sections")
        XCTAssertFalse(kept.isEmpty, "the inputs kept in Tests/FuzzRegressions/checkpoint-sections")
        for (name, bytes) in kept where bytes.count >= 2 {
            let payload = Array(bytes.dropFirst(2))
            let rank = Int8(bitPattern: bytes[1])
            let section: CheckpointSection = switch bytes[0] % 5 {
            case 0: CheckpointSection(name: "thread \(rank)", payload: payload)
            case 1: CheckpointSection(name: "files \(rank)", payload: payload)
            case 2: CheckpointSection(name: "messages \(rank)", payload: payload)
            case 3: CheckpointSection(name: "pages grid", payload: Array(payload.prefix(8)) + [UInt8](repeating: 0x5A, count: Int(bytes[1] & 3) * pageSize)
                                                             + payload.dropFirst(8))
            default: CheckpointSection(name: String(decoding: payload, as: UTF8.self), payload: [])
            }
            do {
                var restored = try restore([section])
                let runs = restored.takePages().values.joined()
                XCTAssertTrue(runs.allSatisfy { $0.first >= 0 && $0.first + $0.bytes.count / pageSize <= regionPages }, name)
            } catch {
                XCTAssertTrue("\(error)".hasPrefix("epoch 3, section "), "\(name): \(error)")
            }
        }
    }

    private func protectedRun(size: UInt64, offset: UInt64, _ bytes: [UInt8]) -> [UInt8] {
        withUnsafeBytes(of: size.littleEndian) { Array($0) } + withUnsafeBytes(of: offset.littleEndian) { Array($0) } + bytes
    }

    func testProtectedBuffersAreRebuiltFromEveryEpochOfTheChain() throws {
        let list = SavedSection.encode(buffers: [.init(id: 7, size: 10), .init(id: 8, size: 3)])
        let oldest = epoch(1, [CheckpointSection(name: "protected 1 7", payload: protectedRun(size: 5, offset: 0, [77, 77, 77, 77, 77]))])
        let older = epoch(2, [CheckpointSection(name: "protected 1 7", payload: protectedRun(size: 10, offset: 0, Array(0..<10))),
                              CheckpointSection(name: "protected 1 8", payload: protectedRun(size: 3, offset: 0, [8, 8, 8])),
                              CheckpointSection(name: "protected 1 9", payload: protectedRun(size: 4, offset: 0, [1, 1, 1, 1]))])
        let newest = epoch(3, [CheckpointSection(name: "protected 1", payload: list),
                               CheckpointSection(name: "protected 1 7", payload: protectedRun(size: 10, offset: 4, [40, 50]))])
        let restored = try RestoredCheckpoint([oldest, older, newest], ranks: ranks)
        XCTAssertEqual(restored.protectedBuffers[1], [.init(id: 7, size: 10), .init(id: 8, size: 3)])
        var seven = [UInt8](repeating: 0xFF, count: 10)
        seven.withUnsafeMutableBytes { restored.copyProtected(rank: 1, id: 7, into: $0) }
        XCTAssertEqual(seven, [0, 1, 2, 3, 40, 50, 6, 7, 8, 9], "the newest run over the older one; a run of another size left out")
        var eight = [UInt8](repeating: 0xFF, count: 3)
        eight.withUnsafeMutableBytes { restored.copyProtected(rank: 1, id: 8, into: $0) }
        XCTAssertEqual(eight, [8, 8, 8], "unchanged since an older epoch")
        XCTAssertNil(restored.protectedSize(rank: 1, id: 9), "a buffer the newest epoch does not list is not restored")
        // A listed buffer that no run of its size covers whole is a broken checkpoint.
        let gap = epoch(3, [CheckpointSection(name: "protected 1", payload: list),
                            CheckpointSection(name: "protected 1 7", payload: protectedRun(size: 10, offset: 0, Array(0..<10))),
                            CheckpointSection(name: "protected 1 8", payload: protectedRun(size: 2, offset: 0, [9, 9]))])
        XCTAssertThrowsError(try RestoredCheckpoint([gap], ranks: ranks)) { error in
            XCTAssertTrue("\(error)".contains("buffer 8 of 3 bytes is saved only up to byte 0"), "\(error)")
        }
    }

    func testProtectedSectionsThatDoNotDecodeAreRefused() {
        assertRefused([CheckpointSection(name: "protected 0 1", payload: protectedRun(size: 4, offset: 3, [1, 2]))], naming: "2 bytes at offset 3 lie past a buffer of 4")
        assertRefused([CheckpointSection(name: "protected 0 1", payload: protectedRun(size: UInt64.max, offset: 0, []))], naming: "lie past a buffer of")
        assertRefused([CheckpointSection(name: "protected 0 1", payload: [1, 2, 3])], naming: "3 bytes are not a buffer's size")
        assertRefused([CheckpointSection(name: "protected 0 x", payload: [])], naming: "not a section Brazos writes")
        assertRefused([CheckpointSection(name: "protected 5 1", payload: [])], naming: "rank 5 is not in a job of 4 ranks")
        assertRefused([CheckpointSection(name: "protected 0", payload: [0xFF, 0xFF, 0xFF, 0xFF])], naming: "truncated")
        let twice = SavedSection.encode(buffers: [.init(id: 1, size: 1), .init(id: 1, size: 2)])
        assertRefused([CheckpointSection(name: "protected 0", payload: twice)], naming: "listed twice")
        assertRefused([CheckpointSection(name: "protected 0", payload: SavedSection.encode(buffers: []) + [0])], naming: "bytes left after 0 protected buffers")
    }
}
