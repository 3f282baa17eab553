import BrazosCore

/// What brazosrun says while a recovery runs, so that a long one is never silent: when
/// the new attempt's nodes are connected, and when every node has read the checkpoint and
/// the job runs again, each with the time since the failure was seen. (Node 0 reports
/// its reading of a large checkpoint as it goes.)
final class RecoveryProgress: @unchecked Sendable {
    let number: Int
    let failedNode: Int
    /// When brazosrun saw the failure (monotonic seconds).
    let failedAt: Double
    /// The checkpoint the attempt starts from; nil: from the beginning.
    let epoch: Int?
    private let lock = PthreadMutex()
    private var restored: Set<Int> = []
    private var slowestRead = 0.0
    private var bytesRead = 0

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
        let all = lock.withLock { () -> Bool in
            restored.insert(node)
            slowestRead = max(slowestRead, milliseconds)
            bytesRead = max(bytesRead, bytes)
            return restored.count == nodes
        }
        guard all, let epoch else { return }
        let (slowest, largest) = lock.withLock { (slowestRead, bytesRead) }
        diagnose("brazosrun: recovery \(number) done: the job runs again from checkpoint epoch \(epoch), \(sinceFailure) "
                 + "(each node read \(largest) bytes, in \(format1(slowest)) ms at most)",
                 level: .info, metadata: ["event": "recovered", "recovery": "\(number)", "epoch": "\(epoch)", "read_ms": "\(format1(slowest))"])
    }
}
