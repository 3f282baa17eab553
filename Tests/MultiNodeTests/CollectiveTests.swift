import XCTest

/// The collectives of the Swift API in real jobs: flat (one rank per node, powers of two
/// and not) and two-stage (several threads per node), on the world and on communicators
/// made from it (coll-check does the checking).
final class CollectiveTests: XCTestCase {
    let brazosrun = JobProcess.built("brazosrun")
    let check = JobProcess.built("coll-check")

    func testOneRankPerNode() throws {
        for nodes in [1, 2, 3, 4] {
            let output = try JobProcess.runToSuccess(brazosrun, ["-n", "\(nodes)", check])
            XCTAssertTrue(output.contains("coll-check ok: \(nodes) ranks"), output)
        }
    }

    func testSeveralThreadsPerNode() throws {
        for (nodes, threads) in [(1, 3), (2, 2), (3, 2)] {
            let output = try JobProcess.runToSuccess(brazosrun, ["-n", "\(nodes)", "-T", "\(threads)", check])
            XCTAssertTrue(output.contains("coll-check ok: \(nodes * threads) ranks"), output)
        }
    }

    func testOverTCP() throws {
        let output = try JobProcess.runToSuccess(brazosrun, ["-n", "3", "--transport", "tcp", check])
        XCTAssertTrue(output.contains("coll-check ok: 3 ranks"), output)
    }
}
