import BrazosCore
#if canImport(Glibc)
import Glibc
#endif

/// Where a node is in the job, as brazosrun sees it from its control messages: one phase
/// at a time, moved on by `Membership` only.
enum NodePhase: Equatable {
    /// Started; it has not said hello yet.
    case starting
    /// It said hello: its card is in. A joining node waits here for the members to expect it.
    case connected
    /// Its links are up (`ready`); the first nodes wait here for one another.
    case ready
    /// A joining node told to go, connected to every node: no thread has arrived yet.
    case awaitingAdmission
    /// In the job, its heartbeats watched.
    case running
    /// Asked to drain (monotonic seconds): its threads leave at the next eligible barrier.
    case draining(since: Double)
    /// Its threads and pages are on the other nodes; it left the job.
    case drained
    /// In a planned stop: its part of this checkpoint is written; it waits for `stop`.
    case stopped(epoch: Int)
    /// Its part of the job is over (`done`); it waits for `exit`.
    case done
    /// It was still joining when the job ended: told it is not needed.
    case unneeded

    var isDraining: Bool { if case .draining = self { return true } else { return false } }

    /// Said all it will say: its connection closing or its exit is no failure.
    var hasFinished: Bool {
        switch self {
        case .drained, .stopped, .done, .unneeded: return true
        case .starting, .connected, .ready, .awaitingAdmission, .running, .draining: return false
        }
    }
}

/// The node's process, as brazosrun's reaping sees it.
enum NodeProcess: Equatable {
    case notStarted
    case running(pid_t)
    case ended(pid_t)
}

/// One node of an attempt, as brazosrun keeps it (under `Membership`'s lock).
struct NodeRecord {
    let host: String
    /// Numbered past the job's first nodes: it joined while the job ran (`brazosrun join`).
    let joined: Bool
    var phase: NodePhase = .starting
    var process: NodeProcess = .notStarted
    var card: NodeCard?
    var channel: NodeConnection?
    /// When the node last said it was alive (monotonic seconds), once it is ready.
    var heard: Double?
    /// What its last heartbeat said of it (`threads`, `arrivals`, `barriers`).
    var reported: [String: Int] = [:]
    /// A joining node: when it was asked for (monotonic seconds), and the nodes yet to
    /// say they expect its connections.
    var joinAsked: Double?
    var awaitedExpecting: Set<Int> = []

    init(host: String, joined: Bool) {
        self.host = host
        self.joined = joined
    }

    var pid: pid_t {
        switch process {
        case .notStarted: return 0
        case let .running(pid), let .ended(pid): return pid
        }
    }

    var hasExited: Bool { if case .ended = process { return true } else { return false } }

    /// A joining node once a thread arrived there (and after); every first node.
    var wasAdmitted: Bool {
        guard joined else { return true }
        switch phase {
        case .starting, .connected, .ready, .awaitingAdmission, .unneeded: return false
        case .running, .draining, .drained, .stopped, .done: return true
        }
    }

    /// In the job now: running, admitted if it joined, not drained.
    var isMember: Bool { !hasExited && phase != .drained && wasAdmitted }
}
