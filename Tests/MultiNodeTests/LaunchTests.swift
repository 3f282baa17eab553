import Foundation
import XCTest

/// Real jobs of real processes over real sockets and shared memory, started by brazosrun.
final class LaunchTests: XCTestCase {
    let brazosrun = JobProcess.built("brazosrun")
    let ring = JobProcess.built("ring")
    let check = JobProcess.built("p2p-check")

    func testRingOnTwoFourAndEightNodes() throws {
        for nodes in [2, 4, 8] {
            let output = try JobProcess.runToSuccess(brazosrun, ["-n", "\(nodes)", ring, "--laps", "30"])
            XCTAssertTrue(output.contains("ring ok: \(nodes) ranks, 30 laps"), output)
        }
    }

    func testPointToPointSemanticsOnTwoFourAndEightNodes() throws {
        for nodes in [2, 4, 8] {
            let output = try JobProcess.runToSuccess(brazosrun, ["-n", "\(nodes)", check, "--links"])
            XCTAssertTrue(output.contains("p2p-check ok: \(nodes) ranks"), output)
            XCTAssertTrue(output.contains("node1=SharedMemoryLink"), "nodes of one host should share memory: \(output)")
        }
    }

    func testTwoNodesOfTwoThreads() throws {
        let output = try JobProcess.runToSuccess(brazosrun, ["-n", "2", "--threads-per-node", "2", check])
        XCTAssertTrue(output.contains("p2p-check ok: 4 ranks"), output)
        let tagged = try JobProcess.runToSuccess(brazosrun, ["-n", "2", "-T", "2", "--tag-output", ring, "--laps", "20"])
        XCTAssertTrue(tagged.contains("[node 0] ring ok: 4 ranks, 20 laps"), tagged)
        let byRank = try JobProcess.runToSuccess(brazosrun, ["-n", "3", "--tag-output", check, "--bound"])
        for rank in 0..<3 { XCTAssertTrue(byRank.contains("[rank \(rank)] rank \(rank) cpu"), byRank) }
        XCTAssertTrue(byRank.contains("[rank 0] p2p-check ok: 3 ranks"), byRank)
    }

    func testRingsFarSmallerThanTheTrafficFillAndDrain() throws {
        let output = try JobProcess.runToSuccess(brazosrun, ["-n", "4", "-x", "BRAZOS_RING_BYTES=8192", check])
        XCTAssertTrue(output.contains("p2p-check ok: 4 ranks"), output)
    }

    func testTCPPathOnLoopback() throws {
        let output = try JobProcess.runToSuccess(brazosrun, ["-n", "3", "--transport", "tcp", check, "--links"])
        XCTAssertTrue(output.contains("p2p-check ok: 3 ranks"), output)
        XCTAssertTrue(output.contains("node1=TCPLink node2=TCPLink"), output)
    }

    func testBindToCoreGivesEachNodeItsOwnCore() throws {
        let output = try JobProcess.runToSuccess(brazosrun, ["-n", "2", "--bind-to", "core", check, "--bound"])
        let cpus = output.split(separator: "\n").filter { $0.hasPrefix("rank ") && $0.contains(" cpu ") }.map { String($0.split(separator: " ").last!) }
        XCTAssertEqual(cpus.count, 2, output)
        XCTAssertFalse(cpus.contains("-1"), "a node was not bound: \(output)")
        XCTAssertEqual(Set(cpus).count, 2, "both nodes were bound to one core: \(output)")
        let unbound = try JobProcess.runToSuccess(brazosrun, ["-n", "2", check, "--bound"])
        XCTAssertTrue(unbound.contains("rank 0 cpu -1"), "a node was bound without --bind-to: \(unbound)")
    }

    func testProgramExitStatusAndBadOptions() throws {
        let failing = try JobProcess(brazosrun, ["-n", "2", ring, "--laps", "0"])
        XCTAssertEqual(failing.waitForExit(timeout: 60), 2, "the program's own status should come back")
        XCTAssertTrue(failing.stderr.contains("exited with status 2"), failing.stderr)
        let unknown = try JobProcess(brazosrun, ["--frobnicate", ring])
        XCTAssertEqual(unknown.waitForExit(timeout: 30), 2)
        XCTAssertTrue(unknown.stderr.contains("unknown option '--frobnicate'"), unknown.stderr)
    }

