import XCTest
#if canImport(Glibc)
import Glibc
#endif
import BrazosCore
@testable import Checkpoint

final class EpochAssemblyTests: XCTestCase {
    private func report(_ epoch: Int, node: Int, ranks: Int, base: Int? = nil) -> PartReport {
        PartReport(epoch: epoch, node: node, bytes: 1000 + node, checksum: UInt32(node), base: base, changedPages: 1, homePages: 2,
                   stallMicroseconds: 3, ranks: ranks, writeMicroseconds: 4, cpuMicroseconds: 5, faultWaitMicroseconds: 6)
    }

    func testAnEpochIsCompleteOnceEveryFirstNodeReportedAndItsPartsHoldEveryRank() throws {
        var assembly = EpochAssembly(firstNodes: 2, rankCount: 4)
        XCTAssertNil(assembly.add(report(1, node: 1, ranks: 2)))
        let complete = try XCTUnwrap(assembly.add(report(1, node: 0, ranks: 2)))
        XCTAssertEqual(complete.epoch, 1)
        XCTAssertEqual(complete.reports.map(\.node), [0, 1])
        // Its reports left the assembly: a late duplicate starts the epoch over.
        XCTAssertNil(assembly.add(report(1, node: 0, ranks: 2)))
    }

    /// A thread that moved to a joining node is in that node's part: the first nodes'
    /// parts alone do not complete the epoch.
    func testAJoinedNodesPartIsNeededForTheRanksItHolds() throws {
        var assembly = EpochAssembly(firstNodes: 2, rankCount: 4)
        XCTAssertNil(assembly.add(report(3, node: 0, ranks: 2)))
        XCTAssertNil(assembly.add(report(3, node: 1, ranks: 1)))
        let complete = try XCTUnwrap(assembly.add(report(3, node: 2, ranks: 1)))
        XCTAssertEqual(complete.reports.map(\.node), [0, 1, 2])
        XCTAssertEqual(try complete.manifest(job: "j", program: "/p", arguments: [], threads: 4, created: 0).nodes, 3)
    }

    /// A drained node's part is waited for no more: epochs that had every other part and
    /// every rank complete when it leaves, oldest first, and later ones without it.
    func testADrainedNodeIsNoLongerExpected() throws {
        var assembly = EpochAssembly(firstNodes: 3, rankCount: 3)
        XCTAssertNil(assembly.add(report(6, node: 0, ranks: 2)))
        XCTAssertNil(assembly.add(report(5, node: 0, ranks: 2)))
        XCTAssertNil(assembly.add(report(5, node: 1, ranks: 1)))
        XCTAssertNil(assembly.add(report(6, node: 1, ranks: 1)))
        XCTAssertEqual(assembly.nodeLeft(2).map(\.epoch), [5, 6])
        XCTAssertEqual(assembly.expectedNodes, [0, 1])
        XCTAssertNil(assembly.add(report(7, node: 0, ranks: 1)))
        XCTAssertEqual(assembly.add(report(7, node: 1, ranks: 2))?.epoch, 7)
    }

    func testTheManifestVouchesForEachPartAndTheAgreedBase() throws {
        var assembly = EpochAssembly(firstNodes: 2, rankCount: 2)
        _ = assembly.add(report(4, node: 1, ranks: 1, base: 3))
        let complete = try XCTUnwrap(assembly.add(report(4, node: 0, ranks: 1, base: 3)))
        let manifest = try complete.manifest(job: "abc", program: "/bin/sor", arguments: ["--size", "10"], threads: 2, created: 17)
        XCTAssertEqual(manifest.base, 3)
        XCTAssertEqual(manifest.parts, [Manifest.Part(node: 0, file: "part-0.bcp", size: 1000, checksum: 0),
                                        Manifest.Part(node: 1, file: "part-1.bcp", size: 1001, checksum: 1)])
        XCTAssertEqual(manifest.nodes, 2)
    }

