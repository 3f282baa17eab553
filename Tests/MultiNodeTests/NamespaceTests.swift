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

    func testTwoHostsOverTCP() throws {
        guard getuid() == 0 else { throw XCTSkip("network namespaces need root") }
        let id = Int(getpid()) % 200 + 20
        let hostA = "brz\(getpid())a", hostB = "brz\(getpid())b"
        let subnet = "10.213.\(id)"
        names = [hostA, hostB]
        try ip(["netns", "add", hostA])
        try ip(["netns", "add", hostB])
        try ip(["link", "add", "vb\(getpid())a", "type", "veth", "peer", "name", "vb\(getpid())b"])
        try ip(["link", "set", "vb\(getpid())a", "netns", hostA])
        try ip(["link", "set", "vb\(getpid())b", "netns", hostB])
        try ip(["-n", hostA, "addr", "add", "\(subnet).1/24", "dev", "vb\(getpid())a"])
        try ip(["-n", hostB, "addr", "add", "\(subnet).2/24", "dev", "vb\(getpid())b"])
        for (host, link) in [(hostA, "vb\(getpid())a"), (hostB, "vb\(getpid())b")] {
            try ip(["-n", host, "link", "set", link, "up"])
            try ip(["-n", host, "link", "set", "lo", "up"])
        }
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
}
