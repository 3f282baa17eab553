#if canImport(Glibc)
import Glibc
#endif

/// Why brazosrun took a node for failed. The launcher decides on the case (a program's
/// own error exit is not recovered from, a death is); the text is what people read, and
/// what the other nodes are told.
public enum FailureReason: Equatable, Sendable, CustomStringConvertible {
    /// The program exited with this non-zero status: its own choice.
    case exited(status: Int32)
    /// The process was killed by this signal.
    case killed(signal: Int32)
    /// It exited with status 0 before the job ended.
    case exitedEarly
    /// Its control connection closed (or carried what brazosrun cannot take) before it
    /// was done; what happened, in words.
    case lostConnection(String)
    /// It said nothing for this many seconds: hung, or cut off.
    case heartbeatMissed(seconds: Int)

    public var description: String {
        switch self {
        case let .exited(status): return "exited with status \(status)"
        case let .killed(signal): return "was killed by \(signalName(signal))"
        case .exitedEarly: return "exited before the job ended"
        case let .lostConnection(detail): return "its control connection closed (\(ControlLine.oneLine(detail)))"
        case let .heartbeatMissed(seconds): return "sent no heartbeat for \(seconds) s (hung or cut off)"
        }
    }

    /// The reason `description` wrote as `text`.
    init(parsing text: Substring) throws(ControlMessageError) {
        func malformed() -> ControlMessageError { .malformed(verb: "failed", reason: "gives no reason brazosrun writes: '\(text.prefix(64))'") }
        if let status = text.dropping(prefix: "exited with status ") {
            guard let value = Int32(status) else { throw malformed() }
            self = .exited(status: value)
        } else if let name = text.dropping(prefix: "was killed by ") {
            guard let signal = signalNumber(named: name) else { throw malformed() }
            self = .killed(signal: signal)
        } else if text == "exited before the job ended" {
            self = .exitedEarly
        } else if let detail = text.dropping(prefix: "its control connection closed ("), detail.hasSuffix(")") {
            self = .lostConnection(String(detail.dropLast()))
        } else if let silence = text.dropping(prefix: "sent no heartbeat for "), let seconds = silence.dropping(suffix: " s (hung or cut off)") {
            guard let value = Int(seconds), value >= 0 else { throw malformed() }
            self = .heartbeatMissed(seconds: value)
        } else {
            throw malformed()
        }
    }
}

/// A node that failed, as brazosrun tells the others: `NODE (pid PID on HOST) failed: REASON`.
public struct NodeFailure: Equatable, Sendable, CustomStringConvertible {
    public var node: Int
    public var pid: Int32
    public var host: String
    public var reason: FailureReason

    public init(node: Int, pid: Int32, host: String, reason: FailureReason) {
        self.node = node
        self.pid = pid
        self.host = host
        self.reason = reason
    }

    public var description: String { "\(node) (pid \(pid) on \(ControlLine.oneLine(host))) failed: \(reason)" }

    /// The failure `description` wrote as `text`.
    init(parsing text: Substring) throws(ControlMessageError) {
        func malformed() -> ControlMessageError { .malformed(verb: "failed", reason: "is not 'NODE (pid PID on HOST) failed: REASON': '\(text.prefix(64))'") }
        guard let open = text.firstRange(of: " (pid "), let node = Int(text[..<open.lowerBound]), node >= 0 else { throw malformed() }
        let afterPid = text[open.upperBound...]
        guard let on = afterPid.firstRange(of: " on "), let pid = Int32(afterPid[..<on.lowerBound]) else { throw malformed() }
        let afterOn = afterPid[on.upperBound...]
        guard let close = afterOn.firstRange(of: ") failed: ") else { throw malformed() }
        self.init(node: node, pid: pid, host: String(afterOn[..<close.lowerBound]), reason: try FailureReason(parsing: afterOn[close.upperBound...]))
    }
}

/// The name people know a signal by (`SIGKILL`), or `signal N`.
public func signalName(_ signal: Int32) -> String {
    namedSignals.first { $0.number == signal }?.name ?? "signal \(signal)"
}

/// The signal `signalName` calls `name`, or nil.
public func signalNumber(named name: Substring) -> Int32? {
    if let number = name.dropping(prefix: "signal ") { return Int32(number).flatMap { $0 > 0 ? $0 : nil } }
    return namedSignals.first { $0.name == name }?.number
}

private let namedSignals: [(name: String, number: Int32)] = [
    ("SIGKILL", SIGKILL), ("SIGTERM", SIGTERM), ("SIGINT", SIGINT), ("SIGSEGV", SIGSEGV), ("SIGABRT", SIGABRT),
    ("SIGBUS", SIGBUS), ("SIGILL", SIGILL), ("SIGTRAP", SIGTRAP), ("SIGHUP", SIGHUP), ("SIGPIPE", SIGPIPE),
    ("SIGPWR", SIGPWR), ("SIGUSR1", SIGUSR1),
]

extension Substring {
    /// What follows `prefix`, if the text starts with it.
    func dropping(prefix: String) -> Substring? { hasPrefix(prefix) ? dropFirst(prefix.count) : nil }

    /// What precedes `suffix`, if the text ends with it.
    func dropping(suffix: String) -> Substring? { hasSuffix(suffix) ? dropLast(suffix.count) : nil }
}