    func testMpirunShapedFlags() throws {
        // Hosts "a" and "b" through a launcher that only sets a variable: the nodes run
        // here, and --display-map shows where --map-by put them.
        let mapped = { (policy: String) throws -> JobProcess in
            let job = try JobProcess(self.brazosrun, ["-np", "4", "--host", "a:2,b:2", "--map-by", policy, "--display-map",
                                                      "--launcher", "env BRAZOS_TEST_HOST={host}", "--oversubscribe", "--allow-run-as-root",
                                                      self.ring, "--laps", "3"])
            XCTAssertEqual(job.waitForExit(timeout: 60), 0, job.stderr)
            XCTAssertTrue(job.stdout.contains("ring ok: 4 ranks, 3 laps"), job.stdout)
            return job
        }
        let bySlot = try mapped("slot").stderr, byNode = try mapped("node").stderr
        for (node, host) in ["a", "a", "b", "b"].enumerated() { XCTAssertTrue(bySlot.contains("node \(node) on \(host): rank \(node)"), bySlot) }
        for (node, host) in ["a", "b", "a", "b"].enumerated() { XCTAssertTrue(byNode.contains("node \(node) on \(host): rank \(node)"), byNode) }

        let started = Date()
        let timed = try JobProcess(brazosrun, ["--timeout", "1", "-n", "2", check, "--until-killed"])
        XCTAssertEqual(timed.waitForExit(timeout: 60), 124, timed.stderr)
        XCTAssertTrue(timed.stderr.contains("the job ran past its --timeout of 1.0 s; stopping it"), timed.stderr)
        XCTAssertLessThan(Date().timeIntervalSince(started), 30, "the job outlived its timeout")
        // MPICH's tests and launchers give the limit as MPIEXEC_TIMEOUT; --timeout wins over it.
        let byEnvironment = try JobProcess(brazosrun, ["-n", "2", check, "--until-killed"], environment: ["MPIEXEC_TIMEOUT": "1"])
        XCTAssertEqual(byEnvironment.waitForExit(timeout: 60), 124, byEnvironment.stderr)
        XCTAssertTrue(byEnvironment.stderr.contains("the job ran past its MPIEXEC_TIMEOUT of 1.0 s; stopping it"), byEnvironment.stderr)
        let overridden = try JobProcess(brazosrun, ["--timeout", "1", "-n", "1", check, "--until-killed"], environment: ["MPIEXEC_TIMEOUT": "600"])
        XCTAssertEqual(overridden.waitForExit(timeout: 60), 124, overridden.stderr)
        XCTAssertTrue(overridden.stderr.contains("ran past its --timeout of 1.0 s"), overridden.stderr)
        let malformed = try JobProcess(brazosrun, ["-n", "1", ring], environment: ["MPIEXEC_TIMEOUT": "soon"])
        XCTAssertEqual(malformed.waitForExit(timeout: 30), 2, malformed.stderr)
        XCTAssertTrue(malformed.stderr.contains("MPIEXEC_TIMEOUT=soon is not a number of seconds"), malformed.stderr)
        // 0 is no limit, as for mpiexec and mpirun.
        let unlimited = try JobProcess(brazosrun, ["-n", "1", ring, "--laps", "2"], environment: ["MPIEXEC_TIMEOUT": "0"])
        XCTAssertEqual(unlimited.waitForExit(timeout: 60), 0, unlimited.stderr)

        for (flags, expected) in [(["--mca", "btl", "tcp"], "mpirun's --mca is not supported by brazosrun"),
                                  (["--map-by", "ppr:2:node"], "--map-by takes slot or node, not 'ppr:2:node'"),
                                  (["--bind-to", "socket"], "--bind-to takes core or none, not 'socket'")] {
            let refused = try JobProcess(brazosrun, flags + ["-n", "2", ring])
            XCTAssertEqual(refused.waitForExit(timeout: 30), 2, refused.stderr)
            XCTAssertTrue(refused.stderr.contains(expected), refused.stderr)
        }
    }

