import BrazosCore
import BrazosMPI
import FoundationEssentials
import Migration

/// Admitting a node that joined the running job (`brazosrun join`), at an eligible shared
/// barrier (docs/ARCHITECTURE.md, "Joining nodes"): every node takes it in and tells it
/// where each rank is, then the threads Migration's `JoinPlan` picks move to it. It homes no page; its
/// allocations come with the threads that arrive there.
extension SharedMemory {
    /// Inside a shared barrier that agreed to admit `joiner`, on every rank: `rankNodes`
    /// is where each rank is now, the same on every rank, so every rank computes the
    /// same plan without a word more.
    func admit(_ joiner: Int, _ thread: BrazosThread, rankNodes: [Int], state: some Encodable) throws {
        try job.admit(node: joiner)
        job.node.joinDone(joiner)
        let movers = JoinPlan.ranksToMove(rankNodes: rankNodes)
        if thread.rank == movers.first {
            diagnose("brazos: admitting node \(joiner): rank\(movers.count == 1 ? "" : "s") \(movers.map(String.init).joined(separator: ",")) move\(movers.count == 1 ? "s" : "") there")
        }
        guard movers.contains(thread.rank) else { return }
        try job.move(thread, to: joiner, state: Array(try JSONEncoder().encode(state)))
    }
}
