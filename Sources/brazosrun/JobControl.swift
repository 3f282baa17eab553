import BrazosCore
import CBrazos
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Requests to a running brazosrun from its machine (`brazosrun drain JOB --node K`): one
/// line over a stream socket in the abstract namespace named after brazosrun's pid (no
/// file; visible in its network namespace), taken only from the same user or root: a
/// `JobRequest` one way, a `JobAnswer` the other.
enum JobControl {
    static let namePrefix = "brazosrun-job-"
    static func name(of job: pid_t) -> String { namePrefix + "\(job)" }

    /// The attempt of the job requests go to (none before the first, or between a failure
    /// and its recovery), and whether there was one.
    private static let current = Guarded<(supervisor: Supervisor?, started: Bool)>((nil, false))

    /// The attempt running now, if any.
    static var attempt: Supervisor? { current.withLock { $0.supervisor } }

    static func attach(_ supervisor: Supervisor?) {
        current.withLock { $0.supervisor = supervisor; $0.started = $0.started || supervisor != nil }
    }

    /// Serves requests for the life of this brazosrun.
    static func serve() {
        let listener = brazos_control_listen(name(of: getpid()))
        guard listener >= 0 else {
            diagnose("brazosrun: no job-control socket (errno \(errno)); drain requests cannot reach this job")
            return
        }
        NativeThread.spawn {
            while true {
                let connection = brazos_accept(listener)
                guard connection >= 0 else { continue }
                let uid = brazos_peer_uid(connection)
                let answer = uid == Int(getuid()) || uid == 0 ? answer(readLine(connection)) : .refused("another user's request")
                writeLine(answer.text, to: connection)
                close(connection)
            }
        }
    }

    private static func answer(_ line: String) -> JobAnswer {
        guard let request = JobRequest(line: line[...]) else { return .refused("unknown request '\(line)'") }
        let (attempt, started) = current.withLock { ($0.supervisor, $0.started) }
        guard let supervisor = attempt else {
            if request == .status { return .report("job \(getpid()): \(started ? "between attempts (recovering from a failure)" : "starting")") }
            return .refused(started ? "the job is between attempts (recovering); ask again" : "the job is still starting; ask again")
        }
        switch request {
        case .status: return .report(supervisor.snapshot().report(job: getpid()))
        case let .drain(node): return JobAnswer(supervisor.drain(node))
        case let .join(host): return JobAnswer(supervisor.join(host: host))
        }
    }

    /// Sends `request` to job `job` and returns its answer.
    static func ask(_ job: pid_t, _ request: JobRequest) throws(BrazosError) -> JobAnswer {
        let connection = brazos_control_connect(name(of: job))
        guard connection >= 0 else { throw .configuration("no running brazosrun job \(job) on this machine (errno \(errno))") }
        defer { close(connection) }
        writeLine(request.line, to: connection)
        return JobAnswer(text: readAll(connection)[...])
    }

    private static func writeLine(_ text: String, to descriptor: Int32) {
        let bytes = Array((text + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    }

    /// Up to the end (the answer may have several lines), at most 1 MiB.
    private static func readAll(_ descriptor: Int32) -> String {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while bytes.count < 1 << 20 {
            let count = read(descriptor, &chunk, chunk.count)
            if count <= 0 { break }
            bytes += chunk[..<count]
        }
        while bytes.last == UInt8(ascii: "\n") { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Up to a newline or 4 KiB.
    private static func readLine(_ descriptor: Int32) -> String {
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while bytes.count < 4096, read(descriptor, &byte, 1) == 1, byte != UInt8(ascii: "\n") { bytes.append(byte) }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// `brazosrun join JOB [--host H]` (`--add-host H` too): asks the job whose brazosrun has
/// process id JOB to start a node on host H (this machine by default) that joins it; the
/// job admits it at its next eligible barrier and moves threads there.
enum JoinRequest {
    static func send(job: pid_t, host: String?) -> Int32 {
        do {
            let answer = try JobControl.ask(job, .join(host: host))
            print(answer.text)
            return answer.isAccepted ? 0 : 1
        } catch {
            diagnose("brazosrun join: \(error)")
            return 1
        }
    }
}

/// `brazosrun drain JOB --node K`: asks the job whose brazosrun has process id JOB to move
/// node K's threads to the other nodes at its next eligible barrier, hand its pages over,
/// and let it exit while the job goes on.
enum DrainRequest {
    static func send(job: pid_t, node: Int) -> Int32 {
        do {
            let answer = try JobControl.ask(job, .drain(node: node))
            print(answer.text)
            return answer.isAccepted ? 0 : 1
        } catch {
            diagnose("brazosrun drain: \(error)")
            return 1
        }
    }
}
