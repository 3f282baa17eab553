import Checkpoint
import Foundation
import XCTest

/// The same binaries, started by OpenMPI's mpirun: wire-up goes through PMIx.
final class MpirunTests: XCTestCase {
    private func mpirun() throws -> String {
        try XCTUnwrap(["/usr/bin/mpirun", "/usr/local/bin/mpirun"].first { FileManager.default.isExecutableFile(atPath: $0) },
                      "mpirun is missing: scripts/test installs openmpi-bin")
    }

    func testSwiftProgramsCommunicateUnderMpirun() throws {
        let mpirun = try mpirun()
        let output = try JobProcess.runToSuccess(mpirun, ["--oversubscribe", "-n", "3", JobProcess.built("p2p-check"), "--links"])
        XCTAssertTrue(output.contains("p2p-check ok: 3 ranks"), output)
        XCTAssertTrue(output.contains("node1=SharedMemoryLink"), output)
        let ring = try JobProcess.runToSuccess(mpirun, ["--oversubscribe", "-n", "4", JobProcess.built("ring"), "--laps", "20"])
        XCTAssertTrue(ring.contains("ring ok: 4 ranks, 20 laps"), ring)
    }

    /// Without PMIx the nodes meet through files in a directory; it is gone afterwards.
    func testFileRendezvousWhenPMIxIsNotUsed() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("brazos-test-rendezvous-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = try JobProcess.runToSuccess(try mpirun(), [
            "--oversubscribe", "-x", "BRAZOS_WIREUP=file", "-x", "BRAZOS_RENDEZVOUS_DIR=\(directory.path)",
            "-n", "3", JobProcess.built("p2p-check"), "--links",
        ])
        XCTAssertTrue(output.contains("p2p-check ok: 3 ranks"), output)
        XCTAssertTrue(output.contains("node1=SharedMemoryLink"), output)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), [], "the rendezvous left files behind")
    }

    /// Checkpoints of a job mpirun started, coordinated inside the job (node 0 writes the
    /// manifests); a rank killed with kill -9 ends the job, and running the same command
    /// again continues it from the newest complete checkpoint.
    func testACheckpointedJobKilledUnderMpirunContinuesWhenRunAgain() throws {
        let mpirun = try mpirun()
        let directory = NSTemporaryDirectory() + "brazos-mpirun-ckpt-\(getpid())-\(UInt32.random(in: 0 ... .max))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let check = JobProcess.built("message-checkpoint-check")
        let arguments = ["--cells", "2000", "--steps", "6000"]
        let expected = try JobProcess.runToSuccess(mpirun, ["--oversubscribe", "-n", "3", check] + arguments)
        XCTAssertTrue(expected.hasPrefix("checksum: "), expected)
        let command = ["--oversubscribe", "-x", "BRAZOS_CHECKPOINT_DIR=\(directory)", "-n", "3", check] + arguments + ["--checkpoint-every", "500"]
        let job = try JobProcess(mpirun, command)
        let ranks = job.nodes(once: 1, in: directory)
        XCTAssertEqual(ranks.count, 3, job.stderr)
        if let victim = ranks.last { kill(victim, SIGKILL) }
        XCTAssertNotEqual(job.waitForExit(timeout: 60), 0, "mpirun must fail when a rank is killed: \(job.stderr)")
        XCTAssertFalse(job.stdout.contains("checksum"), "the killed job must not have finished")

        let again = try JobProcess(mpirun, command)
        XCTAssertEqual(again.waitForExit(timeout: 120), 0, again.stderr)
        XCTAssertEqual(again.stdout, expected, again.stderr)
        XCTAssertTrue(again.stderr.contains("brazos: continuing from checkpoint epoch "), again.stderr)
        XCTAssertTrue(again.stderr.contains("message-checkpoint-check: resumed at step "), again.stderr)
        XCTAssertNotNil(again.stderr.range(of: #"brazos: checkpoint epoch \d+ complete \((full|incremental on \d+)\): \d+ bytes in 3 parts, "#
                                                + #"\d+ of \d+ pages changed, barrier held \d+\.\d ms at most"#, options: .regularExpression),
                        "node 0 says brazosrun's line of each checkpoint: \(again.stderr)")

        // Another command in the same directory is refused, and loses nothing there.
        let other = try JobProcess(mpirun, ["--oversubscribe", "-x", "BRAZOS_CHECKPOINT_DIR=\(directory)", "-n", "2", check] + arguments)
        XCTAssertNotEqual(other.waitForExit(timeout: 60), 0)
        XCTAssertTrue(other.stderr.contains("of another job (") && other.stderr.contains("the job has 2 ranks, the checkpoint 3"), other.stderr)
        XCTAssertNotNil(try CheckpointStore(existing: directory).newestComplete(), "the refused job must leave the checkpoints alone")
    }
}
