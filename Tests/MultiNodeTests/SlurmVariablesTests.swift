import Foundation
import XCTest

/// What brazosrun takes from a Slurm allocation's variables, without a Slurm: the hosts
/// here are this machine's own names and `--launcher` is given, so the nodes start
/// directly, while the node count, placement and spare hosts come from the variables.
final class SlurmVariablesTests: XCTestCase {
    private let brazosrun = JobProcess.built("brazosrun")

    private func allocation(nodes: String, tasks: String) -> [String: String] {
        ["SLURM_JOB_ID": "4242", "SLURM_JOB_NODELIST": nodes, "SLURM_TASKS_PER_NODE": tasks]
    }

    func testHostsTaskCountsAndSparesComeFromTheAllocation() throws {
        let local = allocation(nodes: "localhost,127.0.0.1", tasks: "2,1")
        let all = try JobProcess(brazosrun, ["--launcher", "env", "--display-map", JobProcess.built("ring"), "--laps", "5"], environment: local)
        XCTAssertEqual(all.waitForExit(timeout: 120), 0, all.stderr)
        XCTAssertTrue(all.stdout.contains("ring ok: 3 ranks, 5 laps"), all.stdout)
        for line in ["brazosrun: in Slurm job 4242: 3 nodes on localhost,127.0.0.1; no spare hosts", "node 0 on localhost: rank 0",
                     "node 1 on localhost: rank 1", "node 2 on 127.0.0.1: rank 2"] {
            XCTAssertTrue(all.stderr.contains(line), "no '\(line)' in: \(all.stderr)")
        }
        let two = try JobProcess(brazosrun, ["-n", "2", "--launcher", "env", JobProcess.built("ring"), "--laps", "5"], environment: local)
        XCTAssertEqual(two.waitForExit(timeout: 120), 0, two.stderr)
        XCTAssertTrue(two.stdout.contains("ring ok: 2 ranks, 5 laps"), two.stdout)
        XCTAssertTrue(two.stderr.contains("in Slurm job 4242: 2 nodes on localhost; spare host 127.0.0.1"), two.stderr)
        // Hosts and spares given on the command line win over the allocation's.
        let given = try JobProcess(brazosrun, ["-n", "2", "--host", "localhost:2", "--spare-hosts", "127.0.0.1", "--launcher", "env",
                                               JobProcess.built("ring"), "--laps", "5"], environment: allocation(nodes: "n[1-4]", tasks: "1(x4)"))
        XCTAssertEqual(given.waitForExit(timeout: 120), 0, given.stderr)
        XCTAssertTrue(given.stderr.contains("in Slurm job 4242: 2 nodes on localhost; spare host 127.0.0.1"), given.stderr)
        XCTAssertTrue(given.stdout.contains("ring ok: 2 ranks, 5 laps"), given.stdout)
    }

    func testIncoherentAllocationVariablesAreRefusedBeforeAnythingStarts() throws {
        let refusals: [([String: String], String)] = [
            (allocation(nodes: "n[1-3", tasks: "1(x3)"), "host list 'n[1-3': '[' without ']'"),
            (allocation(nodes: "n[1-3]", tasks: "1(x2)"), "SLURM_TASKS_PER_NODE=1(x2) counts 2 nodes, SLURM_JOB_NODELIST=n[1-3] names 3"),
            (allocation(nodes: "n[1-3]", tasks: "2(3)"), "'2(3)' is not a count such as 2 or 2(x3)"),
        ]
        for (variables, expected) in refusals {
            let refused = try JobProcess(brazosrun, [JobProcess.built("ring")], environment: variables)
            XCTAssertEqual(refused.waitForExit(timeout: 30), 2, refused.stderr)
            XCTAssertTrue(refused.stderr.contains(expected), "\(variables): \(refused.stderr)")
            XCTAssertEqual(refused.stdout, "")
        }
    }
}
