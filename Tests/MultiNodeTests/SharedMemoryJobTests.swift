import XCTest

/// The shared region in real jobs: allocation agreement across nodes, the threads of a
/// node sharing pages through the fault path, and faults that are not ours staying
/// ordinary crashes.
final class SharedMemoryJobTests: XCTestCase {
    let brazosrun = JobProcess.built("brazosrun")
    let check = JobProcess.built("dsm-check")

    func testThreadsOfANodeShareTheRegion() throws {
        let output = try JobProcess.runToSuccess(brazosrun, ["-n", "1", "-T", "3", check, "--threads-sum", "5000"])
        XCTAssertTrue(output.contains("threads-sum ok: 3 ranks, sum 112492500"), output)
    }

    func testAllocationsAgreeAcrossNodesAndAMismatchIsNamed() throws {
        let output = try JobProcess.runToSuccess(brazosrun, ["-n", "3", check, "--allocations"])
        XCTAssertTrue(output.contains("allocations ok: small at 0, aligned at 4096, again at 0"), output)
        let mismatch = try JobProcess(brazosrun, ["-n", "2", check, "--mismatch"])
        XCTAssertEqual(mismatch.waitForExit(timeout: 60), 1)
        XCTAssertTrue(mismatch.stderr.contains("shared allocation 'grid' differs between ranks: sizes 800...1600 bytes"), mismatch.stderr)
        XCTAssertFalse(mismatch.stdout.contains("went unnoticed"), mismatch.stdout)
    }

    func testFaultsOutsideTheRegionGoToThePreviousHandler() throws {
        // The default action: the node dies of SIGSEGV, as without the runtime.
        let crash = try JobProcess(brazosrun, ["-n", "1", check, "--crash-outside"])
        XCTAssertNotEqual(crash.waitForExit(timeout: 60), 0)
        XCTAssertTrue(crash.stderr.contains("SIGSEGV"), crash.stderr)
        XCTAssertFalse(crash.stdout.contains("did not fault"), crash.stdout)
        // A handler the program installed first still gets its faults.
        let handled = try JobProcess(brazosrun, ["-n", "1", check, "--previous-handler"])
        XCTAssertEqual(handled.waitForExit(timeout: 60), 42, handled.stderr)
    }

    func testTouchingTheRegionAcrossNodesStopsWithAClearMessage() throws {
        let job = try JobProcess(brazosrun, ["-n", "2", check, "--threads-sum", "10"])
        XCTAssertEqual(job.waitForExit(timeout: 60), 1)
        XCTAssertTrue(job.stderr.contains("shared memory between nodes is not built yet"), job.stderr)
    }
}
