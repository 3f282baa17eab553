import Foundation
import XCTest

extension JobProcess {
    /// The processes this job started (brazosrun's nodes), by PID.
    var children: [Int32] {
        let parent = process.processIdentifier
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.filter { pid in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return false }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 2 && Int32(fields[1]) == parent
        }
    }

    /// The process of node `node` among the job's (its environment says which it is).
    func child(node: Int) -> Int32? {
        children.first { pid in
            guard let environment = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return false }
            return environment.split(separator: 0).contains { String(decoding: $0, as: UTF8.self) == "BRAZOS_NODE=\(node)" }
        }
    }

    /// Kills brazosrun as `stop` does, then checks that its nodes, left without their
    /// launcher, exit within 30 s and leave no shared-memory segment named for the job
    /// (where threads move, segments keep their names while the nodes run).
    func stopAndCheckNothingIsLeft(file: StaticString = #filePath, line: UInt = #line) {
        let nodes = children
        let jobs = Set(nodes.compactMap { pid -> String? in
            guard let environment = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return nil }
            return environment.split(separator: 0).lazy.map { String(decoding: $0, as: UTF8.self) }
                .first { $0.hasPrefix("BRAZOS_JOB=") }.map { String($0.dropFirst("BRAZOS_JOB=".count)) }
        })
        XCTAssertFalse(jobs.isEmpty, "no node of the job found: \(stderr)", file: file, line: line)
        stop()
        func running(_ pid: Int32) -> Bool {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else { return false }
            return stat[stat.index(after: close)...].split(separator: " ").first != "Z"
        }
        let deadline = Date().addingTimeInterval(30)
        while nodes.contains(where: running) && Date() < deadline { usleep(10_000) }
        XCTAssertFalse(nodes.contains(where: running), "nodes \(nodes.filter(running)) outlived their launcher", file: file, line: line)
        let left = ((try? FileManager.default.contentsOfDirectory(atPath: "/dev/shm")) ?? []).filter { name in
            jobs.contains { name.hasPrefix("brazos-\($0)-") }
        }
        XCTAssertEqual(left, [], "shared-memory segments left behind", file: file, line: line)
    }

    /// Waits until checkpoint `epoch` in `directory` is complete; then the job's node processes.
    func nodes(once epoch: Int, in directory: String, file: StaticString = #filePath, line: UInt = #line) -> [Int32] {
        let digits = String(epoch)
        let manifest = "\(directory)/epoch-\(String(repeating: "0", count: 6 - digits.count))\(digits)/MANIFEST"
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: manifest) && Date() < deadline && process.isRunning { usleep(5_000) }
        XCTAssertTrue(FileManager.default.fileExists(atPath: manifest), "no checkpoint \(epoch) appeared: \(stderr)", file: file, line: line)
        return children
    }
}

extension JobProcess {
    /// Starts `arguments` (a job with a checkpoint directory) under `brazosrun`, kills its
    /// last node with SIGKILL once checkpoint 1 is complete, and checks that the job
    /// recovers by itself, resumes (its stderr says `resumed`), and prints `expected`.
    static func checkRecoveryFromKill(_ brazosrun: String, _ arguments: [String], in directory: String, expected: String, resumed: String,
                                      file: StaticString = #filePath, line: UInt = #line) throws {
        let job = try JobProcess(brazosrun, arguments)
        let nodes = job.nodes(once: 1, in: directory, file: file, line: line)
        XCTAssertGreaterThan(nodes.count, 1, job.stderr, file: file, line: line)
        if let victim = nodes.last { kill(victim, SIGKILL) }
        XCTAssertEqual(job.waitForExit(timeout: 120), 0, job.stderr, file: file, line: line)
        XCTAssertEqual(job.stdout, expected, job.stderr, file: file, line: line)
        XCTAssertTrue(job.stderr.contains("failed (was killed by SIGKILL) after checkpoint epoch"), job.stderr, file: file, line: line)
        XCTAssertTrue(job.stderr.contains(resumed), "the recovery must resume, not start over: \(job.stderr)", file: file, line: line)
    }
}
