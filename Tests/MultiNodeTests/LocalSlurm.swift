import Foundation
import XCTest

/// A throw-away Slurm cluster on this machine (scripts/slurm-local) for one test: started
/// in `init`, stopped by `stop()`. With `nodes` above 1, several slurmd (one per node
/// name, `NAMEPREFIX1...`) run side by side on the loopback address.
final class LocalSlurm {
    let directory: URL
    /// SLURM_CONF for the test's Slurm commands.
    private(set) var environment: [String: String] = [:]

    init(nodes: Int = 1, prefix: String = "node") throws {
        guard getuid() == 0 else { throw XCTSkip("the local Slurm runs its daemons as root") }
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("brazos-slurm-\(getpid())-\(prefix)")
        let exports = directory.path + ".env", log = directory.path + ".log"
        defer { unlink(exports); unlink(log) }
        let settings = ["SLURM_LOCAL_NODES=\(nodes)", "SLURM_LOCAL_NODE_PREFIX=\(prefix)"]
        let status = try run("start", settings: settings, output: exports, errors: log)
        guard status == 0 else {
            throw CocoaError(.featureUnsupported, userInfo: [NSLocalizedDescriptionKey: "slurm-local start: \(String(describing: status)): "
                + ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")])
        }
        for line in try String(contentsOfFile: exports, encoding: .utf8).split(separator: "\n") where line.hasPrefix("export ") {
            let assignment = line.dropFirst("export ".count).split(separator: "=", maxSplits: 1)
            environment[String(assignment[0])] = String(assignment[1])
        }
        XCTAssertNotNil(environment["SLURM_CONF"], "slurm-local printed no SLURM_CONF")
    }

    /// Stops the daemons and removes the directory; an error if any was left running.
    func stop(file: StaticString = #filePath, line: UInt = #line) {
        let log = directory.path + ".stop.log"
        defer { unlink(log) }
        XCTAssertEqual(try run("stop", settings: [], output: "/dev/null", errors: log), 0,
                       (try? String(contentsOfFile: log, encoding: .utf8)) ?? "", file: file, line: line)
    }

    /// Runs scripts/slurm-local, its output in files: its daemons keep whatever standard
    /// output they get, and Foundation's Process does not report the exit of a process
    /// whose descendants live on, so this spawns and reaps it directly.
    private func run(_ verb: String, settings: [String], output: String, errors: String) throws -> Int32? {
        let script = JobProcess.root.appendingPathComponent("scripts/slurm-local").path
        let arguments = ["/usr/bin/env"] + settings + ["/bin/bash", "-c", "\"$0\" \(verb) \"$1\" >\"$2\" 2>\"$3\"", script, directory.path, output, errors]
        var pid = pid_t()
        let argv = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        guard posix_spawn(&pid, "/usr/bin/env", nil, nil, argv, environ) == 0 else { throw CocoaError(.executableLoad) }
        let exited = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var status: Int32 = 0
        let child = pid
        Thread.detachNewThread {
            while waitpid(child, &status, 0) < 0 && errno == EINTR {}
            exited.signal()
        }
        guard exited.wait(timeout: .now() + 120) == .success else {
            kill(pid, SIGKILL)
            return nil
        }
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }
}
