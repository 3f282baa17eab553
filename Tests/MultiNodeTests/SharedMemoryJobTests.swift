import XCTest

/// The shared region in real jobs: allocation agreement across nodes, the memory model
/// across processes (litmus tests), and faults that are not ours staying ordinary crashes.
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

    /// A page two allocations share keeps its first home: the later allocation must not
    /// re-home a page already written there without tracking (sor's row hashes after its
    /// grid lost one node's writes that way).
    func testAPageSharedByTwoAllocationsKeepsEveryNodesWrites() throws {
        for nodes in [2, 3] {
            let output = try JobProcess.runToSuccess(brazosrun, ["-n", "\(nodes)", check, "--shared-page"])
            XCTAssertTrue(output.contains("shared-page ok: \(nodes) ranks"), output)
        }
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

    func testMemoryModelLitmusAcrossNodes() throws {
        // A barrier makes every write visible, no stale page survives it, and writers of
        // different bytes of one page merge: across processes, and with threads per node.
        for arguments in [["-n", "2"], ["-n", "3"], ["-n", "4"], ["-n", "2", "-T", "2"], ["-n", "3", "-T", "2"]] {
            let ranks = Int(arguments[1])! * (arguments.count > 2 ? Int(arguments[3])! : 1)
            let output = try JobProcess.runToSuccess(brazosrun, arguments + [check, "--litmus", "4"])
            XCTAssertTrue(output.contains("litmus ok: \(ranks) ranks, 4 rounds"), output)
        }
        // The same with the slots placed cyclically: each rank's pages start homed on
        // other nodes and move to it, and pages of several homes interleave; and over
        // TCP, where faults go through the homes' service threads.
        for arguments in [["-n", "3"], ["-n", "2", "-T", "2"], ["-n", "3", "--transport", "tcp"]] {
            let ranks = Int(arguments[1])! * (arguments.count > 2 && arguments[2] == "-T" ? Int(arguments[3])! : 1)
            let output = try JobProcess.runToSuccess(brazosrun, arguments + [check, "--litmus", "4", "--cyclic"])
            XCTAssertTrue(output.contains("litmus ok: \(ranks) ranks, 4 rounds, cyclic"), output)
        }
        // A write before a lock's release is seen after the matching acquire: counters
        // incremented under two locks end exact, with release and scope consistency.
        for arguments in [["-n", "3"], ["-n", "2", "-T", "2"], ["-n", "3", "-T", "2"]] {
            let ranks = Int(arguments[1])! * (arguments.count > 2 ? Int(arguments[3])! : 1)
            for mode in [[], ["--scope"]] {
                let output = try JobProcess.runToSuccess(brazosrun, arguments + [check, "--locks", "30"] + mode)
                XCTAssertTrue(output.contains("locks ok: \(ranks) ranks, 30 increments each"), output)
            }
        }
        // A shared.send is a release, the matching receive an acquire.
        for arguments in [["-n", "3"], ["-n", "2", "-T", "2"]] {
            let ranks = Int(arguments[1])! * (arguments.count > 2 ? Int(arguments[3])! : 1)
            let output = try JobProcess.runToSuccess(brazosrun, arguments + [check, "--messages", "5"])
            XCTAssertTrue(output.contains("messages ok: \(ranks) ranks, 5 laps"), output)
        }
        let sum = try JobProcess.runToSuccess(brazosrun, ["-n", "3", check, "--threads-sum", "3000"])
        XCTAssertTrue(sum.contains("threads-sum ok: 3 ranks, sum 40495500"), sum)
    }
}
