import XCTest
import BrazosCore
@testable import Checkpoint

final class EpochAssemblyTests: XCTestCase {
    private func report(_ epoch: Int, node: Int, ranks: Int, base: Int? = nil) -> PartReport {
        PartReport(epoch: epoch, node: node, bytes: 1000 + node, checksum: UInt32(node), base: base, changedPages: 1, homePages: 2,
                   stallMicroseconds: 3, ranks: ranks, writeMicroseconds: 4)
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
}
