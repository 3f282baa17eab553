import Foundation
import XCTest

/// Threads that move between the nodes of a running job (`brazosrun --migratable`): their
/// messages, order, shared-memory writes and files follow them, the examples keep their
/// failure-free results, and checkpoints taken after moves recover a killed node.
final class MigrationJobTests: XCTestCase {
    let brazosrun = JobProcess.built("brazosrun")
    let migrateCheck = JobProcess.built("migrate-check")
    private var directory = ""

    override func setUp() { directory = NSTemporaryDirectory() + "brazos-migrate-\(getpid())-\(UInt32.random(in: 0 ... .max))" }
    override func tearDown() { try? FileManager.default.removeItem(atPath: directory) }

    func testAThreadMovesInTheMiddleOfMessagesWithItsOrderItsWritesAndItsFile() throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // Rings on one host; TCP, where a node also hosts nothing while the thread is away.
        for (nodes, arguments) in [(3, ["-n", "3", "-T", "2"]), (4, ["-n", "4", "--transport", "tcp"])] {
            let hops = 2 * nodes + 1, file = "\(directory)/hops-\(nodes).txt"
            let output = try JobProcess.runToSuccess(brazosrun, arguments + ["--migratable", migrateCheck, "--file", file, "--hops", "\(hops)"])
            XCTAssertTrue(output.contains("migrate-check: refusals ok"), output)
            XCTAssertTrue(output.contains("migrate-check: ok, \(hops) hops, \(60 * (nodes * (nodes == 3 ? 2 : 1) - 1)) messages in order"), output)
            let written = try String(contentsOfFile: file, encoding: .utf8)
            XCTAssertEqual(written, (0...hops).map { "hop \($0) on node \($0 % nodes)\n" }.joined(), "the file must follow the thread, line after line")
        }
    }

    /// A rank moves every other step, right after the fence that opens an epoch (the
    /// others' accesses follow it) or between epochs; its window's memory, fence counts
    /// and counters go along (window-move-check compares them with the failure-free values).
    func testAWindowIsUsedAcrossItsRanksMoves() throws {
        for (ranks, arguments) in [(6, ["-n", "3", "-T", "2"]), (4, ["-n", "4", "--transport", "tcp"])] {
            let output = try JobProcess.runToSuccess(brazosrun, arguments + ["--migratable", JobProcess.built("window-move-check"), "--steps", "10"])
            XCTAssertTrue(output.contains("window-move-check: refusals ok"), output)
            XCTAssertTrue(output.contains("window-move-check ok: \(ranks) ranks, 10 steps, 10 moves"), output)
        }
    }

    func testAMoveInAJobNotStartedMigratableIsAClearError() throws {
        let job = try JobProcess(brazosrun, ["-n", "2", migrateCheck, "--file", directory + ".txt"])
        XCTAssertEqual(job.waitForExit(timeout: 60), 1, job.stderr)
        XCTAssertTrue(job.stderr.contains("start it with brazosrun --migratable"), job.stderr)
        try? FileManager.default.removeItem(atPath: directory + ".txt")
    }

    func testSorAndWaterWithThreadsMovingEveryFewStepsGiveTheFailureFreeResults() throws {
        let sor = JobProcess.built("sor"), water = JobProcess.built("water")
        let sorArguments = ["--size", "160", "--steps", "40"]
        let sorExpected = try JobProcess.runToSuccess(brazosrun, ["-n", "1", "-T", "4", sor] + sorArguments)
        for layout in [["-n", "2", "-T", "2"], ["-n", "4", "--transport", "tcp"]] {
            let moved = try JobProcess(brazosrun, layout + ["--migratable", sor] + sorArguments + ["--migrate-every", "3"])
            XCTAssertEqual(moved.waitForExit(timeout: 120), 0, moved.stderr)
            XCTAssertEqual(moved.stdout, sorExpected, "sor \(layout) with moving threads: \(moved.stderr)")
            XCTAssertTrue(moved.stderr.contains("since rank 0 last moved") || layout.contains("4"), "rank 0 must have moved: \(moved.stderr)")
        }
        // The load balancer switched on: whatever it decides from the timings, the result holds.
        let balanced = try JobProcess.runToSuccess(brazosrun, ["-n", "3", "-T", "2", "--migratable", sor] + sorArguments + ["--balance-every", "2"])
        XCTAssertEqual(balanced, sorExpected, "sor with the load balancer on")
        let waterArguments = ["--molecules", "200", "--steps", "6"]
        let waterExpected = try JobProcess.runToSuccess(brazosrun, ["-n", "1", "-T", "4", water] + waterArguments)
        let moved = try JobProcess.runToSuccess(brazosrun, ["-n", "2", "-T", "2", "--migratable", water] + waterArguments + ["--migrate-every", "1"])
        XCTAssertEqual(moved, waterExpected, "water with moving threads")
    }

    func testACheckpointTakenAfterMovesRecoversAKilledNodeToTheRightChecksum() throws {
        let sor = JobProcess.built("sor")
        let arguments = ["--size", "200", "--steps", "1200", "--checkpoint-every", "200", "--migrate-every", "7"]
        let expected = try JobProcess.runToSuccess(brazosrun, ["-n", "1", "-T", "4", sor] + arguments.prefix(4))
        let job = try JobProcess(brazosrun, ["-n", "2", "-T", "2", "--migratable", "--checkpoint-dir", directory, sor] + arguments)
        // Epoch 2 is taken at step 400, after 57 moves.
        let nodes = job.nodes(once: 2, in: directory)
        XCTAssertEqual(nodes.count, 2, job.stderr)
        if let victim = nodes.last { kill(victim, SIGKILL) }
        XCTAssertEqual(job.waitForExit(timeout: 180), 0, job.stderr)
        XCTAssertEqual(job.stdout, expected, job.stderr)
        XCTAssertTrue(job.stderr.contains("recovering from checkpoint epoch"), job.stderr)
        XCTAssertTrue(job.stderr.contains("sor: resumed at step"), job.stderr)
    }

    func testTheDestinationKilledDuringAMoveIsRecoveredFromAndTheThreadIsNotLost() throws {
        // Node 1 dies once a moving thread has arrived and before it runs there: the
        // thread has left node 0 and runs nowhere. The job recovers from its checkpoint,
        // where the thread is, and ends with the failure-free checksum. The first move
        // comes 110 steps after the first checkpoint: its part is written in the
        // background, and a move right after it could come before its manifest.
        let sor = JobProcess.built("sor")
        let arguments = ["--size", "160", "--steps", "300", "--checkpoint-every", "50", "--migrate-every", "160"]
        let expected = try JobProcess.runToSuccess(brazosrun, ["-n", "1", "-T", "4", sor] + arguments.prefix(4))
        let marker = directory + "-arrival-fault"
        defer { try? FileManager.default.removeItem(atPath: marker) }
        let job = try JobProcess(brazosrun, ["-n", "2", "-T", "2", "--migratable", "-x", "BRAZOS_FAULT=arriving:1:\(marker)",
                                             "--checkpoint-dir", directory, sor] + arguments)
        XCTAssertEqual(job.waitForExit(timeout: 180), 0, job.stderr)
        XCTAssertEqual(job.stdout, expected, job.stderr)
        XCTAssertTrue(job.stderr.contains("killing this node as rank 1 arrives from node 0, before it runs"), job.stderr)
        XCTAssertTrue(job.stderr.contains("node 1 failed"), job.stderr)
        XCTAssertTrue(job.stderr.contains("recovering from checkpoint epoch "), job.stderr)
    }

    func testANodeJoinsAndAnotherDrainsDuringSorWhichEndsWithTheRightChecksum() throws {
        let sor = JobProcess.built("sor")
        let arguments = ["--size", "100", "--steps", "6000"]
        let expected = try JobProcess.runToSuccess(brazosrun, ["-n", "1", "-T", "6", sor] + arguments)
        let job = try JobProcess(brazosrun, ["-n", "3", "-T", "2", "--migratable", sor] + arguments)
        assertAnswer(try request(job, ["join"]), "ok: node 3 (on localhost) joins", job: job)
        assertAnswer(try request(job, ["drain", "--node", "1"]), "refused: node 3 is joining", job: job)
        XCTAssertTrue(job.waitForDiagnostic(containing: "node 3 (on localhost) joined the job: admitted", timeout: 120), job.stderr)
        assertAnswer(try request(job, ["drain", "--node", "1"]), "ok: node 1 drains", job: job)
        XCTAssertTrue(job.waitForDiagnostic(containing: "node 1 drained", timeout: 120), job.stderr)
        // A second node joins after the drain: it learns where the drained node's ranks went.
        assertAnswer(try request(job, ["join"]), "ok: node 4 (on localhost) joins", job: job)
        XCTAssertTrue(job.waitForDiagnostic(containing: "node 4 (on localhost) joined the job: admitted", timeout: 120), job.stderr)
        XCTAssertEqual(job.waitForExit(timeout: 300), 0, job.stderr)
        XCTAssertEqual(job.stdout, expected, job.stderr)
        XCTAssertTrue(job.stderr.contains("brazos: admitting node 3: rank 5 moves there"), job.stderr)
        XCTAssertTrue(job.stderr.contains("brazos: admitting node 4: rank"), job.stderr)
        // Joining nodes of this host reach the others through shared memory (node 4: not
        // the drained node 1), and have no TCP connection to them that messages could take.
        XCTAssertTrue(job.stderr.contains("brazos: node 3 joins: reaches nodes 0,1,2 through shared memory\n"), job.stderr)
        XCTAssertTrue(job.stderr.contains("brazos: node 4 joins: reaches nodes 0,2,3 through shared memory\n"), job.stderr)
        XCTAssertFalse(job.stderr.contains("failed"), job.stderr)
    }

    func testACheckpointAfterAJoinRecoversTheJoinedNodesKillToTheRightChecksum() throws {
        let sor = JobProcess.built("sor")
        let arguments = ["--size", "120", "--steps", "8000"]
        let expected = try JobProcess.runToSuccess(brazosrun, ["-n", "1", "-T", "6", sor] + arguments)
        let job = try JobProcess(brazosrun, ["-n", "3", "-T", "2", "--migratable", "--checkpoint-dir", directory, "--checkpoint-every", "300ms", sor] + arguments)
        assertAnswer(try request(job, ["join"]), "ok: node 3 (on localhost) joins", job: job)
        XCTAssertTrue(job.waitForDiagnostic(containing: "node 3 (on localhost) joined the job: admitted", timeout: 120), job.stderr)
        // A checkpoint with the joined node's part (it holds rank 5 now), then that node killed.
        XCTAssertTrue(job.waitForDiagnostic(containing: "in 4 parts", timeout: 120), job.stderr)
        guard let joined = job.child(node: 3) else { return XCTFail("no process of node 3: \(job.stderr)") }
        kill(joined, SIGKILL)
        XCTAssertEqual(job.waitForExit(timeout: 300), 0, job.stderr)
        XCTAssertEqual(job.stdout, expected, job.stderr)
        XCTAssertTrue(job.stderr.contains("node 3 (pid \(joined) on localhost) failed: was killed by SIGKILL"), job.stderr)
        XCTAssertTrue(job.stderr.contains("recovering from checkpoint epoch"), job.stderr)
    }

    func testJoinRefusalsAndANodeNeverAdmittedLeavesWhenTheJobEnds() throws {
        let sor = JobProcess.built("sor")
        let still = try JobProcess(brazosrun, ["-n", "2", sor, "--size", "100", "--steps", "6000"])
        assertAnswer(try request(still, ["join"]), "was not started with --migratable", job: still)
        still.stop()
        let single = try JobProcess(brazosrun, ["-n", "2", "--migratable", sor, "--size", "100", "--steps", "6000"])
        assertAnswer(try request(single, ["join"]), "refused: the job's 2 threads are one per node already", job: single)
        single.stopAndCheckNothingIsLeft()
        // With --residual, sor has no barrier at which threads may move: the node that
        // joins is never admitted, and leaves cleanly when the job ends.
        let arguments = ["--size", "100", "--steps", "3000", "--residual"]
        let expected = try JobProcess.runToSuccess(brazosrun, ["-n", "1", "-T", "4", sor] + arguments)
        let job = try JobProcess(brazosrun, ["-n", "2", "-T", "2", "--migratable", sor] + arguments)
        let incomplete = try JobProcess(brazosrun, ["join", "\(job.process.processIdentifier)", "--host"])
        XCTAssertEqual(incomplete.waitForExit(timeout: 30), 2, incomplete.stderr)
        XCTAssertTrue(incomplete.stderr.contains("Usage: brazosrun join <JOB> [--host <H>]"), incomplete.stderr)
        assertAnswer(try request(job, ["join"]), "ok: node 2 (on localhost) joins", job: job)
        XCTAssertEqual(job.waitForExit(timeout: 300), 0, job.stderr)
        XCTAssertEqual(job.stdout, expected, job.stderr)
        XCTAssertTrue(job.stderr.contains("brazos: node 2: the job ended before this node was admitted; leaving"), job.stderr)
        XCTAssertFalse(job.stderr.contains("failed"), job.stderr)
    }

    /// `brazosrun drain JOB --node K`'s answer, asked again while the job is starting (its
    /// job-control socket not there yet, or its nodes not all running).
    private func drain(_ job: JobProcess, node: Int) throws -> String {
        try request(job, ["drain", "--node", "\(node)"])
    }

    /// The answer to `brazosrun VERB JOB ARGUMENTS` (`words`: the verb, then the
    /// arguments), asked again while the job is starting.
    private func request(_ job: JobProcess, _ words: [String]) throws -> String {
        for _ in 0..<400 {
            let request = try JobProcess(brazosrun, [words[0], "\(job.process.processIdentifier)"] + words.dropFirst())
            _ = request.waitForExit(timeout: 30)
            if !request.stdout.isEmpty && !request.stdout.contains("still starting") { return request.stdout }
            usleep(50_000)
        }
        return "the job never started"
    }

    private func assertAnswer(_ answer: String, _ expected: String, job: JobProcess? = nil, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(answer.contains(expected), "answer '\(answer)', expected '\(expected)'; the job said: \(job?.stderr ?? "")", file: file, line: line)
    }

    func testDrainedNodesLeaveWhileSorGoesOnToTheRightChecksumAndTheLastNodeStays() throws {
        let sor = JobProcess.built("sor")
        let arguments = ["--size", "100", "--steps", "6000"]
        let expected = try JobProcess.runToSuccess(brazosrun, ["-n", "1", "-T", "6", sor] + arguments)
        let job = try JobProcess(brazosrun, ["-n", "3", "-T", "2", "--migratable", sor] + arguments)
        assertAnswer(try drain(job, node: 9), "refused: node 9 is not in the job")
        assertAnswer(try drain(job, node: 1), "ok: node 1 drains", job: job)
        XCTAssertTrue(job.waitForDiagnostic(containing: "node 1 drained", timeout: 120), job.stderr)
        assertAnswer(try drain(job, node: 1), "refused: node 1 has drained already")
        // Node 0 too: its rank 0 prints the checksum from wherever it went.
        assertAnswer(try drain(job, node: 0), "ok: node 0 drains")
        XCTAssertTrue(job.waitForDiagnostic(containing: "node 0 drained", timeout: 120), job.stderr)
        assertAnswer(try drain(job, node: 2), "refused: node 2 is the job's last node")
        XCTAssertEqual(job.waitForExit(timeout: 300), 0, job.stderr)
        XCTAssertEqual(job.stdout, expected, job.stderr)
        XCTAssertTrue(job.stderr.contains("brazos: node 1: draining: "), job.stderr)

        let still = try JobProcess(brazosrun, ["-n", "2", sor] + arguments)
        assertAnswer(try drain(still, node: 1), "was not started with --migratable")
        still.stop()
    }

    /// With --residual, sor has no eligible barrier: a drain asked for waits, says so as it
    /// waits, and the job still ends cleanly with the node in it.
    func testADrainThatWaitsForAnEligibleBarrierSaysSoAndTheJobEndsCleanly() throws {
        let sor = JobProcess.built("sor")
        let job = try JobProcess(brazosrun, ["-n", "2", "-T", "2", "--migratable", sor, "--size", "100", "--steps", "2000", "--residual"],
                                 environment: ["BRAZOS_PROGRESS_SECONDS": "0"])
        assertAnswer(try drain(job, node: 1), "ok: node 1 drains", job: job)
        XCTAssertTrue(job.waitForDiagnostic(containing: "brazosrun: node 1 still draining ", timeout: 120), job.stderr)
        XCTAssertEqual(job.waitForExit(timeout: 300), 0, job.stderr)
        XCTAssertTrue(job.stdout.contains("checksum: "), job.stdout)
        XCTAssertFalse(job.stderr.contains("node 1 drained"), job.stderr)
    }

    func testACheckpointAfterADrainRecoversAKilledNodeToTheRightChecksum() throws {
        let sor = JobProcess.built("sor")
        let arguments = ["--size", "120", "--steps", "8000"]
        let expected = try JobProcess.runToSuccess(brazosrun, ["-n", "1", "-T", "6", sor] + arguments)
        let job = try JobProcess(brazosrun, ["-n", "3", "-T", "2", "--migratable", "--checkpoint-dir", directory, "--checkpoint-every", "300ms", sor] + arguments)
        assertAnswer(try drain(job, node: 2), "ok: node 2 drains", job: job)
        XCTAssertTrue(job.waitForDiagnostic(containing: "node 2 drained", timeout: 120), job.stderr)
        // A checkpoint made of the two remaining nodes' parts, then a node killed. The
        // MANIFEST is on disk before brazosrun's line reaches us, so wait for the line.
        XCTAssertTrue(job.waitForDiagnostic(containing: "in 2 parts", timeout: 120), job.stderr)
        if let victim = job.children.first { kill(victim, SIGKILL) }
        XCTAssertEqual(job.waitForExit(timeout: 300), 0, job.stderr)
        XCTAssertEqual(job.stdout, expected, job.stderr)
        XCTAssertTrue(job.stderr.contains("recovering from checkpoint epoch"), job.stderr)
    }

    func testSIGPWRToOneNodeOfAMigratableJobDrainsItWhileTheOthersRunOn() throws {
        let sor = JobProcess.built("sor")
        let arguments = ["--size", "100", "--steps", "6000"]
        let expected = try JobProcess.runToSuccess(brazosrun, ["-n", "1", "-T", "6", sor] + arguments)
        let job = try JobProcess(brazosrun, ["-n", "3", "-T", "2", "--migratable", sor] + arguments)
        // Running once brazosrun answers requests about its nodes (not "still starting").
        assertAnswer(try drain(job, node: 9), "refused: node 9 is not in the job", job: job)
        guard let victim = job.children.max() else { return XCTFail("no node processes: \(job.stderr)") }
        kill(victim, SIGPWR)
        XCTAssertEqual(job.waitForExit(timeout: 300), 0, job.stderr)
        XCTAssertEqual(job.stdout, expected, job.stderr)
        XCTAssertTrue(job.stderr.contains("got SIGPWR: draining it (its threads move to the other nodes)"), job.stderr)
        XCTAssertTrue(job.stderr.contains(" drained: its threads and pages are on the other nodes, and it left the job"), job.stderr)
        XCTAssertFalse(job.stderr.contains("failed"), job.stderr)
    }
}
