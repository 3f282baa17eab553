import XCTest

/// One-sided windows of the Swift API in real jobs (rma-check does the checking): ranks
/// of one node reach each other's windows directly, ranks of other nodes by messages over
/// shared-memory rings or TCP, and jobs of several threads on several nodes take both.
final class WindowTests: XCTestCase {
    let brazosrun = JobProcess.built("brazosrun")
    let check = JobProcess.built("rma-check")

    func testOneRankPerNode() throws {
        for nodes in [1, 2, 3] {
            let output = try JobProcess.runToSuccess(brazosrun, ["-n", "\(nodes)", check])
            XCTAssertTrue(output.contains("rma-check ok: \(nodes) ranks"), output)
        }
    }

    func testSeveralThreadsPerNode() throws {
        for (nodes, threads) in [(1, 3), (2, 2), (3, 2)] {
            let output = try JobProcess.runToSuccess(brazosrun, ["-n", "\(nodes)", "-T", "\(threads)", check])
            XCTAssertTrue(output.contains("rma-check ok: \(nodes * threads) ranks"), output)
        }
    }

    func testOverTCP() throws {
        let output = try JobProcess.runToSuccess(brazosrun, ["-n", "3", "--transport", "tcp", check])
        XCTAssertTrue(output.contains("rma-check ok: 3 ranks"), output)
    }
}
