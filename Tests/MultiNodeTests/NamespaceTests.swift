import Foundation
import XCTest

/// Two hosts made of network namespaces joined by a veth pair: the nodes see different
/// network namespaces, so they must talk over TCP, and only to the test's own addresses;
/// messages and shared memory both.
final class NamespaceTests: XCTestCase {
    private var names: [String] = []

    private func ip(_ arguments: [String]) throws {
        let job = try JobProcess("/usr/sbin/ip", arguments)
        let status = job.waitForExit(timeout: 30)
        guard status == 0 else { throw CocoaError(.featureUnsupported, userInfo: [NSLocalizedDescriptionKey: "ip \(arguments): \(job.stderr)"]) }
    }

    override func tearDown() {
        for name in names { try? ip(["netns", "del", name]) }
    }

    /// Two namespaces joined by a veth pair, addressed SUBNET.1 and SUBNET.2: (name of A,
    /// name of B, subnet, B's end of the link).
    private func makeTwoHosts(_ tag: String) throws -> (hostA: String, hostB: String, subnet: String, linkB: String) {
        guard getuid() == 0 else { throw XCTSkip("network namespaces need root") }
        let id = (Int(getpid()) + (tag == "a" ? 0 : 97)) % 200 + 20
        let hostA = "brz\(getpid())\(tag)a", hostB = "brz\(getpid())\(tag)b"
        let linkA = "vb\(getpid())\(tag)a", linkB = "vb\(getpid())\(tag)b"
        let subnet = "10.213.\(id)"
        names += [hostA, hostB]
        try ip(["netns", "add", hostA])
        try ip(["netns", "add", hostB])
        try ip(["link", "add", linkA, "type", "veth", "peer", "name", linkB])
        try ip(["link", "set", linkA, "netns", hostA])
        try ip(["link", "set", linkB, "netns", hostB])
        try ip(["-n", hostA, "addr", "add", "\(subnet).1/24", "dev", linkA])
        try ip(["-n", hostB, "addr", "add", "\(subnet).2/24", "dev", linkB])
        for (host, link) in [(hostA, linkA), (hostB, linkB)] {
            try ip(["-n", host, "link", "set", link, "up"])
            try ip(["-n", host, "link", "set", "lo", "up"])
        }
        return (hostA, hostB, subnet, linkB)
    }

    func testTwoHostsOverTCP() throws {
        let (hostA, hostB, subnet, _) = try makeTwoHosts("a")
        let output = try JobProcess.runToSuccess("/usr/sbin/ip", [
            "netns", "exec", hostA, JobProcess.built("brazosrun"), "-n", "2", "--host", "\(hostA),\(hostB)",
            "--launcher", "ip netns exec {host}", "--control-address", "\(subnet).1", JobProcess.built("p2p-check"), "--links",
        ])
        XCTAssertTrue(output.contains("p2p-check ok: 2 ranks"), output)
        XCTAssertTrue(output.contains("node1=TCPLink"), "nodes on two hosts must use TCP: \(output)")
        // Shared memory between the two hosts: its service threads meet over TCP too.
        let litmus = try JobProcess.runToSuccess("/usr/sbin/ip", [
            "netns", "exec", hostA, JobProcess.built("brazosrun"), "-n", "2", "-T", "2", "--host", "\(hostA),\(hostB)",
            "--launcher", "ip netns exec {host}", "--control-address", "\(subnet).1", JobProcess.built("dsm-check"), "--litmus", "3",
        ])
        XCTAssertTrue(litmus.contains("litmus ok: 4 ranks, 3 rounds"), litmus)
    }

    /// A thread moving back and forth between two hosts: messages on the way are forwarded
    /// over TCP, order holds, and the file it writes follows it.
    func testAThreadMovesBetweenTwoHostsWithItsMessagesAndItsFile() throws {
        let (hostA, hostB, subnet, _) = try makeTwoHosts("m")
        let file = NSTemporaryDirectory() + "brazos-netns-migrate-\(getpid()).txt"
        defer { try? FileManager.default.removeItem(atPath: file) }
        let output = try JobProcess.runToSuccess("/usr/sbin/ip", [
            "netns", "exec", hostA, JobProcess.built("brazosrun"), "-n", "2", "-T", "2", "--host", "\(hostA),\(hostB)",
            "--launcher", "ip netns exec {host}", "--control-address", "\(subnet).1", "--migratable",
            JobProcess.built("migrate-check"), "--file", file, "--hops", "5",
        ])
        XCTAssertTrue(output.contains("migrate-check: ok, 5 hops, 180 messages in order"), output)
        XCTAssertEqual(try String(contentsOfFile: file, encoding: .utf8), (0...5).map { "hop \($0) on node \($0 % 2)\n" }.joined())
    }

