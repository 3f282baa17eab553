import Foundation
import XCTest

/// brazosrun inside a Slurm allocation, on a local Slurm of three nodes (three slurmd on
/// this machine, scripts/slurm-local): it takes the allocation's nodes as its hosts,
/// starts each node process as an srun step on its host, keeps the nodes it does not
/// use as spares, and recovers onto one.
final class SlurmAllocationTests: XCTestCase {
    private var slurm: LocalSlurm?
    private let brazosrun = JobProcess.built("brazosrun")

    override func setUpWithError() throws {
        slurm = try LocalSlurm(nodes: 3, prefix: "brz")
    }

    override func tearDown() {
        slurm?.stop()
    }

    /// An sbatch script runs brazosrun without hosts or -n: one node per allocated node,
    /// each an srun step there (Slurm's SLURMD_NODENAME in its environment), then a
    /// Brazos program across the allocation, and with -n 2 the third node as the spare.
    func testBrazosrunInAnSbatchScriptRunsAcrossTheAllocation() throws {
        let slurm = try XCTUnwrap(slurm)
        let script = slurm.directory.appendingPathComponent("job.sh"), output = slurm.directory.appendingPathComponent("job.out")
        try """
        #!/bin/bash
        #SBATCH --nodes=3
        set -e
        \(brazosrun) --tag-output printenv SLURMD_NODENAME
        \(brazosrun) -T 2 --display-map \(JobProcess.built("p2p-check")) --links
        \(brazosrun) -n 2 --tag-output \(JobProcess.built("ring")) --laps 20
        """.write(to: script, atomically: true, encoding: .utf8)
        let submitted = try JobProcess.runToSuccess("/usr/bin/sbatch", ["--parsable", "--output", output.path, "--chdir", slurm.directory.path, script.path],
                                                    environment: slurm.environment)
        let job = submitted.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(try finalState(of: job, slurm: slurm), "JobState=COMPLETED ExitCode=0:0")
        let text = try String(contentsOf: output, encoding: .utf8)
        for expected in ["[rank 0] brz1", "[rank 1] brz2", "[rank 2] brz3",
                         "brazosrun: in Slurm job \(job): 3 nodes on brz1,brz2,brz3; no spare hosts",
                         "brazosrun: node 0 on brz1: ranks 0-1", "brazosrun: node 2 on brz3: ranks 4-5", "p2p-check ok: 6 ranks",
                         "brazosrun: in Slurm job \(job): 2 nodes on brz1,brz2; spare host brz3", "[rank 0] ring ok: 2 ranks, 20 laps"] {
            XCTAssertTrue(text.contains(expected), "no '\(expected)' in:\n\(text)")
        }
    }

    /// In salloc, with a checkpoint directory: node 1's process (its pid from `brazosrun
    /// status`) killed with SIGKILL; the job recovers with node 1 started by srun on the
    /// spare node, and ends with the failure-free result.
    func testANodeKilledInSallocIsRecoveredOntoTheSpareNode() throws {
        let slurm = try XCTUnwrap(slurm)
        let directory = slurm.directory.appendingPathComponent("checkpoints").path
        let sor = JobProcess.built("sor")
        let arguments = ["--size", "200", "--steps", "3000", "--checkpoint-every", "500"]
        let expected = try JobProcess.runToSuccess(brazosrun, ["-n", "2", sor] + arguments.prefix(4))
        let job = try JobProcess("/usr/bin/salloc", ["--nodes", "3", brazosrun, "-n", "2", "--heartbeat", "200ms", "--checkpoint-dir", directory, sor]
                                 + arguments, environment: slurm.environment)
        defer { job.stop() }
        XCTAssertTrue(job.waitForDiagnostic(containing: "asks for one)", timeout: 60), job.stderr)
        let announced = try XCTUnwrap(job.stderr.split(separator: "\n").first { $0.hasPrefix("brazosrun: job ") }, job.stderr)
        let launcher = try XCTUnwrap(announced.dropFirst("brazosrun: job ".count).split(separator: ";").first.flatMap { pid_t($0) }, job.stderr)
        XCTAssertTrue(job.stderr.contains("2 nodes on brz1,brz2; spare host brz3"), job.stderr)

        let manifest = directory + "/epoch-000001/MANIFEST"
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: manifest) && Date() < deadline && job.process.isRunning { usleep(5_000) }
        XCTAssertTrue(FileManager.default.fileExists(atPath: manifest), job.stderr)
        let victim = try XCTUnwrap(try node(1, of: launcher), "brazosrun status did not list node 1")
        XCTAssertEqual(victim.host, "brz2")
        XCTAssertEqual(slurmNode(of: victim.pid), "brz2", "node 1 is not an srun task on brz2")
        XCTAssertEqual(kill(victim.pid, SIGKILL), 0)

