import BrazosCore
import Foundation
import XCTest

/// Connections that are not the job's reach the nodes' listening sockets, and their
/// shared-memory services', while the job starts, while a node joins and while the job
/// recovers from a failure: silent ones,
/// bytes that are no handshake, handshakes without the secret claiming a real node's
/// number. None stops the job or takes a real peer's place; the job ends with its right
/// result.
final class GarbageConnectionTests: XCTestCase {
    let brazosrun = JobProcess.built("brazosrun")
    private var directory = ""

    override func setUp() {
        directory = NSTemporaryDirectory() + "brazos-garbage-\(getpid())-\(UInt32.random(in: 0 ... .max))"
        XCTAssertNoThrow(try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true))
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: directory) }

    func testGarbageDuringStartUpTakesNoPeersPlace() throws {
        // Node 1 goes through a launcher that holds it until the test says so: nodes 0
        // and 2 wait for it in the wire-up, node 0's listener open, while garbage lands
        // in that listener's queue ahead of the real peers' connections.
        let fifo = "\(directory)/gate"
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let gate = "\(directory)/hold"
        try "host=$1; shift; [ \"$host\" = held ] && read line < \(fifo); exec \"$@\"\n".write(toFile: gate, atomically: true, encoding: .utf8)
        let job = try JobProcess(brazosrun, ["-n", "3", "--transport", "tcp", "--host", "localhost,held,localhost",
                                             "--launcher", "sh \(gate) {host}", JobProcess.built("p2p-check")])
        defer { job.stop() }
        let node0 = try XCTUnwrap(waitFor { job.child(node: 0) }, "node 0 never started: \(job.stderr)")
        let port = try XCTUnwrap(waitFor { Self.listeningPorts(of: node0).first }, "node 0 never listened: \(job.stderr)")
        let address = try SocketAddress(host: "127.0.0.1", port: port)

        let garbage = try flood(address)
        let intruders = [1, 2].map { claimed in intrude(address, claiming: claimed) }
        let release = try XCTUnwrap(FileHandle(forWritingAtPath: fifo))
        release.write("go\n".data(using: .utf8)!)
        try release.close()

        XCTAssertEqual(job.waitForExit(timeout: 120), 0, job.stderr)
        XCTAssertTrue(job.stdout.contains("p2p-check ok: 3 ranks"), job.stdout + job.stderr)
        for intruder in intruders { XCTAssertEqual(intruder.wait(timeout: .now() + 30), .success, "a wrong-secret handshake was answered as a peer's") }
        XCTAssertTrue(job.stderr.contains("brazos: node 0: refused a connection from"), "node 0 did not report the garbage: \(job.stderr)")
        withExtendedLifetime(garbage) {}
    }

    func testGarbageAtTheSharedMemoryServicesDuringStartUpTakesNoPeersPlace() throws {
        // dsm-check holds node 0 before its first allocation (DSM_CHECK_HOLD): by then
        // every node's shared-memory service listens, and none has connected to another
        // (that waits for every rank). Every socket each node listens on, its own and its
        // service's, gets garbage and a handshake without the secret claiming a real peer.
        let fifo = "\(directory)/hold"
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let job = try JobProcess(brazosrun, ["-n", "3", JobProcess.built("dsm-check"), "--threads-sum", "2000"],
                                 environment: ["DSM_CHECK_HOLD": fifo])
        defer { job.stop() }
        var garbage: [Socket] = []
        var intruders: [DispatchSemaphore] = []
        for node in 0..<3 {
            let pid = try XCTUnwrap(waitFor { job.child(node: node) }, "node \(node) never started: \(job.stderr)")
            let ports = try XCTUnwrap(waitFor { () -> [UInt16]? in
                let ports = Self.listeningPorts(of: pid)
                return ports.count >= 2 ? ports : nil
            }, "node \(node)'s shared-memory service never listened: \(job.stderr)")
            for port in ports {
                let address = try SocketAddress(host: "127.0.0.1", port: port)
                garbage += try flood(address)
                intruders.append(intrude(address, claiming: node == 0 ? 1 : 0, purpose: .sharedMemory))
            }
        }
        try release(fifo, "node 0 never held: \(job.stderr)")

        XCTAssertEqual(job.waitForExit(timeout: 120), 0, job.stderr)
        XCTAssertTrue(job.stdout.contains("threads-sum ok: 3 ranks"), job.stdout + job.stderr)
        for intruder in intruders { XCTAssertEqual(intruder.wait(timeout: .now() + 30), .success, "a wrong-secret handshake was answered as a peer's") }
        XCTAssertTrue(job.stderr.contains("shared-memory service: refused a connection from"), "no service reported the garbage: \(job.stderr)")
        withExtendedLifetime(garbage) {}
    }

    func testGarbageDuringAJoinTakesNoPeersPlace() throws {
        let sor = JobProcess.built("sor")
        let arguments = ["--size", "100", "--steps", "6000"]
        let expected = try JobProcess.runToSuccess(brazosrun, ["-n", "1", "-T", "4", sor] + arguments)
        let checkpoints = "\(directory)/checkpoints"
        let job = try JobProcess(brazosrun, ["-n", "2", "-T", "2", "--migratable", "--checkpoint-dir", checkpoints,
                                             "--checkpoint-every", "200ms", sor] + arguments)
        defer { job.stop() }
        // Once a checkpoint is complete every node is past its start-up; then every socket
        // a node listens on (its own, which the joining node connects to: its shared-memory
        // service's closed once the other nodes' services were in) gets garbage and a
        // handshake claiming the joining node's number.
        var garbage: [Socket] = []
        var intruders: [DispatchSemaphore] = []
        for node in job.nodes(once: 1, in: checkpoints) {
            for port in Self.listeningPorts(of: node) {
                let address = try SocketAddress(host: "127.0.0.1", port: port)
                garbage += try flood(address)
                intruders.append(intrude(address, claiming: 2))
            }
        }
        XCTAssertGreaterThanOrEqual(intruders.count, 2, "no listening sockets found: \(job.stderr)")
        var answer = ""
        for _ in 0..<400 where !answer.hasPrefix("ok") {
            let request = try JobProcess(brazosrun, ["join", "\(job.process.processIdentifier)"])
            _ = request.waitForExit(timeout: 30)
            answer = request.stdout
            if !answer.hasPrefix("ok") { usleep(50_000) }
        }
        XCTAssertTrue(answer.hasPrefix("ok: node 2 (on localhost) joins"), answer + job.stderr)
        XCTAssertTrue(job.waitForDiagnostic(containing: "node 2 (on localhost) joined the job: admitted", timeout: 120), job.stderr)
        XCTAssertEqual(job.waitForExit(timeout: 300), 0, job.stderr)
        XCTAssertEqual(job.stdout, expected, job.stderr)
        for intruder in intruders { XCTAssertEqual(intruder.wait(timeout: .now() + 30), .success, "a wrong-secret handshake was answered as a peer's") }
        withExtendedLifetime(garbage) {}
    }

    func testGarbageDuringARecoveryTakesNoPeersPlace() throws {
        // Node 1 goes through a launcher that lets its first start through and holds the
        // second, the recovery's: node 0, started again from the checkpoint, waits for it
        // in the wire-up, its listener open, while garbage lands in that listener's queue.
        let fifo = "\(directory)/gate"
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let gate = "\(directory)/hold", starts = "\(directory)/starts"
        try ("shift; case \" $* \" in *\" BRAZOS_NODE=1 \"*) echo >> \(starts); "
            + "[ $(wc -l < \(starts)) -gt 1 ] && read line < \(fifo);; esac; exec \"$@\"\n").write(toFile: gate, atomically: true, encoding: .utf8)
        let sor = JobProcess.built("sor")
        let arguments = ["--size", "100", "--steps", "6000"]
        let expected = try JobProcess.runToSuccess(brazosrun, ["-n", "1", "-T", "3", sor] + arguments)
        let checkpoints = "\(directory)/checkpoints"
        // Hosts by other names, so that every start (the recovery's too, on a surviving
        // host) goes through the launcher; all are this machine.
        let job = try JobProcess(brazosrun, ["-n", "3", "--transport", "tcp", "--host", "gate-a,gate-b,gate-c", "--launcher", "sh \(gate) {host}",
                                             "--checkpoint-dir", checkpoints, "--checkpoint-every", "200ms", sor] + arguments)
        defer { job.stop() }
        _ = job.nodes(once: 1, in: checkpoints)
        let firstNode0 = try XCTUnwrap(job.child(node: 0), "no node 0: \(job.stderr)")
        let node1 = try XCTUnwrap(job.child(node: 1), "no node 1: \(job.stderr)")
        XCTAssertEqual(kill(node1, SIGKILL), 0)
        let node0 = try XCTUnwrap(waitFor { job.child(node: 0).flatMap { $0 == firstNode0 ? nil : $0 } },
                                  "node 0 was never started again: \(job.stderr)")
        let port = try XCTUnwrap(waitFor { Self.listeningPorts(of: node0).first }, "the new node 0 never listened: \(job.stderr)")
        let address = try SocketAddress(host: "127.0.0.1", port: port)

        let garbage = try flood(address)
        let intruders = [1, 2].map { claimed in intrude(address, claiming: claimed) }
        try release(fifo, "node 1 was never held: \(job.stderr)")

        XCTAssertEqual(job.waitForExit(timeout: 300), 0, job.stderr)
        XCTAssertEqual(job.stdout, expected, job.stderr)
        XCTAssertTrue(job.stderr.contains("recovering from checkpoint epoch"), job.stderr)
        for intruder in intruders { XCTAssertEqual(intruder.wait(timeout: .now() + 30), .success, "a wrong-secret handshake was answered as a peer's") }
        XCTAssertTrue(job.stderr.contains("brazos: node 0: refused a connection from"), "node 0 did not report the garbage: \(job.stderr)")
        withExtendedLifetime(garbage) {}
    }

    // MARK: Garbage

    /// Opens four connections that stay silent and one that sends bytes that are no
    /// handshake; returns them, to be kept open as long as the test wants them there.
    private func flood(_ address: SocketAddress) throws -> [Socket] {
        let silent = try (0..<4).map { _ in try Socket.connect(to: address) }
        let noise = try Socket.connect(to: address)
        try noise.writeAll((0..<200).map { UInt8(truncatingIfNeeded: $0 &* 37) })
        return silent + [noise]
    }

    /// A handshake without the job's secret claiming node `claimed` (for `purpose`), on a
    /// thread of its own; the semaphore is signalled once it was refused (never if it was
    /// answered as a peer's).
    private func intrude(_ address: SocketAddress, claiming claimed: Int, purpose: Handshake.Purpose = .data) -> DispatchSemaphore {
        let refused = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            guard let socket = try? Socket.connect(to: address) else {
                refused.signal()
                return
            }
            if (try? Handshake.connect(on: socket, secret: Handshake.randomBytes(32), myNode: claimed, purpose: purpose)) == nil {
                refused.signal()
            }
        }
        return refused
    }

    /// Lets the process held reading `fifo` go on. A reader is there once it holds; until
    /// then the open fails (no blocking), for at most 60 s.
    private func release(_ fifo: String, _ failure: @autoclosure () -> String) throws {
        let descriptor = try XCTUnwrap(waitFor { () -> Int32? in
            let descriptor = open(fifo, O_WRONLY | O_NONBLOCK)
            return descriptor >= 0 ? descriptor : nil
        }, failure())
        XCTAssertEqual(write(descriptor, "go\n", 3), 3)
        close(descriptor)
    }

    /// What `probe` returns once it returns something; nil after 60 s.
    private func waitFor<T>(_ probe: () -> T?) -> T? {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if let found = probe() { return found }
            usleep(10_000)
        }
        return nil
    }

    /// The TCP ports process `pid` listens on: its sockets (/proc/PID/fd) that
    /// /proc/PID/net/tcp lists in state LISTEN.
    static func listeningPorts(of pid: Int32) -> [UInt16] {
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")) ?? []
        let inodes = Set(fds.compactMap { fd -> String? in
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(fd)"),
                  target.hasPrefix("socket:[") else { return nil }
            return String(target.dropFirst("socket:[".count).dropLast())
        })
        guard let table = try? String(contentsOfFile: "/proc/\(pid)/net/tcp", encoding: .utf8) else { return [] }
        return table.split(separator: "\n").dropFirst().compactMap { row in
            let fields = row.split(separator: " ")
            // local address, remote address, state ... inode (the tenth field)
            guard fields.count > 9, fields[3] == "0A", inodes.contains(String(fields[9])),
                  let port = fields[1].split(separator: ":").last.flatMap({ UInt16($0, radix: 16) }) else { return nil }
            return port
        }
    }
}