    func testPartsThatDisagreeOnTheirBaseMakeNoManifest() throws {
        var assembly = EpochAssembly(firstNodes: 2, rankCount: 2)
        _ = assembly.add(report(4, node: 0, ranks: 1, base: 3))
        let complete = try XCTUnwrap(assembly.add(report(4, node: 1, ranks: 1)))
        XCTAssertThrowsError(try complete.manifest(job: "j", program: "/p", arguments: [], threads: 2, created: 0)) { error in
            XCTAssertEqual((error as? EpochDisagreement)?.description, "nodes disagree on what checkpoint 4 builds on: epoch 3, none (full)")
        }
    }

    /// What both coordinators do with a complete epoch: its manifest written (the epoch
    /// verifies), the store pruned to the newest `keep`, and one summary line.
    func testMakingACheckpointWritesTheManifestPrunesAndSummarizes() throws {
        let directory = "/tmp/brazos-make-checkpoint-\(getpid())-\(UInt32.random(in: 0 ... .max))"
        defer { _ = system("rm -rf '\(directory)'") }
        let store = try CheckpointStore(directory: directory)
        var summaries: [CheckpointSummary] = []
        for epoch in 1...3 {
            var assembly = EpochAssembly(firstNodes: 2, rankCount: 2)
            var complete: CompleteEpoch?
            for node in 0..<2 {
                let part = try store.writePart(epoch: epoch, node: node, sections: [CheckpointSection(name: "state", payload: [UInt8(epoch), UInt8(node)])])
                complete = assembly.add(PartReport(epoch: epoch, node: node, bytes: part.size, checksum: part.checksum, base: epoch == 3 ? 2 : nil,
                                                   changedPages: node + 1, homePages: 10, stallMicroseconds: 1250 * (node + 1), ranks: 1,
                                                   writeMicroseconds: 40_060, cpuMicroseconds: 20_500, faultWaitMicroseconds: 1_000 * node))
            }
            summaries.append(try XCTUnwrap(complete).makeCheckpoint(in: store, job: "abc", program: "/bin/sor", arguments: ["-n"], threads: 2, keeping: 1))
        }
        XCTAssertEqual(store.verify(3), .complete(summaries[2].manifest))
        XCTAssertEqual(summaries[2].manifest.base, 2)
        XCTAssertEqual(store.epochs(), [2, 3], "the newest checkpoint and the one it builds on are kept, the older full one pruned")
        let bytes = summaries[0].manifest.totalSize
        XCTAssertEqual(summaries[0].line, "checkpoint epoch 1 complete (full): \(bytes) bytes in 2 parts, 3 of 20 pages changed, "
                       + "barrier held 2.5 ms at most, written in 40.1 ms at most with 41.0 ms of CPU and 1.0 ms of fault waits at most")
        XCTAssertTrue(summaries[2].line.hasPrefix("checkpoint epoch 3 complete (incremental on 2): "), summaries[2].line)
        XCTAssertEqual(summaries[0].fields, ["event": "checkpoint", "epoch": "1", "bytes": "\(bytes)", "parts": "2", "stall_ms": "2.5", "write_ms": "40.1", "cpu_ms": "41.0", "fault_wait_ms": "1.0"])
    }

    func testAnEpochWhosePartsDisagreeIsNotMadeACheckpoint() throws {
        let directory = "/tmp/brazos-make-checkpoint-\(getpid())-\(UInt32.random(in: 0 ... .max))"
        defer { _ = system("rm -rf '\(directory)'") }
        let store = try CheckpointStore(directory: directory)
        var assembly = EpochAssembly(firstNodes: 2, rankCount: 2)
        _ = assembly.add(report(4, node: 0, ranks: 1, base: 3))
        let complete = try XCTUnwrap(assembly.add(report(4, node: 1, ranks: 1)))
        XCTAssertThrowsError(try complete.makeCheckpoint(in: store, job: "j", program: "/p", arguments: [], threads: 2, keeping: 2))
        XCTAssertEqual(try store.manifest(4), nil, "no manifest: the epoch is no checkpoint")
    }
}
