import Foundation
import XCTest

/// The command lines read by swift-argument-parser: brazosrun's subcommands and the
/// examples. `--help` prints the usage and exits 0; a command line that cannot be taken is
/// refused on standard error with status 2, before anything is asked of a job or joined.
final class CommandLineTests: XCTestCase {
    let brazosrun = JobProcess.built("brazosrun")

    func testSubcommandsRefuseBadCommandLinesWithStatus2() throws {
        let refusals: [([String], String)] = [
            (["status", "0"], "The value '0' is invalid for '<JOB>'"),
            (["checkpoint"], "Missing expected argument '<JOB>'"),
            (["drain", "1"], "Missing expected argument '--node <K>'"),
            (["join", "1", "--add-host", "a b"], "--host takes a host name, not 'a b'"),
            (["checkpoints", "show", "/tmp"], "The value 'show' is invalid for '<list|verify>'"),
            (["status", "1", "2"], "Unexpected argument '2'"),
        ]
        for (arguments, expected) in refusals {
            let refused = try JobProcess(brazosrun, arguments)
            XCTAssertEqual(refused.waitForExit(timeout: 30), 2, "\(arguments): \(refused.stderr)")
            XCTAssertTrue(refused.stderr.contains(expected), "\(arguments): \(refused.stderr)")
            XCTAssertEqual(refused.stdout, "", "\(arguments)")
        }
        let help = try JobProcess(brazosrun, ["drain", "--help"])
        XCTAssertEqual(help.waitForExit(timeout: 30), 0, help.stderr)
        XCTAssertTrue(help.stdout.contains("USAGE: brazosrun drain <JOB> --node <K>"), help.stdout)
    }

    /// `BRAZOS_RANKS_PER_NODE` is brazosrun's, one positive count a node: a node given a
    /// bad one, or one outside brazosrun, says so and starts nothing.
    func testABadRanksPerNodeIsRefusedBeforeWireUp() throws {
        let job = ["BRAZOS_JOB": "0123456789ab", "BRAZOS_SECRET": String(repeating: "ab", count: 32),
                   "BRAZOS_NODES": "3", "BRAZOS_NODE": "0", "BRAZOS_CONTROL": "127.0.0.1:1"]
        let refusals: [([String: String], String)] = [
            (["BRAZOS_RANKS_PER_NODE": "2,1,1"], "BRAZOS_RANKS_PER_NODE is brazosrun's (with BRAZOS_CONTROL); under mpirun or srun set BRAZOS_THREADS_PER_NODE"),
            (job.merging(["BRAZOS_RANKS_PER_NODE": "2,1"]) { $1 }, "BRAZOS_RANKS_PER_NODE=2,1 gives 2 nodes, BRAZOS_NODES=3"),
            (job.merging(["BRAZOS_RANKS_PER_NODE": "2,0,1"]) { $1 }, "BRAZOS_RANKS_PER_NODE=2,0,1 is not a list of positive integers"),
        ]
        for (environment, expected) in refusals {
            // The examples let Brazos.join's error end them (a Swift top-level error): no backtrace.
            let refused = try JobProcess(JobProcess.built("ring"), ["--laps", "1"], environment: environment.merging(["SWIFT_BACKTRACE": "enable=no"]) { $1 })
            XCTAssertNotEqual(refused.waitForExit(timeout: 30), 0, "\(environment): \(refused.stderr)")
            XCTAssertTrue(refused.stderr.contains(expected), "\(environment): \(refused.stderr)")
            XCTAssertFalse(refused.stdout.contains("ring"), refused.stdout)
        }
    }

    func testExamplesRefuseBadOptionsBeforeJoiningAJob() throws {
        let refusals: [(String, [String], String)] = [
            ("sor", ["--size", "0"], "The value '0' is invalid for '--size <N>': takes a positive integer"),
            ("sor", ["--steps", "100", "--balance-every", "x"], "The value 'x' is invalid for '--balance-every <K>'"),
            ("water", ["--frobnicate"], "Unknown option '--frobnicate'"),
            ("ring", ["--laps", "0"], "The value '0' is invalid for '--laps <K>'"),
        ]
        for (program, arguments, expected) in refusals {
            let refused = try JobProcess(JobProcess.built(program), arguments)
            XCTAssertEqual(refused.waitForExit(timeout: 30), 2, "\(program) \(arguments): \(refused.stderr)")
            XCTAssertTrue(refused.stderr.contains(expected), "\(program) \(arguments): \(refused.stderr)")
        }
        let help = try JobProcess(JobProcess.built("sor"), ["--size", "5", "--help"])
        XCTAssertEqual(help.waitForExit(timeout: 30), 0, help.stderr)
        XCTAssertTrue(help.stdout.contains("USAGE: sor [--size <N>] [--steps <S>] [--residual]"), help.stdout)
        XCTAssertTrue(help.stdout.contains("red-black steps (default 100)"), help.stdout)
    }
}
