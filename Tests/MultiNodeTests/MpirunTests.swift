import Foundation
import XCTest

/// The same binaries, started by OpenMPI's mpirun: wire-up goes through PMIx.
final class MpirunTests: XCTestCase {
    private func mpirun() throws -> String {
        try XCTUnwrap(["/usr/bin/mpirun", "/usr/local/bin/mpirun"].first { FileManager.default.isExecutableFile(atPath: $0) },
                      "mpirun is missing: scripts/test installs openmpi-bin")
    }

    func testSwiftProgramsCommunicateUnderMpirun() throws {
        let mpirun = try mpirun()
        let output = try JobProcess.runToSuccess(mpirun, ["--oversubscribe", "-n", "3", JobProcess.built("p2p-check"), "--links"])
        XCTAssertTrue(output.contains("p2p-check ok: 3 ranks"), output)
        XCTAssertTrue(output.contains("node1=SharedMemoryLink"), output)
        let ring = try JobProcess.runToSuccess(mpirun, ["--oversubscribe", "-n", "4", JobProcess.built("ring"), "--laps", "20"])
        XCTAssertTrue(ring.contains("ring ok: 4 ranks, 20 laps"), ring)
    }

    /// Without PMIx the nodes meet through files in a directory; it is gone afterwards.
    func testFileRendezvousWhenPMIxIsNotUsed() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("brazos-test-rendezvous-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = try JobProcess.runToSuccess(try mpirun(), [
            "--oversubscribe", "-x", "BRAZOS_WIREUP=file", "-x", "BRAZOS_RENDEZVOUS_DIR=\(directory.path)",
            "-n", "3", JobProcess.built("p2p-check"), "--links",
        ])
        XCTAssertTrue(output.contains("p2p-check ok: 3 ranks"), output)
        XCTAssertTrue(output.contains("node1=SharedMemoryLink"), output)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), [], "the rendezvous left files behind")
    }
}
