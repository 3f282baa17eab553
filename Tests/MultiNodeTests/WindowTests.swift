import Foundation
import XCTest

/// One-sided windows of the Swift API in real jobs (rma-check does the checking): ranks
/// of one node reach each other's windows directly, ranks of the host's other nodes map
/// allocated windows (or send messages over shared-memory rings), ranks reached by TCP
/// send messages, and jobs of several threads on several nodes take all of these.
/// Windows in checkpoints: a job whose state lives in a window survives kill -9.
final class WindowTests: XCTestCase {
    let brazosrun = JobProcess.built("brazosrun")
    let check = JobProcess.built("rma-check")
    let checkpointed = JobProcess.built("window-checkpoint-check")
    private var directory = ""

    override func setUp() { directory = NSTemporaryDirectory() + "brazos-winckpt-\(getpid())-\(UInt32.random(in: 0 ... .max))" }
    override func tearDown() { try? FileManager.default.removeItem(atPath: directory) }

    func testOneRankPerNode() throws {
        for nodes in [1, 2, 3] {
            let output = try JobProcess.runToSuccess(brazosrun, ["-n", "\(nodes)", check])
            XCTAssertTrue(output.contains("rma-check ok: \(nodes) ranks, \(nodes) sharing memory"), output)
        }
    }

    func testSeveralThreadsPerNode() throws {
        for (nodes, threads) in [(1, 3), (2, 2), (3, 2)] {
            let output = try JobProcess.runToSuccess(brazosrun, ["-n", "\(nodes)", "-T", "\(threads)", check])
            XCTAssertTrue(output.contains("rma-check ok: \(nodes * threads) ranks, \(nodes * threads) sharing memory"), output)
        }
    }

    func testOverTCP() throws {
        let output = try JobProcess.runToSuccess(brazosrun, ["-n", "3", "--transport", "tcp", check])
        XCTAssertTrue(output.contains("rma-check ok: 3 ranks, 1 sharing memory"), output)
    }

    func testAKilledNodeIsRecoveredWithItsWindowAsSaved() throws {
        let arguments = ["--cells", "2000", "--steps", "4000"]
        let expected = try JobProcess.runToSuccess(brazosrun, ["-n", "3", checkpointed] + arguments)
        XCTAssertTrue(expected.hasPrefix("checksum: ") && expected.contains("counter 12000.0"), expected)
        try JobProcess.checkRecoveryFromKill(brazosrun, ["-n", "3", "--checkpoint-dir", directory, checkpointed] + arguments + ["--checkpoint-every", "400"],
                                             in: directory, expected: expected, resumed: "window-checkpoint-check: resumed at step ")
    }
}
