import BrazosCore
import Synchronization

/// What brazosrun says while a recovery runs, so that a long one is never silent: when
/// the new attempt's nodes are connected, and when every node has read the checkpoint and
/// the job runs again, each with the time since the failure was seen. (Node 0 reports
/// its reading of a large checkpoint as it goes.)
final class RecoveryProgress: Sendable {
    let number: Int
    let failedNode: Int
    /// When brazosrun saw the failure (monotonic seconds).
    let failedAt: Double
    /// The checkpoint the attempt starts from; nil: from the beginning.
    let epoch: Int?
    /// Which nodes have read the checkpoint, the longest read (milliseconds) and the most
    /// bytes one node read; updated as each node's report comes in.
    private let reads = Guarded<(nodes: Set<Int>, slowest: Double, largest: Int)>(([], 0, 0))

    init(number: Int, failedNode: Int, failedAt: Double, epoch: Int?) {
        self.number = number
        self.failedNode = failedNode
        self.failedAt = failedAt
        self.epoch = epoch
    }

    private var sinceFailure: String { "\(formatDuration(monotonicSeconds() - failedAt)) after node \(failedNode) failed" }

    /// Every node of the new attempt is connected and told to go.
    func connected(nodes: Int) {
        guard let epoch else {
            return diagnose("brazosrun: recovery \(number) done: \(nodes) nodes run the job again from the beginning, \(sinceFailure)",
                            level: .info, metadata: ["event": "recovered", "recovery": "\(number)"])
        }
        diagnose("brazosrun: recovery \(number): \(nodes) nodes started and connected, \(sinceFailure); each now reads checkpoint epoch \(epoch)",
                 level: .info, metadata: ["event": "recovery-connected", "recovery": "\(number)", "epoch": "\(epoch)"])
    }

    /// Node `node` has read the checkpoint, `bytes` of it in `milliseconds`; once all `of`
    /// nodes have, the job runs again.
    func restored(node: Int, bytes: Int, milliseconds: Double, of nodes: Int) {
        let whole = reads.withLock { reads -> (slowest: Double, largest: Int)? in
            reads.nodes.insert(node)
            reads.slowest = max(reads.slowest, milliseconds)
            reads.largest = max(reads.largest, bytes)
            return reads.nodes.count == nodes ? (reads.slowest, reads.largest) : nil
        }
        guard let whole, let epoch else { return }
        diagnose("brazosrun: recovery \(number) done: the job runs again from checkpoint epoch \(epoch), \(sinceFailure) "
                 + "(each node read \(whole.largest) bytes, in \(format1(whole.slowest)) ms at most)",
                 level: .info, metadata: ["event": "recovered", "recovery": "\(number)", "epoch": "\(epoch)", "read_ms": "\(format1(whole.slowest))"])
    }
}
