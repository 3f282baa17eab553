import Foundation
import XCTest

/// The same binaries, started by OpenMPI's mpirun: wire-up goes through PMIx.
final class MpirunTests: XCTestCase {
    func testSwiftProgramsCommunicateUnderMpirun() throws {
        let mpirun = try XCTUnwrap(["/usr/bin/mpirun", "/usr/local/bin/mpirun"].first { FileManager.default.isExecutableFile(atPath: $0) },
                                   "mpirun is missing: scripts/test installs openmpi-bin")
        let output = try JobProcess.runToSuccess(mpirun, ["--oversubscribe", "-n", "3", JobProcess.built("p2p-check"), "--links"])
        XCTAssertTrue(output.contains("p2p-check ok: 3 ranks"), output)
        XCTAssertTrue(output.contains("node1=SharedMemoryLink"), output)
        let ring = try JobProcess.runToSuccess(mpirun, ["--oversubscribe", "-n", "4", JobProcess.built("ring"), "--laps", "20"])
        XCTAssertTrue(ring.contains("ring ok: 4 ranks, 20 laps"), ring)
    }
}
