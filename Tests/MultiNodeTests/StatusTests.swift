import Checkpoint
import Foundation
import XCTest

/// `brazosrun status JOB`: what a running job says of itself, checked against what the
/// test knows of it (its node processes, its checkpoints, a node that joined).
final class StatusTests: XCTestCase {
    let brazosrun = JobProcess.built("brazosrun")

    func testStatusShowsTheNodesTheLastCheckpointAndANodeThatJoined() throws {
        let directory = NSTemporaryDirectory() + "brazos-status-\(getpid())-\(UInt32.random(in: 0 ... .max))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let sor = JobProcess.built("sor")
        let job = try JobProcess(brazosrun, ["-n", "3", "-T", "2", "--migratable", "--checkpoint-dir", directory, "--checkpoint-every", "200ms",
                                             sor, "--size", "100", "--steps", "6000"])
        defer { job.stop() }
        let pid = job.process.processIdentifier
        let nodes = job.nodes(once: 1, in: directory)
        let first = try ask(["status", "\(pid)"])
        XCTAssertTrue(first.hasPrefix("job \(pid): \(sor) --size 100 --steps 6000"), first)
        XCTAssertTrue(first.contains("3 nodes x 2 threads, --migratable, checkpoints in \(directory)"), first)
        XCTAssertTrue(first.contains("last complete checkpoint: epoch "), first)
        XCTAssertTrue(first.contains("recoveries: 0"), first)
        for node in nodes {
            XCTAssertTrue(first.contains(" \(node) "), "node process \(node) is not listed: \(first)")
        }

        var answer = ""
        for _ in 0..<400 where !answer.hasPrefix("ok") {
            answer = try ask(["join", "\(pid)"])
            if !answer.hasPrefix("ok") { usleep(50_000) }
        }
        XCTAssertTrue(job.waitForDiagnostic(containing: "node 3 (on localhost) joined the job: admitted", timeout: 120), job.stderr)
        // The joined node reports once its heartbeat comes; a thread has moved there.
        var status = ""
        for _ in 0..<100 {
            status = try ask(["status", "\(pid)"])
            if status.contains("nodes joined: 1") && row(3, of: status)?.contains("running   1") == true { break }
            usleep(100_000)
        }
        XCTAssertTrue(status.contains("migrations this attempt: 1 thread move; nodes joined: 1, drained: 0"), status)
        guard let joined = job.child(node: 3), let line = row(3, of: status) else { return XCTFail("node 3 is not listed: \(status)") }
        XCTAssertTrue(line.contains("localhost") && line.contains(" \(joined) ") && line.contains("running   1"), line)
        XCTAssertTrue(row(2, of: status)?.contains("running   1") == true, "node 2 gave rank 5 away: \(status)")

        let unknown = try JobProcess(brazosrun, ["status", "1"])
        XCTAssertEqual(unknown.waitForExit(timeout: 30), 1)
        XCTAssertTrue(unknown.stderr.contains("no running brazosrun job 1 on this machine"), unknown.stderr)
    }

    /// A job of 4 threads stopped after a checkpoint and restarted on 3 nodes: the status
    /// says 2,1,1 and each node reports the threads it runs.
    func testStatusOfAJobRestartedOnThreeNodesShowsTheirUnevenThreads() throws {
        let directory = NSTemporaryDirectory() + "brazos-status-uneven-\(getpid())-\(UInt32.random(in: 0 ... .max))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let sor = JobProcess.built("sor")
        let arguments = ["--size", "100", "--steps", "6000", "--checkpoint-every", "50"]
        let original = try JobProcess(brazosrun, ["-n", "2", "-T", "2", "--checkpoint-dir", directory, sor] + arguments)
        defer { original.stop() }
        _ = original.nodes(once: 1, in: directory)
        kill(original.process.processIdentifier, SIGTERM)
        XCTAssertEqual(original.waitForExit(timeout: 120), 0, original.stderr)
        XCTAssertTrue(original.stderr.contains("job stopped after checkpoint epoch"), original.stderr)
        let stoppedAt = try XCTUnwrap(CheckpointStore(existing: directory).newestComplete()).manifest.epoch

        let job = try JobProcess(brazosrun, ["restart", "--checkpoint-dir", directory, "-n", "3", sor] + arguments)
        defer { job.stop() }
        let pid = job.process.processIdentifier
        XCTAssertEqual(job.nodes(once: stoppedAt + 1, in: directory).count, 3, job.stderr)
        var status = ""
        for _ in 0..<100 {
            status = try ask(["status", "\(pid)"])
            if (0..<3).allSatisfy({ row($0, of: status)?.contains("running   ") == true && row($0, of: status)?.contains("running   -") == false }) { break }
            usleep(100_000)
        }
        XCTAssertTrue(status.contains("3 nodes with 2,1,1 threads, checkpoints in \(directory)"), status)
        for (node, threads) in [(0, 2), (1, 1), (2, 1)] {
            XCTAssertTrue(row(node, of: status)?.contains("running   \(threads)") == true, "node \(node) should run \(threads): \(status)")
        }
    }

    /// The line of node `node` in a status report.
    private func row(_ node: Int, of status: String) -> String? {
        status.split(separator: "\n").first { $0.hasPrefix("  \(node)    ") }.map(String.init)
    }

    private func ask(_ arguments: [String]) throws -> String {
        let request = try JobProcess(brazosrun, arguments)
        _ = request.waitForExit(timeout: 30)
        return request.stdout
    }
}
