import BrazosCore

/// Who makes the nodes' parts into checkpoints: brazosrun, told on the node's control
/// connection (its `CheckpointCoordinator` writes the manifests), or, in a job no
/// brazosrun started, node 0 of the job itself (`InJobCoordinator`).
enum PartCoordinator: Sendable {
    case launcher(Node)
    case inJob(InJobCoordinator)

    /// A node's part is durable.
    func partWritten(_ report: PartReport) throws {
        switch self {
        case let .launcher(node): try node.tellLauncher(.partWritten(report))
        case let .inJob(coordinator): try coordinator.partWritten(report)
        }
    }

    /// A node could not write its part: that epoch will not complete; the job goes on.
    func partFailed(epoch: Int, node id: Int, reason: String) {
        switch self {
        case let .launcher(node): try? node.tellLauncher(.partFailed(epoch: epoch, node: id, reason: reason))
        case let .inJob(coordinator): coordinator.partFailed(epoch: epoch, reason: reason)
        }
    }
}
