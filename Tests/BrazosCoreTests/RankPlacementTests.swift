import XCTest
@testable import BrazosCore

final class RankPlacementTests: XCTestCase {
    func testThreadsSpreadOverNodesTheFirstTakingOneMore() {
        XCTAssertEqual(RankPlacement(spreading: 4, over: 3).ranksPerNode, [2, 1, 1])
        XCTAssertEqual(RankPlacement(spreading: 7, over: 3).ranksPerNode, [3, 2, 2])
        XCTAssertEqual(RankPlacement(spreading: 8, over: 3).ranksPerNode, [3, 3, 2])
        XCTAssertEqual(RankPlacement(spreading: 4, over: 2).ranksPerNode, [2, 2])
        XCTAssertEqual(RankPlacement(spreading: 4, over: 4).ranksPerNode, [1, 1, 1, 1])
        XCTAssertEqual(RankPlacement(spreading: 4, over: 1).ranksPerNode, [4])
        // More nodes than threads: the last host none (brazosrun refuses such a restart).
        XCTAssertEqual(RankPlacement(spreading: 2, over: 3).ranksPerNode, [1, 1, 0])
        for threads in 1...12 {
            for nodes in 1...threads {
                let placement = RankPlacement(spreading: threads, over: nodes)
                XCTAssertEqual(placement.rankCount, threads)
                XCTAssertLessThanOrEqual(placement.largestBlock - (placement.ranksPerNode.min() ?? 0), 1, "\(threads) over \(nodes)")
                XCTAssertEqual(placement.isUniform, threads % nodes == 0, "\(threads) over \(nodes)")
            }
        }
    }

    func testBlocksAreConsecutiveInRankOrder() {
        let placement = RankPlacement(spreading: 4, over: 3)
        XCTAssertEqual(placement.ranks(of: 0), 0..<2)
        XCTAssertEqual(placement.ranks(of: 1), 2..<3)
        XCTAssertEqual(placement.ranks(of: 2), 3..<4)
        XCTAssertEqual(placement.ranks(of: 3), 0..<0, "a node past the starting ones hosts none")
        XCTAssertEqual((0..<4).map { placement.node(of: $0) }, [0, 0, 1, 2])
        XCTAssertNil(placement.node(of: 4))
        XCTAssertNil(placement.node(of: -1))
        let uniform = RankPlacement(nodes: 2, threadsPerNode: 3)
        XCTAssertEqual(uniform.ranksPerNode, [3, 3])
        XCTAssertEqual(uniform.ranks(of: 1), 3..<6)
        XCTAssertTrue(uniform.isUniform)
    }

    func testTheEnvironmentValueReadsBackAndBadValuesAreRefused() throws {
        let placement = RankPlacement(spreading: 4, over: 3)
        XCTAssertEqual(placement.environmentValue, "2,1,1")
        XCTAssertEqual(try RankPlacement(parsing: placement.environmentValue), placement)
        for bad in ["", "2,,1", "2,0,1", "2,-1", "two", "2;1", "2, 1"] {
            XCTAssertThrowsError(try RankPlacement(parsing: bad), "'\(bad)'") { error in
                XCTAssertTrue("\(error)".contains("BRAZOS_RANKS_PER_NODE=\(bad) is not a list of positive integers"), "\(error)")
            }
        }
    }

    /// A node of an uneven job hosts its own block, and takes locks only where it hosts several.
    func testAJobConfigWithAnUnevenPlacementGivesEachNodeItsBlock() {
        var config = JobConfig(launcher: .singleton, jobID: "j", secret: [], node: 1, nodeCount: 3, threadsPerNode: 1)
        config.unevenPlacement = RankPlacement(spreading: 4, over: 3)
        XCTAssertEqual(config.rankCount, 4)
        XCTAssertEqual(config.initialRanks(of: 0), [0, 1])
        XCTAssertEqual(config.initialRanks(of: 1), [2])
        XCTAssertEqual(config.initialRanks(of: 2), [3])
        XCTAssertEqual(config.initialRanks(of: 3), [])
        XCTAssertEqual(config.concurrentThreads, 1)
        config.node = 0
        XCTAssertEqual(config.concurrentThreads, 2)
        // Without one, blocks of threadsPerNode, as under mpirun or srun.
        config.unevenPlacement = nil
        config.threadsPerNode = 2
        XCTAssertEqual(config.rankCount, 6)
        XCTAssertEqual(config.initialRanks(of: 2), [4, 5])
    }
}
