import Checkpoint
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

    /// Waits until checkpoint `epoch` of `job` is complete; then its node processes.
    private func nodes(of job: JobProcess, once epoch: Int, file: StaticString = #filePath, line: UInt = #line) -> [Int32] {
        job.nodes(once: epoch, in: directory, file: file, line: line)
    }

    func testAKilledJobRestartsFromItsCheckpointOnSameFewerAndMoreNodes() throws {
        let arguments = ["--size", "200", "--steps", "2500", "--checkpoint-every", "500"]
        let expected = try JobProcess.runToSuccess(brazosrun, ["-n", "2", "-T", "2", sor] + arguments.prefix(4))
        XCTAssertTrue(expected.hasPrefix("checksum: "), expected)

        // Run with checkpoints; once the first is complete, kill -9 a node.
        let job = try JobProcess(brazosrun, ["-n", "2", "-T", "2", "--checkpoint-dir", directory, "--no-auto-recover", sor] + arguments)
        let nodes = nodes(of: job, once: 1)
        XCTAssertEqual(nodes.count, 2, "brazosrun should have two node processes")
        if let victim = nodes.last { kill(victim, SIGKILL) }
        let status = job.waitForExit(timeout: 60)
        XCTAssertNotEqual(status, 0, "a job with a killed node must fail: \(job.stderr)")
        XCTAssertFalse(job.stdout.contains("checksum"), "the killed job must not have finished")

        // -n 3 without -T: the checkpoint's 4 threads as 2, 1, 1; the checkpoints that job
        // takes are of the job's 4 threads, which the restarts after it continue from.
        let killedAt = try XCTUnwrap(CheckpointStore(existing: directory).newestComplete()).manifest.epoch
        let uneven = try JobProcess(brazosrun, ["restart", "--checkpoint-dir", directory, "-n", "3", sor] + arguments)
        XCTAssertEqual(uneven.waitForExit(timeout: 120), 0, uneven.stderr)
        XCTAssertEqual(uneven.stdout, expected, "restart on 3 nodes: \(uneven.stderr)")
        XCTAssertTrue(uneven.stderr.contains("sor: resumed at step"), "the restart must resume, not start over: \(uneven.stderr)")
        XCTAssertTrue(uneven.stderr.contains("restarting from checkpoint epoch \(killedAt) in \(directory) on 3 nodes (threads per node 2,1,1)"), uneven.stderr)
        let unevenNewest = try XCTUnwrap(CheckpointStore(existing: directory).newestComplete()).manifest
        XCTAssertGreaterThan(unevenNewest.epoch, killedAt, "the job on 3 nodes takes checkpoints too")
        XCTAssertEqual(unevenNewest.threads, 4)

        // -T given: N x T must be the checkpoint's 4 threads.
        for (nodes, threads) in [(2, 2), (1, 4), (4, 1)] {
            let restarted = try JobProcess(brazosrun, ["restart", "--checkpoint-dir", directory, "-n", "\(nodes)", "-T", "\(threads)", sor] + arguments)
            XCTAssertEqual(restarted.waitForExit(timeout: 120), 0, restarted.stderr)
            XCTAssertEqual(restarted.stdout, expected, "restart on \(nodes)x\(threads): \(restarted.stderr)")
            XCTAssertTrue(restarted.stderr.contains("sor: resumed at step"), "the restart must resume, not start over: \(restarted.stderr)")
        }

        // Another thread count, or more nodes than threads: refused, saying what differs.
        let refused = try JobProcess(brazosrun, ["restart", "--checkpoint-dir", directory, "-n", "3", "-T", "1", sor] + arguments)
        XCTAssertEqual(refused.waitForExit(timeout: 30), 2)
        XCTAssertTrue(refused.stderr.contains("-n 3 -T 1 makes 3 threads, the checkpoint has 4 (without -T they are spread over the nodes)"), refused.stderr)
        let tooMany = try JobProcess(brazosrun, ["restart", "--checkpoint-dir", directory, "-n", "5", sor] + arguments)
        XCTAssertEqual(tooMany.waitForExit(timeout: 30), 2)
        XCTAssertTrue(tooMany.stderr.contains("-n 5 is more nodes than the checkpoint's 4 threads (every node hosts at least one)"), tooMany.stderr)
    }

    func testWaterRestartsFromItsLatestCheckpointOnFewerAndMoreNodes() throws {
        let water = JobProcess.built("water")
        let arguments = ["--molecules", "200", "--steps", "6", "--checkpoint-every", "2"]
        let expected = try JobProcess.runToSuccess(brazosrun, ["-n", "2", water] + arguments.prefix(4))
        let checkpointed = try JobProcess.runToSuccess(brazosrun, ["-n", "2", "--checkpoint-dir", directory, water] + arguments)
        XCTAssertEqual(checkpointed, expected, "checkpoints must not change the results")
        for (nodes, threads) in [(1, 2), (2, 1)] {
            let restarted = try JobProcess(brazosrun, ["restart", "--checkpoint-dir", directory, "--keep-checkpoints", "3", "-n", "\(nodes)", "-T", "\(threads)", water] + arguments)
            XCTAssertEqual(restarted.waitForExit(timeout: 120), 0, restarted.stderr)
            XCTAssertEqual(restarted.stdout, expected, "restart on \(nodes)x\(threads): \(restarted.stderr)")
            XCTAssertTrue(restarted.stderr.contains("water: resumed at step 4"), restarted.stderr)
        }
        // A corrupted newest checkpoint, then a truncated one: each is passed over, named,
        // for the newest that verifies, and the result is still the failure-free one.
        let newest = { (try? FileManager.default.contentsOfDirectory(atPath: self.directory))?.filter { $0.hasPrefix("epoch-") }.sorted().last ?? "" }
        let corrupted = "\(directory)/\(newest())/part-1.bcp"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: corrupted))
        bytes[bytes.count / 2] ^= 0x10
        try bytes.write(to: URL(fileURLWithPath: corrupted))
        let afterCorruption = try JobProcess(brazosrun, ["restart", "--checkpoint-dir", directory, "--keep-checkpoints", "3", "-n", "2", water] + arguments)
        XCTAssertEqual(afterCorruption.waitForExit(timeout: 120), 0, afterCorruption.stderr)
        XCTAssertEqual(afterCorruption.stdout, expected)
        XCTAssertTrue(afterCorruption.stderr.contains("passing over checkpoint epoch"), afterCorruption.stderr)
        XCTAssertTrue(afterCorruption.stderr.contains("checksum does not match"), afterCorruption.stderr)
        let truncated = "\(directory)/\(newest())/part-0.bcp"
        try Data(try Data(contentsOf: URL(fileURLWithPath: truncated)).prefix(100)).write(to: URL(fileURLWithPath: truncated))
        let afterTruncation = try JobProcess(brazosrun, ["restart", "--checkpoint-dir", directory, "-n", "2", water] + arguments)
        XCTAssertEqual(afterTruncation.waitForExit(timeout: 120), 0, afterTruncation.stderr)
        XCTAssertEqual(afterTruncation.stdout, expected)
        XCTAssertTrue(afterTruncation.stderr.contains("passing over checkpoint epoch"), afterTruncation.stderr)
        XCTAssertTrue(afterTruncation.stderr.contains("size or checksum differs from the manifest's"), afterTruncation.stderr)
    }

    /// A job of 4 threads continues on 3 nodes (2, 1, 1) from its checkpoint: every node
    /// process reports the ranks of its block, and the result is the failure-free one.
    func testWaterOfFourThreadsRestartsOnThreeNodesUnevenly() throws {
        let water = JobProcess.built("water")
        let arguments = ["--molecules", "200", "--steps", "6", "--checkpoint-every", "2"]
        let expected = try JobProcess.runToSuccess(brazosrun, ["-n", "2", "-T", "2", water] + arguments.prefix(4))
        let checkpointed = try JobProcess.runToSuccess(brazosrun, ["-n", "2", "-T", "2", "--checkpoint-dir", directory, water] + arguments)
        XCTAssertEqual(checkpointed, expected, "checkpoints must not change the results")
        let restarted = try JobProcess(brazosrun, ["restart", "--checkpoint-dir", directory, "--display-map", "-n", "3", water] + arguments)
        XCTAssertEqual(restarted.waitForExit(timeout: 120), 0, restarted.stderr)
        XCTAssertEqual(restarted.stdout, expected, "restart on 3 nodes: \(restarted.stderr)")
        XCTAssertTrue(restarted.stderr.contains("water: resumed at step 4"), restarted.stderr)
        for line in ["node 0 on localhost: ranks 0-1", "node 1 on localhost: rank 2", "node 2 on localhost: rank 3"] {
            XCTAssertTrue(restarted.stderr.contains(line), "\(line): \(restarted.stderr)")
        }
    }

    func testMessagesInFlightAndWrappedFilesContinueExactlyAfterAKill() throws {
        let output = directory + "-files"
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: output) }
        let steps = 24
        let job = try JobProcess(brazosrun, ["-n", "3", "--transport", "tcp", "--checkpoint-dir", directory, JobProcess.built("checkpoint-check"),
                                             "--steps", "\(steps)", "--output", output, "--work-ms", "20"])
        let nodes = nodes(of: job, once: 8)
        XCTAssertEqual(nodes.count, 3, job.stderr)
        if let victim = nodes.last { kill(victim, SIGKILL) }
        XCTAssertEqual(job.waitForExit(timeout: 120), 0, job.stderr)
        XCTAssertTrue(job.stderr.contains("recovering from checkpoint epoch"), job.stderr)
        XCTAssertTrue(job.stdout.contains("resumed at step"), "the job must continue from its checkpoint: \(job.stdout)")
        for rank in 0..<3 {
            XCTAssertTrue(job.stdout.contains("rank \(rank): \(steps) steps, every message once"), job.stdout + job.stderr)
            let written = try String(contentsOfFile: "\(output)/rank-\(rank).txt", encoding: .utf8)
            XCTAssertEqual(written, (0..<steps).map { "step \($0) from \((rank + 2) % 3)\n" }.joined(), "rank \(rank)'s file")
        }
    }

    func testSIGTERMStopsAfterACheckpointAndRestartContinues() throws {
        let arguments = ["--size", "120", "--steps", "3000"]
        let expected = try JobProcess.runToSuccess(brazosrun, ["-n", "2", sor] + arguments)
        let job = try JobProcess(brazosrun, ["-n", "2", "--checkpoint-dir", directory, sor] + arguments)
        XCTAssertTrue(job.waitForDiagnostic(containing: "brazosrun: job", timeout: 60), job.stderr)
        kill(job.process.processIdentifier, SIGTERM)
        XCTAssertEqual(job.waitForExit(timeout: 120), 0, job.stderr)
        XCTAssertTrue(job.stderr.contains("job stopped after checkpoint epoch 1; continue it with: brazosrun restart"), job.stderr)
        XCTAssertFalse(job.stdout.contains("checksum"), "a stopped job has not finished")
        let restarted = try JobProcess(brazosrun, ["restart", "--checkpoint-dir", directory, "-n", "2", sor] + arguments)
        XCTAssertEqual(restarted.waitForExit(timeout: 120), 0, restarted.stderr)
        XCTAssertEqual(restarted.stdout, expected)
        XCTAssertTrue(restarted.stderr.contains("sor: resumed at step"), restarted.stderr)
    }

    func testSIGPWRToOneNodeSavesTheJobAndContinuesItFromThatCheckpoint() throws {
        let arguments = ["--size", "120", "--steps", "4000"]
        let expected = try JobProcess.runToSuccess(brazosrun, ["-n", "2", sor] + arguments)
        let job = try JobProcess(brazosrun, ["-n", "2", "--checkpoint-dir", directory, "--checkpoint-every", "200ms", sor] + arguments)
        // Once a checkpoint shows the nodes at work, the power monitor of node 1's host speaks.
        let nodes = job.nodes(once: 1, in: directory)
        guard let victim = nodes.max() else { return XCTFail("no node processes: \(job.stderr)") }
        kill(victim, SIGPWR)
        XCTAssertEqual(job.waitForExit(timeout: 120), 0, job.stderr)
        XCTAssertEqual(job.stdout, expected, job.stderr)
        XCTAssertTrue(job.stderr.contains("SIGPWR; asking brazosrun to save the job"), job.stderr)
        XCTAssertTrue(job.stderr.contains("got SIGPWR: saving the job at its next eligible barrier"), job.stderr)
        XCTAssertTrue(job.stderr.contains("brazosrun: continuing from checkpoint epoch"), job.stderr)
        XCTAssertTrue(job.stderr.contains("sor: resumed at step"), "the job must continue from the checkpoint: \(job.stderr)")
        XCTAssertFalse(job.stderr.contains("failed"), job.stderr)
    }

    func testSIGTERMToOneNodeOfAJobWithoutCheckpointsStopsItSayingWhy() throws {
        let job = try JobProcess(brazosrun, ["-n", "2", JobProcess.built("p2p-check"), "--until-killed"])
        guard let line = job.waitForLine(containing: "rank 1 node 1 pid", timeout: 60), let victim = Int32(line.split(separator: " ").last ?? "") else {
            return XCTFail("node 1 did not start: \(job.stderr)")
        }
        kill(victim, SIGTERM)
        XCTAssertNotEqual(job.waitForExit(timeout: 60), 0, job.stderr)
        XCTAssertTrue(job.stderr.contains("got SIGTERM, and the job has no --checkpoint-dir to save it in; stopping the job"), job.stderr)
    }

    func testTheConfigurationFileSetsTheIntervalAndChangesItWhileTheJobRuns() throws {
        let config = directory + ".conf"
        defer { try? FileManager.default.removeItem(atPath: config) }
        try "checkpoint-dir \(directory)   # no interval yet\n".write(toFile: config, atomically: true, encoding: .utf8)
        let job = try JobProcess(brazosrun, ["-n", "2", "--config", config, sor, "--size", "120", "--steps", "200000"])
        XCTAssertTrue(job.waitForDiagnostic(containing: "brazosrun: job", timeout: 60), job.stderr)
        try "checkpoint-dir \(directory)\ncheckpoint-every 100ms\n".write(toFile: config, atomically: true, encoding: .utf8)
        XCTAssertTrue(job.waitForDiagnostic(containing: "changed: checkpoints every 0.1 s from now on", timeout: 30), job.stderr)
        XCTAssertTrue(job.waitForDiagnostic(containing: "checkpoint epoch 2 complete", timeout: 60), "interval checkpoints follow the change: \(job.stderr)")
        kill(job.process.processIdentifier, SIGTERM)
        XCTAssertEqual(job.waitForExit(timeout: 60), 0, job.stderr)
        XCTAssertTrue(job.stderr.contains("job stopped after checkpoint epoch"), job.stderr)
        let refused = try JobProcess(brazosrun, ["--config", config + ".missing", sor])
        XCTAssertEqual(refused.waitForExit(timeout: 30), 2)
        try "checkpoint-every soon\n".write(toFile: config, atomically: true, encoding: .utf8)
        let malformed = try JobProcess(brazosrun, ["--config", config, sor])
        XCTAssertEqual(malformed.waitForExit(timeout: 30), 2)
        XCTAssertTrue(malformed.stderr.contains("soon: not a duration"), malformed.stderr)
    }

    func testANodeKilledWhileWritingAndAnotherWhileRecoveringStillEndWithTheRightResult() throws {
        let arguments = ["--size", "200", "--steps", "2000", "--checkpoint-every", "400"]
        let expected = try JobProcess.runToSuccess(brazosrun, ["-n", "2", sor] + arguments.prefix(4))
        let marker = directory + ".restored"
        defer { try? FileManager.default.removeItem(atPath: marker) }
        // Node 1 dies half-way through its part of epoch 2: epoch 2 never completes, and
        // the recovery uses epoch 1. Node 0 then dies while restoring it: a second recovery.
        let writing = try JobProcess(brazosrun, ["-n", "2", "-x", "BRAZOS_FAULT=writing:2:1", "--checkpoint-dir", directory, sor] + arguments)
        XCTAssertEqual(writing.waitForExit(timeout: 120), 0, writing.stderr)
        XCTAssertEqual(writing.stdout, expected)
        XCTAssertTrue(writing.stderr.contains("half-way through writing its part of checkpoint epoch 2"), writing.stderr)
        XCTAssertTrue(writing.stderr.contains("recovering from checkpoint epoch 1 "), writing.stderr)
        try? FileManager.default.removeItem(atPath: directory)
        let restoring = try JobProcess(brazosrun, ["-n", "2", "-x", "BRAZOS_FAULT=restoring:0:\(marker)", "--checkpoint-dir", directory, sor]
                                       + ["--size", "200", "--steps", "2000", "--checkpoint-every", "400"])
        if let victim = nodes(of: restoring, once: 1).last { kill(victim, SIGKILL) }
        XCTAssertEqual(restoring.waitForExit(timeout: 120), 0, restoring.stderr)
        XCTAssertEqual(restoring.stdout, expected)
        XCTAssertTrue(restoring.stderr.contains("killing this node while restoring a checkpoint"), restoring.stderr)
        XCTAssertTrue(restoring.stderr.contains("(recovery 2; "), restoring.stderr)
    }

    func testANodeKilledAfterACheckpointIsRecoveredFromByTheLauncherItself() throws {
        let arguments = ["--size", "200", "--steps", "2000", "--checkpoint-every", "500"]
        let expected = try JobProcess.runToSuccess(brazosrun, ["-n", "2", sor] + arguments.prefix(4))
        // Progress reported at every step; brazosrun passes the setting on to its nodes.
        let job = try JobProcess(brazosrun, ["-n", "2", "--checkpoint-dir", directory, sor] + arguments,
                                 environment: ["BRAZOS_PROGRESS_SECONDS": "0"])
        let nodes = nodes(of: job, once: 1)
        XCTAssertEqual(nodes.count, 2, job.stderr)
        if let victim = nodes.last { kill(victim, SIGKILL) }
        XCTAssertEqual(job.waitForExit(timeout: 120), 0, job.stderr)
        XCTAssertEqual(job.stdout, expected)
        XCTAssertTrue(job.stderr.contains("failed (was killed by SIGKILL) after checkpoint epoch 1; recovering from checkpoint epoch"), job.stderr)
        XCTAssertTrue(job.stderr.contains("sor: resumed at step"), job.stderr)
        // The recovery says how far it got, in order: connected, reading, running again.
        let lines = job.stderr.split(separator: "\n")
        let connected = lines.firstIndex { $0.hasPrefix("brazosrun: recovery 1: 2 nodes started and connected, ") }
        let reading = lines.firstIndex { $0.hasPrefix("brazos: node 0: reading checkpoint epoch ") && $0.contains(" bytes (") }
        let done = lines.firstIndex { $0.hasPrefix("brazosrun: recovery 1 done: the job runs again from checkpoint epoch ") }
        XCTAssertNotNil(connected, job.stderr)
        XCTAssertNotNil(reading, job.stderr)
        XCTAssertNotNil(done, job.stderr)
        if let connected, let reading, let done { XCTAssertTrue(connected < reading && reading < done, job.stderr) }
    }

    func testAnEpochWhoseSectionsDoNotDecodeIsRefusedAndTheJobRecoversFromTheOneBefore() throws {
        let arguments = ["--size", "200", "--steps", "2000", "--checkpoint-every", "500"]
        let expected = try JobProcess.runToSuccess(brazosrun, ["-n", "2", sor] + arguments.prefix(4))
        XCTAssertEqual(try JobProcess.runToSuccess(brazosrun, ["-n", "2", "--checkpoint-dir", directory, sor] + arguments), expected)
        // The newest epoch's saved messages of rank 0 announce 2^32-1 messages and hold
        // none; the part's and the manifest's checksums are made right, so that only
        // decoding the section finds it.
        let store = try CheckpointStore(existing: directory)
        let newest = try XCTUnwrap(store.newestComplete()).manifest
        var found = false
        let sections = try store.readPart(newest, node: 0).map { section in
            guard section.name == "messages 0" else { return section }
            found = true
            return CheckpointSection(name: section.name, payload: [0xFF, 0xFF, 0xFF, 0xFF])
        }
        XCTAssertTrue(found, "node 0's part has no section 'messages 0'")
        let part = try store.writePart(epoch: newest.epoch, node: 0, sections: sections)
        var edited = newest
        edited.parts = newest.parts.map { $0.node == 0 ? part : $0 }
        try store.writeManifest(edited)
        XCTAssertEqual(store.verify(newest.epoch), .complete(edited))

        // The restart's nodes refuse it and mark it so, and the recovery that follows
        // passes over it for the epoch before.
        let restarted = try JobProcess(brazosrun, ["restart", "--checkpoint-dir", directory, "-n", "2", sor] + arguments)
        XCTAssertEqual(restarted.waitForExit(timeout: 180), 0, restarted.stderr)
        XCTAssertEqual(restarted.stdout, expected, restarted.stderr)
        XCTAssertTrue(restarted.stderr.contains("refusing epoch \(newest.epoch) in \(directory): epoch \(newest.epoch), section"), restarted.stderr)
        XCTAssertTrue(restarted.stderr.contains("recovering from checkpoint epoch \(newest.epoch - 1) "), restarted.stderr)
        XCTAssertTrue(restarted.stderr.contains("sor: resumed at step"), restarted.stderr)
        guard case let .corrupt(reason) = store.verify(newest.epoch) else { return XCTFail("\(store.verify(newest.epoch))") }
        XCTAssertTrue(reason.contains("REFUSED: refused at a restart: "), reason)
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
        let nodes = nodes(of: job, once: 1)
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
        XCTAssertTrue(job.stderr.contains("rank 1 reached a checkpoint with 1 non-blocking operation in progress"), job.stderr)
        XCTAssertFalse(job.stdout.contains("rank 1: the pending receive went unnoticed"), job.stdout)
    }
}
