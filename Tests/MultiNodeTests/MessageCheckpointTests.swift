import Foundation
import XCTest

/// Checkpoints of a program that only sends messages (no shared memory): a node killed
/// with kill -9 and the job recovered, a restart, and a message in flight across every
/// checkpoint delivered once.
final class MessageCheckpointTests: XCTestCase {
    let brazosrun = JobProcess.built("brazosrun")
    let check = JobProcess.built("message-checkpoint-check")
    private var directory = ""

    override func setUp() { directory = NSTemporaryDirectory() + "brazos-msgckpt-\(getpid())-\(UInt32.random(in: 0 ... .max))" }
    override func tearDown() { try? FileManager.default.removeItem(atPath: directory) }

    func testAKilledNodeIsRecoveredAndTheResultIsTheFailureFreeOne() throws {
        let arguments = ["--cells", "2000", "--steps", "6000"]
        let expected = try JobProcess.runToSuccess(brazosrun, ["-n", "3", check] + arguments)
        XCTAssertTrue(expected.hasPrefix("checksum: ") && expected.contains("every message once"), expected)
        try JobProcess.checkRecoveryFromKill(brazosrun, ["-n", "3", "--checkpoint-dir", directory, check] + arguments + ["--checkpoint-every", "500"],
                                             in: directory, expected: expected, resumed: "message-checkpoint-check: resumed at step ")
    }

    func testIntervalCheckpointsAtItsPointsAndARestartThatResumes() throws {
        let arguments = ["--cells", "3000", "--steps", "3000"]
        let expected = try JobProcess.runToSuccess(brazosrun, ["-n", "2", "-T", "2", check] + arguments)
        let checkpointed = try JobProcess(brazosrun, ["-n", "2", "-T", "2", "--checkpoint-dir", directory, "--checkpoint-every", "50ms", check] + arguments)
        XCTAssertEqual(checkpointed.waitForExit(timeout: 120), 0, checkpointed.stderr)
        XCTAssertEqual(checkpointed.stdout, expected, "checkpoints must not change the result")
        XCTAssertTrue(checkpointed.stderr.contains("checkpoint epoch 2 complete (incremental on 1)"), checkpointed.stderr)
        let restarted = try JobProcess(brazosrun, ["restart", "--checkpoint-dir", directory, "-n", "1", "-T", "4", check] + arguments)
        XCTAssertEqual(restarted.waitForExit(timeout: 120), 0, restarted.stderr)
        XCTAssertEqual(restarted.stdout, expected, restarted.stderr)
        XCTAssertTrue(restarted.stderr.contains("message-checkpoint-check: resumed at step "), restarted.stderr)
    }

    func testTheSameCommandRunAgainContinuesAndAnotherIsRefused() throws {
        let arguments = ["--cells", "2000", "--steps", "6000"]
        let expected = try JobProcess.runToSuccess(brazosrun, ["-n", "2", check] + arguments)
        let command = ["-n", "2", "--checkpoint-dir", directory, "--no-auto-recover", check] + arguments + ["--checkpoint-every", "500"]
        let job = try JobProcess(brazosrun, command)
        if let victim = job.nodes(once: 1, in: directory).last { kill(victim, SIGKILL) }
        XCTAssertNotEqual(job.waitForExit(timeout: 60), 0, "a job with a killed node and no recovery must fail: \(job.stderr)")
        XCTAssertFalse(job.stdout.contains("checksum"), job.stdout)

        let again = try JobProcess(brazosrun, command)
        XCTAssertEqual(again.waitForExit(timeout: 120), 0, again.stderr)
        XCTAssertEqual(again.stdout, expected, again.stderr)
        XCTAssertTrue(again.stderr.contains("brazosrun: continuing from checkpoint epoch "), again.stderr)
        XCTAssertTrue(again.stderr.contains("message-checkpoint-check: resumed at step "), again.stderr)

        let other = try JobProcess(brazosrun, ["-n", "3", "--checkpoint-dir", directory, check] + arguments)
        XCTAssertEqual(other.waitForExit(timeout: 30), 2, other.stderr)
        XCTAssertTrue(other.stderr.contains("of another job (") && other.stderr.contains("the job has 3 threads, the checkpoint 2"), other.stderr)
    }
}