        // The replacement: node 1 again, on brz3, an srun task there.
        var replacement: (host: String, pid: pid_t)?
        while Date() < deadline && job.process.isRunning {
            // Until the node says hello, status lists its srun's pid: wait for the task's.
            if let listed = try node(1, of: launcher), listed.pid != victim.pid, listed.host == "brz3", slurmNode(of: listed.pid) != nil {
                replacement = listed
                break
            }
            usleep(20_000)
        }
        let started = try XCTUnwrap(replacement, "node 1 was not started again on brz3: \(job.stderr)")
        XCTAssertEqual(slurmNode(of: started.pid), "brz3", "the replacement is not an srun task on brz3")
        XCTAssertEqual(job.waitForExit(timeout: 120), 0, job.stderr)
        XCTAssertEqual(job.stdout, expected)
        XCTAssertTrue(job.stderr.contains("node 1 (pid"), job.stderr)
        XCTAssertTrue(job.stderr.contains("was killed by SIGKILL"), job.stderr)
        XCTAssertTrue(job.stderr.contains("with spare host brz3 in place of brz2"), job.stderr)
        XCTAssertTrue(job.stderr.contains("sor: resumed at step"), job.stderr)
        for pid in [victim.pid, started.pid] { XCTAssertNotEqual(kill(pid, 0), 0, "node process \(pid) outlived the job") }
    }

    /// A whole Slurm node lost while the job runs (Slurm marks it DOWN) in an allocation
    /// made `--no-kill`: Slurm ends the step there and keeps the job on its other nodes;
    /// brazosrun recovers onto the spare node and the result is the failure-free one.
    func testASlurmNodeMarkedDownIsRecoveredFromOnTheSpareNode() throws {
        let slurm = try XCTUnwrap(slurm)
        let directory = slurm.directory.appendingPathComponent("checkpoints").path
        let sor = JobProcess.built("sor")
        let arguments = ["--size", "200", "--steps", "3000", "--checkpoint-every", "500"]
        let expected = try JobProcess.runToSuccess(brazosrun, ["-n", "2", sor] + arguments.prefix(4))
        let job = try JobProcess("/usr/bin/salloc", ["--nodes", "3", "--no-kill", brazosrun, "-n", "2", "--heartbeat", "200ms",
                                                     "--checkpoint-dir", directory, sor] + arguments, environment: slurm.environment)
        defer { job.stop() }
        let manifest = directory + "/epoch-000001/MANIFEST"
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: manifest) && Date() < deadline && job.process.isRunning { usleep(5_000) }
        XCTAssertTrue(FileManager.default.fileExists(atPath: manifest), job.stderr)
        try JobProcess.runToSuccess("/usr/bin/scontrol", ["update", "nodename=brz2", "state=down", "reason=brazos-test"], environment: slurm.environment)
        XCTAssertEqual(job.waitForExit(timeout: 120), 0, job.stderr)
        XCTAssertEqual(job.stdout, expected)
        XCTAssertTrue(job.stderr.contains("Node failure on brz2"), job.stderr)
        XCTAssertTrue(job.stderr.contains("brazosrun: node 1 (pid"), job.stderr)
        XCTAssertTrue(job.stderr.contains("with spare host brz3 in place of brz2"), job.stderr)
        XCTAssertTrue(job.stderr.contains("sor: resumed at step"), job.stderr)
    }

    /// The batch job's state and exit code once it has ended (`sbatch --wait` would do, but
    /// it looks only every few seconds, and up to 10 s late).
    private func finalState(of job: String, slurm: LocalSlurm) throws -> String? {
        let deadline = Date().addingTimeInterval(180)
        while Date() < deadline {
            let shown = try JobProcess.runToSuccess("/usr/bin/scontrol", ["-o", "show", "job", job], environment: slurm.environment)
            let fields = shown.split(whereSeparator: { $0 == " " || $0 == "\n" })
            let state = fields.first { $0.hasPrefix("JobState=") }, exit = fields.first { $0.hasPrefix("ExitCode=") }
            if let state, !["JobState=PENDING", "JobState=CONFIGURING", "JobState=RUNNING", "JobState=COMPLETING"].contains(state) {
                return "\(state) \(exit ?? "ExitCode=?")"
            }
            usleep(100_000)
        }
        return nil
    }

    /// Node `index`'s host and process id, as `brazosrun status` lists them (nil while it
    /// is not listed with a pid).
    private func node(_ index: Int, of launcher: pid_t) throws -> (host: String, pid: pid_t)? {
        let status = try JobProcess(brazosrun, ["status", "\(launcher)"])
        _ = status.waitForExit(timeout: 30)
        for line in status.stdout.split(separator: "\n") {
            let fields = line.split(separator: " ")
            if fields.count > 3, fields[0] == "\(index)", let pid = pid_t(fields[2]), pid > 0 { return (String(fields[1]), pid) }
        }
        return nil
    }

    /// The Slurm node whose slurmstepd started process `pid` (its SLURMD_NODENAME).
    private func slurmNode(of pid: pid_t) -> String? {
        guard let environment = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return nil }
        return environment.split(separator: 0).lazy.map { String(decoding: $0, as: UTF8.self) }
            .first { $0.hasPrefix("SLURMD_NODENAME=") }.map { String($0.dropFirst("SLURMD_NODENAME=".count)) }
    }
}
