import Foundation
import XCTest

/// A C program checkpointing through VeloC's API (Tests/Programs/veloc-heat/heat.c, built
/// here with the debug brazoscc): the failure-free answer with and without checkpoints, a
/// node killed with kill -9 after a checkpoint and half-way through writing one, the job
/// run again after it failed, a checkpoint taken at `MPIX_Checkpoint_point` when brazosrun
/// asks, and the configuration file. Every recovery must deliver the message in flight
/// across the checkpoint once (the program fails otherwise) and give back the routed file.
/// api.c checks VeloC's refusals and its selective checkpoint and restore.
final class VelocTests: XCTestCase {
    let brazosrun = JobProcess.built("brazosrun")
    private var work = ""
    private var directory = ""
    private var heat = ""

    override func setUpWithError() throws {
        work = NSTemporaryDirectory() + "brazos-veloc-\(getpid())-\(UInt32.random(in: 0 ... .max))"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        directory = work + "/checkpoints"
        heat = try build("heat")
    }

    /// Tests/Programs/veloc-heat/NAME.c built with the debug brazoscc; the program's path.
    private func build(_ name: String) throws -> String {
        let program = "\(work)/\(name)"
        let source = JobProcess.root.appendingPathComponent("Tests/Programs/veloc-heat/\(name).c").path
        let compile = try JobProcess(JobProcess.built("brazoscc"), ["-O2", "-Wall", "-Werror", "-o", program, source])
        XCTAssertEqual(compile.waitForExit(timeout: 120), 0, "brazoscc: \(compile.stderr)")
        return program
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: work) }

    private func expectedAnswer(_ arguments: [String], nodes: Int = 3) throws -> String {
        let expected = try JobProcess.runToSuccess(brazosrun, ["-n", "\(nodes)", heat] + arguments)
        XCTAssertTrue(expected.hasPrefix("checksum: ") && expected.contains("every message once"), expected)
        return expected
    }

    func testCheckpointsDoNotChangeTheAnswerAndAreIncremental() throws {
        let arguments = ["--cells", "2000", "--steps", "3000"]
        let expected = try expectedAnswer(arguments)
        let job = try JobProcess(brazosrun, ["-n", "3", "--checkpoint-dir", directory, heat] + arguments + ["--every", "500"])
        XCTAssertEqual(job.waitForExit(timeout: 120), 0, job.stderr)
        XCTAssertEqual(job.stdout, expected, job.stderr)
        XCTAssertTrue(job.stderr.contains("checkpoint epoch 6 complete"), "one Brazos checkpoint per VELOC_Checkpoint: \(job.stderr)")
        XCTAssertTrue(job.stderr.contains("checkpoint epoch 2 complete (incremental on 1)"), job.stderr)
    }

    func testANodeKilledAfterACheckpointIsRecoveredWithTheFailureFreeAnswer() throws {
        let arguments = ["--cells", "2000", "--steps", "30000"]
        let expected = try expectedAnswer(arguments)
        let job = try JobProcess(brazosrun, ["-n", "3", "--checkpoint-dir", directory, heat] + arguments + ["--every", "2000"])
        let nodes = job.nodes(once: 1, in: directory)
        XCTAssertEqual(nodes.count, 3, job.stderr)
        if let victim = nodes.last { kill(victim, SIGKILL) }
        XCTAssertEqual(job.waitForExit(timeout: 180), 0, job.stderr)
        XCTAssertEqual(job.stdout, expected, job.stderr)
        XCTAssertTrue(job.stderr.contains("failed (was killed by SIGKILL) after checkpoint epoch"), job.stderr)
        XCTAssertTrue(job.stderr.contains("heat: resumed at step "), "the recovery must resume, not start over: \(job.stderr)")
        XCTAssertTrue(job.stderr.contains(", routed file back"), job.stderr)
    }

    func testANodeKilledWhileWritingIsRecoveredFromTheCheckpointBefore() throws {
        let arguments = ["--cells", "2000", "--steps", "3000"]
        let expected = try expectedAnswer(arguments)
        let job = try JobProcess(brazosrun, ["-n", "3", "-x", "BRAZOS_FAULT=writing:2:1", "--checkpoint-dir", directory, heat]
                                 + arguments + ["--every", "500"])
        XCTAssertEqual(job.waitForExit(timeout: 180), 0, job.stderr)
        XCTAssertEqual(job.stdout, expected, job.stderr)
        XCTAssertTrue(job.stderr.contains("half-way through writing its part of checkpoint epoch 2"), job.stderr)
        XCTAssertTrue(job.stderr.contains("recovering from checkpoint epoch 1 "), job.stderr)
        XCTAssertTrue(job.stderr.contains("heat: resumed at step 500, routed file back"), job.stderr)
    }

    /// The job ends with the failure (`--no-auto-recover`); run again, it continues from
    /// its newest checkpoint. (With `brazosrun restart` until brazosrun restarts by itself
    /// when the directory holds a checkpoint of the same program.)
    func testAJobThatFailedContinuesFromItsNewestCheckpointWhenRunAgain() throws {
        let arguments = ["--cells", "2000", "--steps", "20000", "--every", "2000"]
        let expected = try expectedAnswer(Array(arguments.prefix(4)), nodes: 2)
        let command = ["-n", "2", "--checkpoint-dir", directory, "--no-auto-recover", heat] + arguments
        let job = try JobProcess(brazosrun, command)
        if let victim = job.nodes(once: 1, in: directory).last { kill(victim, SIGKILL) }
        XCTAssertNotEqual(job.waitForExit(timeout: 120), 0, "a job with a killed node must fail: \(job.stderr)")
        XCTAssertFalse(job.stdout.contains("checksum"), "the killed job must not have finished")
        // The same command again, as VeloC's users restart.
        let again = try JobProcess(brazosrun, command)
        XCTAssertEqual(again.waitForExit(timeout: 180), 0, again.stderr)
        XCTAssertEqual(again.stdout, expected, again.stderr)
        XCTAssertTrue(again.stderr.contains("brazosrun: continuing from checkpoint epoch "), again.stderr)
        XCTAssertTrue(again.stderr.contains(", routed file back"), "the restart must resume with its routed file: \(again.stderr)")
    }

    /// A checkpoint asked for with SIGUSR1 is taken at the program's next
    /// `MPIX_Checkpoint_point`, under VeloC's name, and a recovery restarts from it.
    func testSIGUSR1TakesACheckpointAtTheNextCheckpointPoint() throws {
        let arguments = ["--cells", "2000", "--steps", "20000", "--points"]
        let expected = try expectedAnswer(Array(arguments.prefix(4)), nodes: 2)
        let job = try JobProcess(brazosrun, ["-n", "2", "--checkpoint-dir", directory, heat] + arguments)
        XCTAssertTrue(job.waitForDiagnostic(containing: "brazosrun checkpoint ", timeout: 60), job.stderr)
        kill(job.process.processIdentifier, SIGUSR1)
        let nodes = job.nodes(once: 1, in: directory)
        XCTAssertEqual(nodes.count, 2, job.stderr)
        if let victim = nodes.last { kill(victim, SIGKILL) }
        XCTAssertEqual(job.waitForExit(timeout: 180), 0, job.stderr)
        XCTAssertEqual(job.stdout, expected, job.stderr)
        XCTAssertTrue(job.stderr.contains("heat: resumed at step "), "the recovery must resume from the point's checkpoint: \(job.stderr)")
    }

    func testTheConfigurationFileIsReadAndAMalformedOneFails() throws {
        let configuration = work + "/veloc.cfg"
        try "# heat\nscratch = \(work)/scratch\npersistent = \(work)/persistent\nmode = async\nec_interval = 5\nunheard_of = 1\n"
            .write(toFile: configuration, atomically: true, encoding: .utf8)
        let plain = try JobProcess(brazosrun, ["-n", "2", heat, "--steps", "50", "--every", "10", "--config", configuration])
        XCTAssertEqual(plain.waitForExit(timeout: 60), 0, plain.stderr)
        XCTAssertTrue(plain.stderr.contains("run it with brazosrun --checkpoint-dir \(work)/persistent"), plain.stderr)
        XCTAssertTrue(plain.stderr.contains("line 5: ec_interval has no effect"), plain.stderr)
        XCTAssertTrue(plain.stderr.contains("line 6: unknown key \"unheard_of\", ignored"), plain.stderr)

        try "scratch = /tmp\nthis line has no equals sign\n".write(toFile: configuration, atomically: true, encoding: .utf8)
        let malformed = try JobProcess(brazosrun, ["-n", "2", heat, "--steps", "50", "--config", configuration])
        XCTAssertNotEqual(malformed.waitForExit(timeout: 60), 0, malformed.stderr)
        XCTAssertTrue(malformed.stderr.contains("\(configuration), line 2: \"this line has no equals sign\" is not `key = value`"), malformed.stderr)
        XCTAssertTrue(malformed.stderr.contains("VELOC_Init failed"), malformed.stderr)
    }

    /// Under mpirun, with no brazosrun: VeloC's `persistent` directory holds the
    /// checkpoints (the job's node 0 writes the manifests); a rank killed with kill -9
    /// ends the job, and the same command run again continues it.
    func testUnderMpirunTheConfigurationsPersistentDirectoryHoldsCheckpointsAndARunAgainContinues() throws {
        let mpirun = try XCTUnwrap(["/usr/bin/mpirun", "/usr/local/bin/mpirun"].first { FileManager.default.isExecutableFile(atPath: $0) })
        let configuration = work + "/veloc.cfg"
        try "persistent = \(directory)\nscratch = \(work)/scratch\nmax_versions = 3\n".write(toFile: configuration, atomically: true, encoding: .utf8)
        let arguments = ["--cells", "2000", "--steps", "30000"]
        let expected = try expectedAnswer(arguments, nodes: 3)
        let command = ["--oversubscribe", "-n", "3", heat] + arguments + ["--every", "2000", "--config", configuration]
        let job = try JobProcess(mpirun, command)
        let ranks = job.nodes(once: 1, in: directory)
        XCTAssertEqual(ranks.count, 3, job.stderr)
        if let victim = ranks.last { kill(victim, SIGKILL) }
        XCTAssertNotEqual(job.waitForExit(timeout: 120), 0, "mpirun must fail when a rank is killed: \(job.stderr)")
        let again = try JobProcess(mpirun, command)
        XCTAssertEqual(again.waitForExit(timeout: 180), 0, again.stderr)
        XCTAssertEqual(again.stdout, expected, again.stderr)
        XCTAssertTrue(again.stderr.contains("brazos: continuing from checkpoint epoch "), again.stderr)
        XCTAssertTrue(again.stderr.contains(", routed file back"), "the run again must resume with its routed file: \(again.stderr)")
        let epochs = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasPrefix("epoch-") }
        XCTAssertLessThanOrEqual(epochs.count, 4, "max_versions = 3 keeps 3 complete epochs (and one being written): \(epochs)")
    }

    /// What VeloC's API refuses (the program checks every return code and ends with
    /// status 1 on a wrong one), a selective checkpoint, a checkpoint one rank calls
    /// unsuccessful taken by none, and a selective restore after `brazosrun restart`.
    func testTheAPIsRefusalsAndSelectiveCheckpointsAndRestores() throws {
        let api = try build("api")
        let first = try JobProcess(brazosrun, ["-n", "2", "--checkpoint-dir", directory, api])
        XCTAssertEqual(first.waitForExit(timeout: 60), 0, first.stderr)
        XCTAssertEqual(first.stdout, "api: first run ok\n", first.stderr)
        XCTAssertTrue(first.stderr.contains("VELOC_Init: the communicator has 1 of the job's 2 ranks: Brazos checkpoints are job-wide"), first.stderr)
        XCTAssertTrue(first.stderr.contains("VELOC_Checkpoint_end: checkpoint api version 6: 1 rank did not succeed"), first.stderr)
        XCTAssertTrue(first.stderr.contains("checkpoint epoch 1 complete"), first.stderr)
        XCTAssertFalse(first.stderr.contains("checkpoint epoch 2"), "the unsuccessful checkpoint must not be taken: \(first.stderr)")
        let again = try JobProcess(brazosrun, ["restart", "--checkpoint-dir", directory, "-n", "2", api])
        XCTAssertEqual(again.waitForExit(timeout: 60), 0, again.stderr)
        XCTAssertEqual(again.stdout, "api: restart ok\n", again.stderr)
        XCTAssertTrue(again.stderr.contains("VELOC_Restart_begin: the job restarted from api version 5, not api version 4"), again.stderr)
        XCTAssertTrue(again.stderr.contains("VELOC_Recover_selective: region 3 is not in the checkpoint"), again.stderr)
    }
}
