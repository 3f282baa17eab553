import Foundation
import XCTest

/// Checkpoints of a real job, a node killed with kill -9, and restarts on the same, fewer
/// and more nodes that end with the failure-free result.
final class CheckpointJobTests: XCTestCase {
    let brazosrun = JobProcess.built("brazosrun")
    let sor = JobProcess.built("sor")
    private var directory = ""

    override func setUp() { directory = NSTemporaryDirectory() + "brazos-ckpt-\(getpid())-\(UInt32.random(in: 0 ... .max))" }
    override func tearDown() { try? FileManager.default.removeItem(atPath: directory) }

    /// The processes `parent` started (its children), by PID.
    private func children(of parent: Int32) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.filter { pid in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return false }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 2 && Int32(fields[1]) == parent
        }
    }

    func testAKilledJobRestartsFromItsCheckpointOnSameFewerAndMoreNodes() throws {
        let arguments = ["--size", "200", "--steps", "2500", "--checkpoint-every", "500"]
        let expected = try JobProcess.runToSuccess(brazosrun, ["-n", "2", "-T", "2", sor] + arguments.prefix(4))
        XCTAssertTrue(expected.hasPrefix("checksum: "), expected)

        // Run with checkpoints; once the first is complete, kill -9 a node.
        let job = try JobProcess(brazosrun, ["-n", "2", "-T", "2", "--checkpoint-dir", directory, "--no-auto-recover", sor] + arguments)
        let manifest = directory + "/epoch-000001/MANIFEST"
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: manifest) && Date() < deadline && job.process.isRunning { usleep(20_000) }
        XCTAssertTrue(FileManager.default.fileExists(atPath: manifest), "no checkpoint appeared: \(job.stderr)")
        let nodes = children(of: job.process.processIdentifier)
        XCTAssertEqual(nodes.count, 2, "brazosrun should have two node processes")
        if let victim = nodes.last { kill(victim, SIGKILL) }
        let status = job.waitForExit(timeout: 60)
        XCTAssertNotEqual(status, 0, "a job with a killed node must fail: \(job.stderr)")
        XCTAssertFalse(job.stdout.contains("checksum"), "the killed job must not have finished")

        for (nodes, threads) in [(2, 2), (1, 4), (4, 1)] {
            let restarted = try JobProcess(brazosrun, ["restart", "--checkpoint-dir", directory, "-n", "\(nodes)", "-T", "\(threads)", sor] + arguments)
            XCTAssertEqual(restarted.waitForExit(timeout: 120), 0, restarted.stderr)
            XCTAssertEqual(restarted.stdout, expected, "restart on \(nodes)x\(threads): \(restarted.stderr)")
            XCTAssertTrue(restarted.stderr.contains("sor: resumed at step"), "the restart must resume, not start over: \(restarted.stderr)")
        }

        // Another program's arguments, or another thread count: refused, saying what differs.
        let refused = try JobProcess(brazosrun, ["restart", "--checkpoint-dir", directory, "-n", "3", sor] + arguments)
        XCTAssertEqual(refused.waitForExit(timeout: 30), 2)
        XCTAssertTrue(refused.stderr.contains("3 threads (the checkpoint has 4"), refused.stderr)
    }

    func testWaterRestartsFromItsLatestCheckpointOnFewerAndMoreNodes() throws {
        let water = JobProcess.built("water")
        let arguments = ["--molecules", "200", "--steps", "6", "--checkpoint-every", "2"]
        let expected = try JobProcess.runToSuccess(brazosrun, ["-n", "2", water] + arguments.prefix(4))
        let checkpointed = try JobProcess.runToSuccess(brazosrun, ["-n", "2", "--checkpoint-dir", directory, water] + arguments)
        XCTAssertEqual(checkpointed, expected, "checkpoints must not change the results")
        for (nodes, threads) in [(1, 2), (2, 1)] {
            let restarted = try JobProcess(brazosrun, ["restart", "--checkpoint-dir", directory, "-n", "\(nodes)", "-T", "\(threads)", water] + arguments)
            XCTAssertEqual(restarted.waitForExit(timeout: 120), 0, restarted.stderr)
            XCTAssertEqual(restarted.stdout, expected, "restart on \(nodes)x\(threads): \(restarted.stderr)")
            XCTAssertTrue(restarted.stderr.contains("water: resumed at step 4"), restarted.stderr)
        }
    }

    func testANodeKilledAfterACheckpointIsRecoveredFromByTheLauncherItself() throws {
        let arguments = ["--size", "200", "--steps", "2000", "--checkpoint-every", "500"]
        let expected = try JobProcess.runToSuccess(brazosrun, ["-n", "2", sor] + arguments.prefix(4))
        let job = try JobProcess(brazosrun, ["-n", "2", "--checkpoint-dir", directory, sor] + arguments)
        let manifest = directory + "/epoch-000001/MANIFEST"
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: manifest) && Date() < deadline && job.process.isRunning { usleep(20_000) }
        let nodes = children(of: job.process.processIdentifier)
        XCTAssertEqual(nodes.count, 2, job.stderr)
        if let victim = nodes.last { kill(victim, SIGKILL) }
        XCTAssertEqual(job.waitForExit(timeout: 120), 0, job.stderr)
        XCTAssertEqual(job.stdout, expected)
        XCTAssertTrue(job.stderr.contains("failed (was killed by SIGKILL); recovering from checkpoint epoch"), job.stderr)
        XCTAssertTrue(job.stderr.contains("sor: resumed at step"), job.stderr)
    }

    func testIntervalAndOnDemandCheckpointsAtEligibleBarriers() throws {
        let arguments = ["--size", "150", "--steps", "3000"]
        let expected = try JobProcess.runToSuccess(brazosrun, ["-n", "2", sor] + arguments)
        // On an interval: several checkpoints, and the results are unchanged.
        let interval = try JobProcess.runToSuccess(brazosrun, ["-n", "2", "--checkpoint-dir", directory, "--checkpoint-every", "100ms", sor] + arguments)
        XCTAssertEqual(interval, expected)
        let epochs = (try? FileManager.default.contentsOfDirectory(atPath: directory))?.filter { $0.hasPrefix("epoch-") } ?? []
        XCTAssertGreaterThanOrEqual(epochs.count, 2, "interval checkpoints were taken (the last two are kept)")
        // On demand: `brazosrun checkpoint JOB` while the job runs.
        let demandDirectory = directory + "-demand"
        defer { try? FileManager.default.removeItem(atPath: demandDirectory) }
        let job = try JobProcess(brazosrun, ["-n", "2", "--checkpoint-dir", demandDirectory, sor, "--size", "150", "--steps", "20000"])
        let manifest = demandDirectory + "/epoch-000001/MANIFEST"
        let deadline = Date().addingTimeInterval(60)
        // The job id brazosrun prints is when requests may be sent.
        while !job.stderr.contains("brazosrun: job") && Date() < deadline && job.process.isRunning { usleep(20_000) }
        while !FileManager.default.fileExists(atPath: manifest) && Date() < deadline && job.process.isRunning {
            _ = try JobProcess.runToSuccess(brazosrun, ["checkpoint", "\(job.process.processIdentifier)"])
            usleep(200_000)
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: manifest), "no checkpoint on demand: \(job.stderr)")
        job.stop()
        _ = job.waitForExit(timeout: 30)
        let refused = try JobProcess(brazosrun, ["checkpoint", "\(getpid())"])
        XCTAssertEqual(refused.waitForExit(timeout: 30), 1, "only a brazosrun is signalled")
    }

    func testAHungNodeIsFoundByItsMissingHeartbeatsAndTheJobRecovers() throws {
        let arguments = ["--size", "200", "--steps", "2000", "--checkpoint-every", "500"]
        let expected = try JobProcess.runToSuccess(brazosrun, ["-n", "2", sor] + arguments.prefix(4))
        let job = try JobProcess(brazosrun, ["-n", "2", "--heartbeat", "200ms", "--checkpoint-dir", directory, sor] + arguments)
        let manifest = directory + "/epoch-000001/MANIFEST"
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: manifest) && Date() < deadline && job.process.isRunning { usleep(20_000) }
        let nodes = children(of: job.process.processIdentifier)
        XCTAssertEqual(nodes.count, 2, job.stderr)
        // Hung, not dead: the process stays, only its heartbeats stop.
        if let victim = nodes.last { kill(victim, SIGSTOP) }
        XCTAssertEqual(job.waitForExit(timeout: 120), 0, job.stderr)
        XCTAssertEqual(job.stdout, expected)
        XCTAssertTrue(job.stderr.contains("sent no heartbeat for 2 s (hung or cut off)"), job.stderr)
        XCTAssertTrue(job.stderr.contains("recovering from checkpoint epoch"), job.stderr)
    }

    func testARequestInProgressAtACheckpointIsAnError() throws {
        let job = try JobProcess(brazosrun, ["-n", "2", "--checkpoint-dir", directory, "--no-auto-recover", JobProcess.built("dsm-check"), "--pending-at-checkpoint"])
        XCTAssertNotEqual(job.waitForExit(timeout: 60), 0)
        XCTAssertTrue(job.stderr.contains("rank 1 reached a checkpointing barrier with 1 non-blocking operation in progress"), job.stderr)
        XCTAssertFalse(job.stdout.contains("rank 1: the pending receive went unnoticed"), job.stdout)
    }
}