    func testConnectionWithoutTheSecretIsRefusedAndTheJobGoesOn() throws {
        let fifo = FileManager.default.temporaryDirectory.appendingPathComponent("brazos-intruder-\(getpid())").path
        unlink(fifo)
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        defer { unlink(fifo) }
        let job = try JobProcess(brazosrun, ["-n", "2", check, "--intruder", fifo])
        defer { job.stop() }
        let line = try XCTUnwrap(job.waitForLine(containing: "node address", timeout: 60), job.stderr)
        let address = String(line.split(separator: " ").last!)
        let intruder = try Intruder.connect(to: address)
        XCTAssertTrue(intruder.wasRefused, "a connection with a wrong secret was accepted")
        // Only now may the job go on: it must still work.
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: fifo))
        handle.write("go\n".data(using: .utf8)!)
        try handle.close()
        XCTAssertEqual(job.waitForExit(timeout: 120), 0, job.stderr)
        XCTAssertTrue(job.stdout.contains("p2p-check ok: 2 ranks"), job.stdout)
        XCTAssertTrue(job.stderr.contains("refused a connection"), "the refusal was not reported: \(job.stderr)")
    }

    func testKilledNodeIsNamedAndNothingHangs() throws {
        let job = try JobProcess(brazosrun, ["-n", "3", check, "--until-killed"])
        defer { job.stop() }
        var pids: [Int32] = []
        for rank in 0..<3 {
            let line = try XCTUnwrap(job.waitForLine(containing: "rank \(rank) node", timeout: 60), job.stderr)
            pids.append(Int32(line.split(separator: " ").last!)!)
        }
        XCTAssertEqual(kill(pids[1], SIGKILL), 0)
        let status = job.waitForExit(timeout: 20)
        XCTAssertNotNil(status, "the job hung after a node was killed")
        XCTAssertNotEqual(status, 0)
        XCTAssertTrue(job.stderr.contains("node 1 (pid \(pids[1])"), job.stderr)
        XCTAssertTrue(job.stderr.contains("killed by SIGKILL"), job.stderr)
        for survivor in [0, 2] {
            XCTAssertTrue(job.stderr.contains("brazos: node \(survivor): stopping because node 1"), "node \(survivor) did not report: \(job.stderr)")
        }
        for pid in pids {
            XCTAssertEqual(kill(pid, 0), -1, "node process \(pid) was left behind")
        }
    }

    func testSignalsToTheLauncherReachEveryNode() throws {
        let job = try JobProcess(brazosrun, ["-n", "2", check, "--until-killed"])
        defer { job.stop() }
        var pids: [Int32] = []
        for rank in 0..<2 {
            let line = try XCTUnwrap(job.waitForLine(containing: "rank \(rank) node", timeout: 60), job.stderr)
            pids.append(Int32(line.split(separator: " ").last!)!)
        }
        XCTAssertEqual(kill(job.process.processIdentifier, SIGTERM), 0)
        let status = job.waitForExit(timeout: 20)
        XCTAssertEqual(status, 128 + SIGTERM, job.stderr)
        XCTAssertTrue(job.stderr.contains("brazosrun: SIGTERM: passing it to every node"), job.stderr)
        XCTAssertFalse(job.stderr.contains("failed"), "the user's stop is no node's failure: \(job.stderr)")
        for pid in pids { XCTAssertEqual(kill(pid, 0), -1, "node process \(pid) was left behind") }
    }

    /// `timeout` signals its whole process group: the nodes, in groups of their own, get the
    /// signal only from brazosrun, and do not take it for a power-failure notice of their own.
    func testASignalToTheLaunchersProcessGroupReachesTheNodesOnlyThroughIt() throws {
        let job = try JobProcess("/usr/bin/timeout", ["-s", "TERM", "600", brazosrun, "-n", "2", "--migratable", check, "--until-killed"])
        defer { job.stop() }
        var pids: [Int32] = []
        for rank in 0..<2 {
            let line = try XCTUnwrap(job.waitForLine(containing: "rank \(rank) node", timeout: 60), job.stderr)
            pids.append(Int32(line.split(separator: " ").last!)!)
        }
        // timeout leads its own process group, brazosrun in it.
        XCTAssertEqual(kill(-job.process.processIdentifier, SIGTERM), 0)
        XCTAssertNotNil(job.waitForExit(timeout: 20), job.stderr)
        XCTAssertTrue(job.stderr.contains("brazosrun: SIGTERM: passing it to every node"), job.stderr)
        XCTAssertFalse(job.stderr.contains("got SIGTERM"), "a node took the group's signal as its own: \(job.stderr)")
        for pid in pids { XCTAssertEqual(kill(pid, 0), -1, "node process \(pid) was left behind") }
    }
}
