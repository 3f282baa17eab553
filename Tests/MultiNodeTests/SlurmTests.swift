import Foundation
import XCTest

/// The same binaries started by Slurm's srun, on a single-host Slurm that the test
/// starts and stops itself (scripts/slurm-local): through PMIx, and without it through
/// the file rendezvous.
final class SlurmTests: XCTestCase {
    private var slurm: LocalSlurm?

    override func setUpWithError() throws {
        slurm = try LocalSlurm()
    }

    override func tearDown() {
        slurm?.stop()
    }

    func testSrunWithPMIxAndWithout() throws {
        let slurm = try XCTUnwrap(slurm)
        let withPMIx = try JobProcess.runToSuccess("/usr/bin/srun", ["-n", "3", "--mpi=pmix", JobProcess.built("p2p-check"), "--links"],
                                                   environment: slurm.environment)
        XCTAssertTrue(withPMIx.contains("p2p-check ok: 3 ranks"), withPMIx)
        XCTAssertTrue(withPMIx.contains("node1=SharedMemoryLink"), withPMIx)

        let rendezvous = slurm.directory.appendingPathComponent("rendezvous")
        try FileManager.default.createDirectory(at: rendezvous, withIntermediateDirectories: true)
        var plain = slurm.environment
        plain["BRAZOS_RENDEZVOUS_DIR"] = rendezvous.path
        let withoutPMIx = try JobProcess.runToSuccess("/usr/bin/srun", ["-n", "3", "--mpi=none", JobProcess.built("ring"), "--laps", "20"],
                                                      environment: plain)
        XCTAssertTrue(withoutPMIx.contains("ring ok: 3 ranks, 20 laps"), withoutPMIx)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: rendezvous.path), [], "the rendezvous left files behind")
    }
}
