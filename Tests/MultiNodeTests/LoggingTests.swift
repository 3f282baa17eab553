import Foundation
import XCTest

/// What brazosrun and the nodes say: a line per thread move with `--verbose` only, and one
/// JSON object per line with `--log-format json`.
final class LoggingTests: XCTestCase {
    let brazosrun = JobProcess.built("brazosrun")
    let sor = JobProcess.built("sor")

    func testVerboseAddsALinePerThreadMove() throws {
        let arguments = ["-n", "2", "-T", "2", "--migratable", sor, "--size", "100", "--steps", "40", "--migrate-every", "3"]
        let verbose = try JobProcess(brazosrun, ["--verbose"] + arguments)
        XCTAssertEqual(verbose.waitForExit(timeout: 120), 0, verbose.stderr)
        let moves = verbose.stderr.split(separator: "\n").filter { $0.hasPrefix("brazosrun: rank ") && $0.contains(" moved from node ") }
        XCTAssertFalse(moves.isEmpty, "no move was reported: \(verbose.stderr)")
        for move in moves {
            let words = move.split(separator: " ")
            XCTAssertTrue(words.count == 10 && words[6] != words[9], "a move between two different nodes: \(move)")
        }
        let quiet = try JobProcess(brazosrun, arguments)
        XCTAssertEqual(quiet.waitForExit(timeout: 120), 0, quiet.stderr)
        XCTAssertFalse(quiet.stderr.contains(" moved from node "), quiet.stderr)
        XCTAssertEqual(quiet.stdout, verbose.stdout)
    }

    func testJSONLinesCarryLevelsAndTheCheckpointsFigures() throws {
        let directory = NSTemporaryDirectory() + "brazos-log-\(getpid())-\(UInt32.random(in: 0 ... .max))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let job = try JobProcess(brazosrun, ["-n", "2", "--log-format", "json", "--checkpoint-dir", directory,
                                             sor, "--size", "60", "--steps", "60", "--checkpoint-every", "20"])
        XCTAssertEqual(job.waitForExit(timeout: 120), 0, job.stderr)
        XCTAssertTrue(job.stdout.hasPrefix("checksum: "), "the program's output stays as it is: \(job.stdout)")
        var checkpoints: [[String: String]] = []
        for line in job.stderr.split(separator: "\n") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String] else {
                return XCTFail("not a JSON object of strings: \(line)")
            }
            for key in ["time", "level", "process", "pid", "message"] { XCTAssertNotNil(object[key], "no \(key) in \(line)") }
            if object["event"] == "checkpoint" { checkpoints.append(object) }
        }
        XCTAssertEqual(checkpoints.count, 2, job.stderr)  // at steps 20 and 40
        for checkpoint in checkpoints {
            XCTAssertEqual(checkpoint["level"], "info")
            XCTAssertEqual(checkpoint["parts"], "2")
            XCTAssertNotNil(checkpoint["bytes"].flatMap { Int($0) }, "\(checkpoint)")
            XCTAssertNotNil(checkpoint["write_ms"].flatMap { Double($0) }, "\(checkpoint)")
        }
        let refused = try JobProcess(brazosrun, ["--log-format", "xml", "-n", "1", sor])
        XCTAssertEqual(refused.waitForExit(timeout: 30), 2)
        XCTAssertTrue(refused.stderr.contains("--log-format takes text or json, not 'xml'"), refused.stderr)
    }
}
