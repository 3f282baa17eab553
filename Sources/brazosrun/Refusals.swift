import BrazosCore
#if canImport(Glibc)
import Glibc
#endif

/// Why `brazosrun drain` was refused; each says it as the operator reads it.
enum DrainRefusal: Error, Equatable, CustomStringConvertible {
    case notMigratable
    case stillStarting
    case notInJob(node: Int, members: [Int])
    case alreadyDrained(node: Int)
    case joinUnderWay(joiner: Int)
    case alreadyDraining(node: Int)
    case otherDraining(node: Int)
    case stopping
    case lastNode(node: Int)
    /// It has said all it will say (done, or stopped in a planned stop).
    case finished(node: Int)
    /// Asked by a node's power signal while another node is not answering.
    case othersNotAnswering

    var description: String {
        switch self {
        case .notMigratable: return "job \(getpid()) was not started with --migratable (its threads cannot move)"
        case .stillStarting: return "the job is still starting; ask again"
        case let .notInJob(node, members): return "node \(node) is not in the job (its nodes are \(members.map(String.init).joined(separator: ",")))"
        case let .alreadyDrained(node): return "node \(node) has drained already"
        case let .joinUnderWay(joiner): return "node \(joiner) is joining; ask again once it is admitted"
        case let .alreadyDraining(node): return "node \(node) is draining already"
        case let .otherDraining(node): return "node \(node) is draining; ask again once it has left"
        case .stopping: return "the job is stopping"
        case let .lastNode(node): return "node \(node) is the job's last node"
        case let .finished(node): return "node \(node) has finished its part of the job"
        case .othersNotAnswering: return "another node is not answering its heartbeats"
        }
    }
}

/// Why `brazosrun join` was refused.
enum JoinRefusal: Error, Equatable, CustomStringConvertible {
    case notMigratable
    case stillStarting
    case stopping
    case joinUnderWay(joiner: Int)
    case drainUnderWay(node: Int)
    case oneThreadPerNode(ranks: Int)
    case limitReached
    case notStarted(node: Int, host: String, error: String)
    /// In a Slurm allocation, with no host given and none to default to.
    case slurmNodeNeeded

    var description: String {
        switch self {
        case .notMigratable: return "job \(getpid()) was not started with --migratable (no thread could move to a new node)"
        case .stillStarting: return "the job is still starting; ask again"
        case .stopping: return "the job is stopping"
        case let .joinUnderWay(joiner): return "node \(joiner) is joining; ask again once it is admitted"
        case let .drainUnderWay(node): return "node \(node) is draining; ask again once it has left"
        case let .oneThreadPerNode(ranks): return "the job's \(ranks) threads are one per node already; a new node would get none"
        case .limitReached: return "\(JobConfig.joinLimit) nodes have joined this job already, the most one job takes"
        case let .notStarted(node, host, error): return "node \(node) could not be started on \(host): \(error)"
        case .slurmNodeNeeded: return "in a Slurm allocation, name the node to start it on: --host NODE (one of the allocation's)"
        }
    }
}
