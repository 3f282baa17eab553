import BrazosCore
import BrazosMPI
import FoundationEssentials

/// Admitting a node that joined the running job (`brazosrun join`), at an eligible shared
/// barrier (docs/ARCHITECTURE.md, "Joining nodes"): every node takes it in and tells it
/// where each rank is, then the threads the plan picks move to it. It homes no page; its
/// allocations come with the threads that arrive there.
extension SharedMemory {
    /// Inside a shared barrier that agreed to admit `joiner`, on every rank: `rankNodes`
    /// is where each rank is now, the same on every rank, so every rank computes the
    /// same plan without a word more.
    func admit(_ joiner: Int, _ thread: BrazosThread, rankNodes: [Int], state: some Encodable) throws {
        try job.admit(node: joiner)
        job.node.joinDone(joiner)
        let movers = Self.ranksToMove(rankNodes: rankNodes)
        if thread.rank == movers.first {
            diagnose("brazos: admitting node \(joiner): rank\(movers.count == 1 ? "" : "s") \(movers.map(String.init).joined(separator: ",")) move\(movers.count == 1 ? "s" : "") there")
        }
        guard movers.contains(thread.rank) else { return }
        try job.move(thread, to: joiner, state: Array(try JSONEncoder().encode(state)))
    }

    /// The ranks that move to a node joining nodes that host `rankNodes[r]` for each rank
    /// r: up to its share (the ranks over the nodes, at least one), each time the highest
    /// rank of the node with the most (the highest such node on a tie), and never a
    /// node's last one.
    static func ranksToMove(rankNodes: [Int]) -> [Int] {
        var byNode: [Int: [Int]] = [:]
        for (rank, node) in rankNodes.enumerated() { byNode[node, default: []].append(rank) }
        let share = max(1, rankNodes.count / (byNode.count + 1))
        var movers: [Int] = []
        while movers.count < share {
            guard let (node, ranks) = byNode.max(by: { ($0.value.count, $0.key) < ($1.value.count, $1.key) }), ranks.count > 1 else { break }
            movers.append(ranks.last!)
            byNode[node]!.removeLast()
        }
        return movers.sorted()
    }
}
