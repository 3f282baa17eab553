#if canImport(Glibc)
import Glibc
#endif

/// Errors of the runtime core. Each says what failed in words a user can act on.
public enum BrazosError: Error, CustomStringConvertible, Equatable {
    /// A system call failed; `errno` is kept so callers can tell EAGAIN from EPERM.
    case system(call: String, errno: Int32)
    /// A frame or control message that does not follow the wire format.
    case malformed(String)
    /// A connection whose peer did not prove knowledge of the job's secret.
    case authenticationFailed(String)
    /// The job's environment or options are inconsistent.
    case configuration(String)
    /// A peer node vanished or a connection closed before the job ended.
    case peerLost(node: Int, reason: String)
    /// Waiting for wire-up took longer than allowed.
    case timedOut(String)

    /// The error as a one-line message for the user.
    public var description: String {
        switch self {
        case let .system(call, code): return "\(call) failed: \(String(cString: strerror(code))) (errno \(code))"
        case let .malformed(what): return "malformed message: \(what)"
        case let .authenticationFailed(what): return "authentication failed: \(what)"
        case let .configuration(what): return "configuration error: \(what)"
        case let .peerLost(node, reason): return "node \(node) lost: \(reason)"
        case let .timedOut(what): return "timed out: \(what)"
        }
    }

    /// The error for a failed system call, reading `errno` now.
    public static func lastSystemError(_ call: String) -> BrazosError {
        .system(call: call, errno: errno)
    }
}
