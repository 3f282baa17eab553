import XCTest
@testable import Checkpoint
#if canImport(Glibc)
import Glibc
#endif

final class CheckpointStoreTests: XCTestCase {
    private var directory = ""

    override func setUp() {
        directory = "/tmp/brazos-checkpoint-test-\(getpid())-\(UInt32.random(in: 0 ... .max))"
    }

    override func tearDown() {
        _ = system("rm -rf '\(directory)'")
    }

    /// Writes an epoch of `nodes` parts with a manifest, as a job's coordinator would.
    @discardableResult
    private func writeEpoch(_ store: CheckpointStore, _ epoch: Int, nodes: Int = 2, manifest: Bool = true) throws -> Manifest {
        var parts: [Manifest.Part] = []
        for node in 0..<nodes {
            parts.append(try store.writePart(epoch: epoch, node: node, sections: [
                CheckpointSection(name: "pages", payload: (0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ node &+ epoch) }),
                CheckpointSection(name: "thread \(node)", payload: Array("resume state \(epoch)".utf8)),
            ]))
        }
        let made = Manifest(epoch: epoch, job: "job1", program: "/bin/sor", arguments: ["--size", "100", "odd %arg\nline"],
                            threads: nodes, nodes: nodes, created: 1_790_000_000 + epoch, parts: parts)
        if manifest { try store.writeManifest(made) }
        return made
    }

    private func path(_ store: CheckpointStore, _ epoch: Int, _ file: String) -> String { "\(store.epochDirectory(epoch))/\(file)" }

    func testAWrittenEpochVerifiesAndReadsBack() throws {
        let store = try CheckpointStore(directory: directory)
        let written = try writeEpoch(store, 3)
        XCTAssertEqual(store.verify(3), .complete(written))
        let sections = try store.readPart(written, node: 1)
        XCTAssertEqual(sections.map(\.name), ["pages", "thread 1"])
        XCTAssertEqual(sections[1].payload, Array("resume state 3".utf8))
        XCTAssertEqual(written.arguments.last, "odd %arg\nline", "arguments survive escaping")
        var info = stat()
        XCTAssertEqual(stat(path(store, 3, "part-0.bcp"), &info), 0)
        XCTAssertEqual(info.st_mode & 0o777, 0o600, "checkpoint files are private")
        XCTAssertEqual(stat(path(store, 3, "MANIFEST"), &info), 0)
        XCTAssertEqual(info.st_mode & 0o777, 0o600)
    }

    func testCorruptTruncatedAndUnfinishedEpochsArePassedOverForTheNewestGoodOne() throws {
        let store = try CheckpointStore(directory: directory)
        let good = try writeEpoch(store, 1)
        try writeEpoch(store, 2)
        try writeEpoch(store, 3)
        try writeEpoch(store, 4, manifest: false)
        // Epoch 3: one byte of a part flipped. Epoch 2: a part cut short.
        let corrupt = path(store, 3, "part-1.bcp")
        var bytes = try DurableFile.read(corrupt)
        bytes[100] ^= 0x40
        try DurableFile.write(bytes, to: corrupt)
        let truncated = path(store, 2, "part-0.bcp")
        try DurableFile.write(Array(try DurableFile.read(truncated).prefix(2000)), to: truncated)

        guard case .incomplete = store.verify(4) else { return XCTFail("\(store.verify(4))") }
        guard case let .corrupt(reason3) = store.verify(3) else { return XCTFail("\(store.verify(3))") }
        XCTAssertTrue(reason3.contains("part-1.bcp"), reason3)
        guard case let .corrupt(reason2) = store.verify(2) else { return XCTFail("\(store.verify(2))") }
        XCTAssertTrue(reason2.contains("part-0.bcp"), reason2)
        let newest = try XCTUnwrap(store.newestComplete())
        XCTAssertEqual(newest.manifest, good)
        XCTAssertEqual(newest.skipped.map(\.epoch), [4, 3, 2])
    }

    func testARefusedEpochAndThoseBuiltOnItArePassedOver() throws {
        let store = try CheckpointStore(directory: directory)
        let good = try writeEpoch(store, 1)
        try writeEpoch(store, 2)
        var incremental = try writeEpoch(store, 3, manifest: false)
        incremental.base = 2
        try store.writeManifest(incremental)
        XCTAssertEqual(store.verify(3), .complete(incremental), "checksums alone find nothing wrong")

        try store.refuse(2, reason: "epoch 2, section \"messages 0\": truncated")
        for epoch in [2, 3] {
            guard case let .corrupt(reason) = store.verify(epoch) else { return XCTFail("\(store.verify(epoch))") }
            XCTAssertTrue(reason.contains("epoch-000002/REFUSED: refused at a restart: epoch 2, section \"messages 0\": truncated"), reason)
        }
        XCTAssertThrowsError(try store.read(3), "a node reading the chain is refused too")
        let newest = try XCTUnwrap(store.newestComplete())
        XCTAssertEqual(newest.manifest, good)
        XCTAssertEqual(newest.skipped.map(\.epoch), [3, 2])
    }

    func testAManifestThatIsCutOrEditedIsNotTrusted() throws {
        let store = try CheckpointStore(directory: directory)
        try writeEpoch(store, 5)
        let manifest = path(store, 5, "MANIFEST")
        let original = try DurableFile.read(manifest)
        try DurableFile.write(Array(original.prefix(original.count - 10)), to: manifest)
        guard case .corrupt = store.verify(5) else { return XCTFail("a cut manifest: \(store.verify(5))") }
        var edited = original
        edited[edited.firstIndex(of: UInt8(ascii: "4"))!] = UInt8(ascii: "8")  // a digit of "threads" or "nodes" or created
        try DurableFile.write(edited, to: manifest)
        guard case .corrupt = store.verify(5) else { return XCTFail("an edited manifest: \(store.verify(5))") }
        XCTAssertNil(store.newestComplete())
    }

    func testPruningKeepsTheNewestCompleteEpochsAndAnythingNewer() throws {
        let store = try CheckpointStore(directory: directory)
        for epoch in 1...4 { try writeEpoch(store, epoch) }
        try writeEpoch(store, 5, manifest: false)
        try store.prune(keeping: 2)
        XCTAssertEqual(store.epochs(), [3, 4, 5])
    }

    /// A restarting node reads only the sections it wants, each checked by its own
    /// checksum; the quick verification reads no part, and so misses a flipped byte that
    /// the full one finds.
    func testSelectiveReadsAndTheQuickVerification() throws {
        let store = try CheckpointStore(directory: directory)
        let written = try writeEpoch(store, 1)
        let chain = try store.read(1, wanting: { $0 == "thread 1" })
        XCTAssertEqual(chain.count, 1)
        XCTAssertEqual(chain[0].parts.map { $0.map(\.name) }, [[], ["thread 1"]])
        XCTAssertEqual(chain[0].parts[1].first?.payload, Array("resume state 1".utf8))
        XCTAssertEqual(store.verifyQuickly(1), .complete(written))

        // A byte flipped inside node 0's pages: a read that skips them does not see it, one
        // that reads them does, and so does the full verification; the quick one does not.
        let part = path(store, 1, "part-0.bcp")
        var bytes = try DurableFile.read(part)
        bytes[100] ^= 0x40
        try DurableFile.write(bytes, to: part)
        XCTAssertNoThrow(try store.read(1, wanting: { $0.hasPrefix("thread") }))
        XCTAssertThrowsError(try store.read(1, wanting: { $0 == "pages" })) { error in
            XCTAssertTrue("\(error)".contains("section 0 checksum does not match"), "\(error)")
        }
        XCTAssertEqual(store.verifyQuickly(1), .complete(written))
        guard case .corrupt = store.verify(1) else { return XCTFail("the full verification must find the flipped byte") }

        // Cut short: both verifications and every read refuse it.
        try DurableFile.write(Array(bytes.prefix(bytes.count - 10)), to: part)
        guard case let .corrupt(reason) = store.verifyQuickly(1) else { return XCTFail("a truncated part must fail the quick verification") }
        XCTAssertTrue(reason.contains("size or checksum differs from the manifest's"), reason)
        XCTAssertThrowsError(try store.read(1, wanting: { _ in false }))
        XCTAssertNil(store.newestComplete(quickly: true))
    }
}

