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
