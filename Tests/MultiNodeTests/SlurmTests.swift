import Foundation
import XCTest

/// The same binaries started by Slurm's srun, on a single-host Slurm that the test
/// starts and stops itself (scripts/slurm-local): through PMIx, and without it through
/// the file rendezvous.
final class SlurmTests: XCTestCase {
    private var slurm: LocalSlurm?

    override func setUpWithError() throws {
        slurm = try LocalSlurm()
    }

    override func tearDown() {
        slurm?.stop()
    }

    func testSrunWithPMIxAndWithout() throws {
        let slurm = try XCTUnwrap(slurm)
        let withPMIx = try JobProcess.runToSuccess("/usr/bin/srun", ["-n", "3", "--mpi=pmix", JobProcess.built("p2p-check"), "--links"],
                                                   environment: slurm.environment)
        XCTAssertTrue(withPMIx.contains("p2p-check ok: 3 ranks"), withPMIx)
        XCTAssertTrue(withPMIx.contains("node1=SharedMemoryLink"), withPMIx)

        let rendezvous = slurm.directory.appendingPathComponent("rendezvous")
        try FileManager.default.createDirectory(at: rendezvous, withIntermediateDirectories: true)
        var plain = slurm.environment
        plain["BRAZOS_RENDEZVOUS_DIR"] = rendezvous.path
        let withoutPMIx = try JobProcess.runToSuccess("/usr/bin/srun", ["-n", "3", "--mpi=none", JobProcess.built("ring"), "--laps", "20"],
                                                      environment: plain)
        XCTAssertTrue(withoutPMIx.contains("ring ok: 3 ranks, 20 laps"), withoutPMIx)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: rendezvous.path), [], "the rendezvous left files behind")
    }

    /// Checkpoints of a job srun started, coordinated inside the job (node 0 writes the
    /// manifests); a rank killed with kill -9 ends the step, and running the same command
    /// again continues it from the newest complete checkpoint.
    func testACheckpointedJobKilledUnderSrunContinuesWhenRunAgain() throws {
        let slurm = try XCTUnwrap(slurm)
        let directory = slurm.directory.appendingPathComponent("checkpoints").path
        let check = JobProcess.built("message-checkpoint-check")
        let arguments = ["--cells", "2000", "--steps", "6000"]
        let expected = try JobProcess.runToSuccess("/usr/bin/srun", ["-n", "3", "--mpi=pmix", check] + arguments, environment: slurm.environment)
        XCTAssertTrue(expected.hasPrefix("checksum: "), expected)
        let command = ["-n", "3", "--mpi=pmix", "--export=ALL,BRAZOS_CHECKPOINT_DIR=\(directory)", check] + arguments + ["--checkpoint-every", "500"]
        let job = try JobProcess("/usr/bin/srun", command, environment: slurm.environment)
        // The ranks are slurmstepd's children, not srun's: this job's are those whose
        // environment names its checkpoint directory.
        _ = job.nodes(once: 1, in: directory)
        let ranks = processes(withEnvironment: "BRAZOS_CHECKPOINT_DIR=\(directory)")
        XCTAssertEqual(ranks.count, 3, job.stderr)
        if let victim = ranks.last { kill(victim, SIGKILL) }
        XCTAssertNotEqual(job.waitForExit(timeout: 120), 0, "srun must fail when a rank is killed: \(job.stderr)")

        let again = try JobProcess("/usr/bin/srun", command, environment: slurm.environment)
        XCTAssertEqual(again.waitForExit(timeout: 120), 0, again.stderr)
        XCTAssertEqual(again.stdout, expected, again.stderr)
        XCTAssertTrue(again.stderr.contains("brazos: continuing from checkpoint epoch "), again.stderr)
        XCTAssertTrue(again.stderr.contains("message-checkpoint-check: resumed at step "), again.stderr)
    }

    /// The processes whose environment holds `entry`, by PID.
    private func processes(withEnvironment entry: String) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.filter { pid in
            guard let environment = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return false }
            return environment.split(separator: 0).contains { String(decoding: $0, as: UTF8.self) == entry }
        }.sorted()
    }
}