import Foundation

/// `brazosrun checkpoints list|verify DIR` on a directory with good and bad epochs.
final class CheckpointsCommandTests: XCTestCase {
    func testListAndVerifyNameEveryEpochAndTheOneRecoveryWouldUse() throws {
        let directory = "/tmp/brazos-checkpoints-command-\(getpid())"
        defer { _ = system("rm -rf '\(directory)'") }
        let store = try CheckpointStore(directory: directory)
        for epoch in [7, 8] {
            let part = try store.writePart(epoch: epoch, node: 0, sections: [CheckpointSection(name: "state", payload: [1, 2, 3])])
            try store.writeManifest(Manifest(epoch: epoch, job: "j", program: "/bin/water", arguments: ["--steps", "5"], threads: 1, nodes: 1, created: 0, parts: [part]))
        }
        let corrupt = "\(store.epochDirectory(8))/part-0.bcp"
        var bytes = try DurableFile.read(corrupt)
        bytes[bytes.count / 2] ^= 1
        try DurableFile.write(bytes, to: corrupt)
        _ = try store.writePart(epoch: 9, node: 0, sections: [])

        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let brazosrun = ProcessInfo.processInfo.environment["BRAZOS_TEST_BIN"].map { "\($0)/brazosrun" }
            ?? root.appendingPathComponent(".build/debug/brazosrun").path
        func run(_ verb: String, _ where: String) throws -> (Int32, String) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: brazosrun)
            process.arguments = ["checkpoints", verb, `where`]
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return (process.terminationStatus, output)
        }
        let (status, output) = try run("verify", directory)
        XCTAssertEqual(status, 0, output)
        XCTAssertTrue(output.contains("epoch 7: complete, full, 1 nodes, 1 threads"), output)
        XCTAssertTrue(output.contains("program /bin/water --steps 5"), output)
        XCTAssertTrue(output.contains("epoch 8: CORRUPT"), output)
        XCTAssertTrue(output.contains("epoch 9: incomplete"), output)
        XCTAssertTrue(output.contains("recovery would use epoch 7"), output)
        // A mistyped path is an error, and is not created; an empty directory holds nothing.
        let (missingStatus, _) = try run("list", directory + "-missing")
        XCTAssertEqual(missingStatus, 2)
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory + "-missing"))
        XCTAssertEqual(mkdir(directory + "-empty", 0o700), 0)
        defer { _ = system("rm -rf '\(directory)-empty'") }
        let (emptyStatus, emptyOutput) = try run("verify", directory + "-empty")
        XCTAssertEqual(emptyStatus, 1, emptyOutput)
        XCTAssertTrue(emptyOutput.contains("no checkpoints"), emptyOutput)
    }
}
