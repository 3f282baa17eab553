import Foundation
import XCTest

/// A launched job (brazosrun or mpirun) under test: its output gathered as it comes, its
/// time bounded, and itself killed by PID if a test leaves it running.
///
/// Unchecked: the pipe readers and Foundation's termination handler run on threads of
/// their own; everything they touch (output, errors, exitStatus) is guarded by `condition`.
final class JobProcess: @unchecked Sendable {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// The programs under test: `.build/debug`, or `BRAZOS_TEST_BIN` (another build's
    /// folder, such as the ThreadSanitizer build of scripts/tsan).
    static func built(_ name: String) -> String {
        if let folder = ProcessInfo.processInfo.environment["BRAZOS_TEST_BIN"] { return "\(folder)/\(name)" }
        return root.appendingPathComponent(".build/debug/\(name)").path
    }

    let process = Process()
    private let condition = NSCondition()
    private var output = ""
    private var errors = ""
    private var exitStatus: Int32?

    init(_ executable: String, _ arguments: [String], environment extra: [String: String] = [:]) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        // The tests' own BRAZOS_ settings stay out of the job, except the shared region's
        // base: a ThreadSanitizer build (scripts/tsan) needs one inside its application memory.
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("BRAZOS_") || $0.key == "BRAZOS_SHARED_BASE" }
        environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1"
        environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1"
        environment.merge(extra) { $1 }
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        // One reader thread per pipe, each to its end: the exit is reported only once both
        // have appended everything (a readability handler still holding read bytes when
        // the termination handler ran let a test see an empty output after the exit).
        let drained = DispatchGroup()
        for (pipe, isErrors) in [(out, false), (err, true)] {
            drained.enter()
            Thread.detachNewThread { [weak self] in
                let handle = pipe.fileHandleForReading
                while true {
                    let data = handle.availableData
                    if data.isEmpty { break }
                    self?.append(data, toErrors: isErrors)
                }
                drained.leave()
            }
        }
        process.terminationHandler = { [weak self] process in
            drained.wait()
            guard let self else { return }
            self.condition.lock()
            self.exitStatus = process.terminationStatus
            self.condition.broadcast()
            self.condition.unlock()
        }
        try process.run()
    }

    deinit { stop() }

    private func append(_ data: Data, toErrors: Bool) {
        guard !data.isEmpty else { return }
        condition.lock()
        if toErrors { errors += String(decoding: data, as: UTF8.self) } else { output += String(decoding: data, as: UTF8.self) }
        condition.broadcast()
        condition.unlock()
    }

    var stdout: String { condition.lock(); defer { condition.unlock() }; return output }
    var stderr: String { condition.lock(); defer { condition.unlock() }; return errors }

    /// Waits for a line of standard output containing `text`; nil after `timeout` seconds.
    func waitForLine(containing text: String, timeout: TimeInterval) -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let line = output.split(separator: "\n").first(where: { $0.contains(text) }) { return String(line) }
            if exitStatus != nil || !condition.wait(until: deadline) { return nil }
        }
    }

    /// Waits until standard error contains `text`; false after `timeout` seconds or once
    /// the process ended without it.
    func waitForDiagnostic(containing text: String, timeout: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        while true {
            if errors.contains(text) { return true }
            if exitStatus != nil || !condition.wait(until: deadline) { return false }
        }
    }

    /// The exit status, or nil if the job did not end within `timeout` seconds (it is
    /// then killed).
    func waitForExit(timeout: TimeInterval) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        while exitStatus == nil && condition.wait(until: deadline) {}
        let status = exitStatus
        condition.unlock()
        if status == nil { stop() }
        return status
    }

    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// Runs a job to its end and checks it succeeded; returns its standard output.
    @discardableResult
    static func runToSuccess(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                             timeout: TimeInterval = 120, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let job = try JobProcess(executable, arguments, environment: environment)
        let status = job.waitForExit(timeout: timeout)
        XCTAssertEqual(status, 0, "\(executable) \(arguments) ended with \(String(describing: status)); stderr:\n\(job.stderr)", file: file, line: line)
        return job.stdout
    }
}
