import BrazosCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// What ended an attempt, if a node failed: which node, why, and when it was seen
/// (monotonic seconds).
struct JobFailure {
    let node: Int
    let reason: FailureReason
    let at: Double

    /// A node that exits with an error status made the program's own choice: a recovery
    /// would only repeat it. Any other failure (a death, a silence, a lost connection) is
    /// recovered from.
    var isTheProgramsChoice: Bool {
        if case .exited = reason { return true }
        return false
    }
}

/// Decides when a node has failed, from what the nodes' processes and connections do:
/// it reaps the processes, watches the heartbeats, and takes a lost connection's word.
/// The first failure is named, the other nodes are told and stopped. Its mutex guards the
/// failures seen and the signals passed on to the nodes; it takes `Membership`'s only
/// with its own let go.
final class FailureDetector: Sendable {
    private let membership: Membership
    private let heartbeat: Double
    private let state = Guarded(State())

    private struct State {
        var failedNodes: Set<Int> = []
        /// brazosrun's exit status once the job's end is decided: the first failure's, or
        /// 128 + the signal of the user's stop that ended a node first. Failures after
        /// that are casualties, not named.
        var status: Int32?
        var firstFailure: JobFailure?
        /// The user's signals passed on to the nodes: their end is not a failure to
        /// recover from, and a node one of them kills is not reported as failed.
        var forwarded: Set<Int32> = []
    }

    /// Nodes are started through srun: their srun's exit status stands for theirs.
    private let throughSrun: Bool

    init(membership: Membership, heartbeat: Double, throughSrun: Bool = false) {
        self.membership = membership
        self.heartbeat = heartbeat
        self.throughSrun = throughSrun
    }

    var failure: JobFailure? { state.withLock { $0.firstFailure } }
    var exitStatus: Int32 { state.withLock { $0.status ?? 0 } }
    var failed: Set<Int> { state.withLock { $0.failedNodes } }
    /// The job was ended by a signal of the user's, passed on to the nodes.
    var interrupted: Bool { state.withLock { !$0.forwarded.isEmpty } }

    /// `signal` is passed on to the nodes; true the first time.
    func forwarding(_ signal: Int32) -> Bool {
        state.withLock { $0.forwarded.insert(signal).inserted }
    }

    /// Names the failed node once, tells every other node, and stops them if they do not
    /// stop by themselves within a few seconds. Only the first failure of the job counts.
    func nodeFailed(_ node: Int, _ reason: FailureReason) {
        let first = state.withLock { state in
            guard state.failedNodes.insert(node).inserted, state.status == nil else { return false }
            state.firstFailure = JobFailure(node: node, reason: reason, at: monotonicSeconds())
            state.status = Self.status(for: reason)
            return true
        }
        guard first else { return }
        let (pid, host) = membership.identity(of: node)
        diagnose("brazosrun: node \(node) (pid \(pid) on \(host)) failed: \(reason); stopping the job", level: .error,
                 metadata: ["event": "failure", "node": "\(node)"])
        deliver(membership.broadcast(.failed(NodeFailure(node: node, pid: pid, host: host, reason: reason)), except: node))
        NativeThread.spawn { [membership] in
            usleep(3_000_000)
            for pid in membership.runningPids where pid > 0 { kill(pid, SIGKILL) }
        }
    }

    /// brazosrun's exit status for a failure: the node's own status, 128 + a signal, else 1.
    private static func status(for reason: FailureReason) -> Int32 {
        switch reason {
        case let .exited(status): return status
        case let .killed(signal): return 128 + signal
        case .exitedEarly, .lostConnection, .heartbeatMissed: return 1
        }
    }

    /// Until the job ends or fails: every half heartbeat (at most 0.5 s) runs `tick`, and
    /// a ready node silent for 5 heartbeat periods (at least 2 s), hung or cut off, is
    /// named and killed, and the job stops (or recovers) as for a dead node.
    func watchHeartbeats(tick: () -> Void) {
        let limit = max(5 * heartbeat, 2)
        while true {
            usleep(UInt32(min(heartbeat, 1) * 500_000))
            if membership.allExited || state.withLock({ $0.status != nil }) { return }
            tick()
            guard let silent = membership.silentNode(limit: limit) else { continue }
            let pid = membership.identity(of: silent).pid
            nodeFailed(silent, .heartbeatMissed(seconds: Int(limit)))
            if pid > 0 { kill(pid, SIGKILL) }
            return
        }
    }

    /// Reaps the nodes' processes until none is left, deciding for each whether its end
    /// was a failure.
    func reapChildren() {
        while true {
            var status: Int32 = 0
            let pid = waitpid(-1, &status, 0)
            if pid < 0 {
                if errno == EINTR { continue }
                return  // ECHILD: every node has been reaped
            }
            handleExit(of: pid, status: status)
        }
    }

    private func handleExit(of pid: pid_t, status launcherStatus: Int32) {
        guard let end = membership.processEnded(pid) else { return }
        let status = throughSrun ? SrunLaunch.nodeWaitStatus(fromSrun: launcherStatus) : launcherStatus
        let exitCode = (status & 0x7f) == 0 ? (status >> 8) & 0xff : -1
        let signal = status & 0x7f
        if exitCode > 0 {
            reapCausesOfFailure()
            nodeFailed(end.node, .exited(status: exitCode))
        } else if exitCode < 0 && state.withLock({ $0.forwarded.contains(signal) }) {
            // Ended by the signal brazosrun passed on: the user's stop, not a failure.
            state.withLock { state in if state.status == nil { state.status = 128 + signal } }
        } else if exitCode < 0 {
            nodeFailed(end.node, .killed(signal: signal))
        } else if !end.finished && (end.greeted || end.anyGreeted) {
            nodeFailed(end.node, .exitedEarly)
        }
    }

    /// A node that exits with an error just after another node died is usually that
    /// death's casualty (it lost its peer), and may be reaped first: other nodes that end
    /// within a moment are handled before it, so the death, not the casualty, is named
    /// (and the job recovers instead of taking the casualty for the program's choice).
    private func reapCausesOfFailure() {
        for _ in 0..<30 {
            var status: Int32 = 0
            let pid = waitpid(-1, &status, WNOHANG)
            if pid > 0 { handleExit(of: pid, status: status) } else if pid == 0 { usleep(10_000) } else { return }
        }
    }
}
