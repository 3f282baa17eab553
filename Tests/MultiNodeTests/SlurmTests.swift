import Foundation
import XCTest

/// The same binaries started by Slurm's srun, on a single-host Slurm that the test
/// starts and stops itself (scripts/slurm-local): through PMIx, and without it through
/// the file rendezvous.
final class SlurmTests: XCTestCase {
    private var directory: URL!
    private var environment: [String: String] = [:]

    /// Runs scripts/slurm-local, its output in files: its daemons keep whatever standard
    /// output they get, and Foundation's Process does not report the exit of a process
    /// whose descendants live on, so this spawns and reaps it directly.
    private func slurmLocal(_ verb: String, output: String, errors: String) throws -> Int32? {
        let script = JobProcess.root.appendingPathComponent("scripts/slurm-local").path
        let arguments = ["/bin/bash", "-c", "\"$0\" \(verb) \"$1\" >\"$2\" 2>\"$3\"", script, directory.path, output, errors]
        var pid = pid_t()
        let argv = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        guard posix_spawn(&pid, "/bin/bash", nil, nil, argv, environ) == 0 else { throw CocoaError(.executableLoad) }
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

    override func setUpWithError() throws {
        guard getuid() == 0 else { throw XCTSkip("the local Slurm runs its daemons as root") }
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("brazos-slurm-\(getpid())")
        let exports = directory.path + ".env", log = directory.path + ".log"
        defer { unlink(exports); unlink(log) }
        XCTAssertEqual(try slurmLocal("start", output: exports, errors: log), 0, (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
        for line in try String(contentsOfFile: exports, encoding: .utf8).split(separator: "\n") where line.hasPrefix("export ") {
            let assignment = line.dropFirst("export ".count).split(separator: "=", maxSplits: 1)
            environment[String(assignment[0])] = String(assignment[1])
        }
        XCTAssertNotNil(environment["SLURM_CONF"], "slurm-local printed no SLURM_CONF")
    }

    override func tearDownWithError() throws {
        guard let directory else { return }
        let log = directory.path + ".stop.log"
        defer { unlink(log) }
        XCTAssertEqual(try slurmLocal("stop", output: "/dev/null", errors: log), 0, (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
    }

    func testSrunWithPMIxAndWithout() throws {
        let withPMIx = try JobProcess.runToSuccess("/usr/bin/srun", ["-n", "3", "--mpi=pmix", JobProcess.built("p2p-check"), "--links"],
                                                   environment: environment)
        XCTAssertTrue(withPMIx.contains("p2p-check ok: 3 ranks"), withPMIx)
        XCTAssertTrue(withPMIx.contains("node1=SharedMemoryLink"), withPMIx)

        let rendezvous = directory.appendingPathComponent("rendezvous")
        try FileManager.default.createDirectory(at: rendezvous, withIntermediateDirectories: true)
        var plain = environment
        plain["BRAZOS_RENDEZVOUS_DIR"] = rendezvous.path
        let withoutPMIx = try JobProcess.runToSuccess("/usr/bin/srun", ["-n", "3", "--mpi=none", JobProcess.built("ring"), "--laps", "20"],
                                                      environment: plain)
        XCTAssertTrue(withoutPMIx.contains("ring ok: 3 ranks, 20 laps"), withoutPMIx)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: rendezvous.path), [], "the rendezvous left files behind")
    }
}