    /// A node joins a running job from another host: brazosrun starts it there, it
    /// connects to the nodes over TCP, a thread moves to it, and sor's result holds.
    func testANodeOnAnotherHostJoinsARunningJobAndTakesAThread() throws {
        let (hostA, hostB, subnet, _) = try makeTwoHosts("j")
        let brazosrun = JobProcess.built("brazosrun"), sor = JobProcess.built("sor")
        let arguments = ["--size", "100", "--steps", "4000"]
        let expected = try JobProcess.runToSuccess(brazosrun, ["-n", "1", "-T", "4", sor] + arguments)
        let job = try JobProcess("/usr/sbin/ip", [
            "netns", "exec", hostA, brazosrun, "-n", "2", "-T", "2", "--host", "\(hostA),\(hostA)",
            "--launcher", "ip netns exec {host}", "--control-address", "\(subnet).1", "--migratable", sor,
        ] + arguments)
        // brazosrun's job-control socket lives in its network namespace: ask from there.
        var answer = ""
        for _ in 0..<400 where answer.isEmpty || answer.contains("still starting") {
            let request = try JobProcess("/usr/sbin/ip", ["netns", "exec", hostA, brazosrun, "join", "\(job.process.processIdentifier)", "--host", hostB])
            _ = request.waitForExit(timeout: 30)
            answer = request.stdout
            if answer.isEmpty || answer.contains("still starting") { usleep(50_000) }
        }
        XCTAssertTrue(answer.contains("ok: node 2 (on \(hostB)) joins"), "\(answer); the job said: \(job.stderr)")
        XCTAssertEqual(job.waitForExit(timeout: 300), 0, job.stderr)
        XCTAssertEqual(job.stdout, expected, job.stderr)
        XCTAssertTrue(job.stderr.contains("node 2 (on \(hostB)) joined the job: admitted"), job.stderr)
        XCTAssertTrue(job.stderr.contains("brazos: admitting node 2: rank 3 moves there"), job.stderr)
        XCTAssertTrue(job.stderr.contains("brazos: node 2 joins: reaches nodes 0,1 by TCP\n"), job.stderr)
    }

    /// A host cut off by taking its link down: its node's heartbeats stop, brazosrun names
    /// it, and the job recovers from its checkpoint without that host, on the spare host
    /// given, ending with the failure-free result.
    func testAHostCutOffByItsLinkGoingDownIsRecoveredFromOnASpareHost() throws {
        let (hostA, hostB, subnet, linkB) = try makeTwoHosts("c")
        let directory = NSTemporaryDirectory() + "brazos-netns-ckpt-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let sor = JobProcess.built("sor")
        let arguments = ["--size", "200", "--steps", "3000", "--checkpoint-every", "500"]
        let expected = try JobProcess.runToSuccess(JobProcess.built("brazosrun"), ["-n", "2", sor] + arguments.prefix(4))
        let job = try JobProcess("/usr/sbin/ip", [
            "netns", "exec", hostA, JobProcess.built("brazosrun"), "-n", "2", "--host", "\(hostA),\(hostB)", "--spare-hosts", "localhost",
            "--launcher", "ip netns exec {host}", "--control-address", "\(subnet).1", "--heartbeat", "200ms",
            "--checkpoint-dir", directory, sor,
        ] + arguments)
        let manifest = directory + "/epoch-000001/MANIFEST"
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: manifest) && Date() < deadline && job.process.isRunning { usleep(5_000) }
        XCTAssertTrue(FileManager.default.fileExists(atPath: manifest), job.stderr)
        try ip(["-n", hostB, "link", "set", linkB, "down"])
        XCTAssertEqual(job.waitForExit(timeout: 120), 0, job.stderr)
        XCTAssertEqual(job.stdout, expected)
        XCTAssertTrue(job.stderr.contains("node 1 (pid"), job.stderr)
        XCTAssertTrue(job.stderr.contains("(hung or cut off)"), job.stderr)
        XCTAssertTrue(job.stderr.contains("with spare host localhost in place of \(hostB)"), job.stderr)
        XCTAssertTrue(job.stderr.contains("sor: resumed at step"), job.stderr)
    }

    /// Without a spare host, the nodes of a host cut off go to the one left: the job keeps
    /// its 4 node processes and 4 ranks, all of them now on one host, and ends with the
    /// failure-free result.
    func testAHostCutOffWithNoSpareLeavesItsNodesOnTheSurvivingHost() throws {
        let (hostA, hostB, subnet, linkB) = try makeTwoHosts("d")
        let directory = NSTemporaryDirectory() + "brazos-netns-survivors-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let sor = JobProcess.built("sor")
        let arguments = ["--size", "200", "--steps", "3000", "--checkpoint-every", "500"]
        let expected = try JobProcess.runToSuccess(JobProcess.built("brazosrun"), ["-n", "4", sor] + arguments.prefix(4))
        let job = try JobProcess("/usr/sbin/ip", [
            "netns", "exec", hostA, JobProcess.built("brazosrun"), "-n", "4", "--host", "\(hostA),\(hostB)", "--display-map",
            "--launcher", "ip netns exec {host}", "--control-address", "\(subnet).1", "--heartbeat", "200ms",
            "--checkpoint-dir", directory, sor,
        ] + arguments)
        let manifest = directory + "/epoch-000001/MANIFEST"
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: manifest) && Date() < deadline && job.process.isRunning { usleep(5_000) }
        XCTAssertTrue(FileManager.default.fileExists(atPath: manifest), job.stderr)
        try ip(["-n", hostB, "link", "set", linkB, "down"])
        XCTAssertEqual(job.waitForExit(timeout: 120), 0, job.stderr)
        XCTAssertEqual(job.stdout, expected)
        XCTAssertTrue(job.stderr.contains("(hung or cut off)"), job.stderr)
        XCTAssertTrue(job.stderr.contains("on the surviving hosts \(hostA)"), job.stderr)
        XCTAssertTrue(job.stderr.contains("sor: resumed at step"), job.stderr)
        // The second attempt's map: every node, with its own rank, on the host left.
        let afterRecovery = job.stderr.components(separatedBy: "recovering from checkpoint epoch").last ?? ""
        for node in 0..<4 {
            XCTAssertTrue(afterRecovery.contains("node \(node) on \(hostA): rank \(node)"), job.stderr)
        }
    }
}
