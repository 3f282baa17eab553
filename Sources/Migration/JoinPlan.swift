/// Which threads move to a node that joins a running job (`brazosrun join`). Every rank
/// computes the plan alike from where each rank is, so no word more is needed; shared
/// memory's admission (BrazosSharedMemory/Mobility/Admission.swift) carries it out.
public enum JoinPlan {
    /// The ranks that move to a node joining nodes that host `rankNodes[r]` for each rank
    /// r: up to its share (the ranks over the nodes, at least one), each time the highest
    /// rank of the node with the most (the highest such node on a tie), and never a
    /// node's last one.
    public static func ranksToMove(rankNodes: [Int]) -> [Int] {
        var byNode: [Int: [Int]] = [:]
        for (rank, node) in rankNodes.enumerated() { byNode[node, default: []].append(rank) }
        let share = max(1, rankNodes.count / (byNode.count + 1))
        var movers: [Int] = []
        while movers.count < share {
            guard let (node, ranks) = byNode.max(by: { ($0.value.count, $0.key) < ($1.value.count, $1.key) }),
                  ranks.count > 1, let highest = ranks.last else { break }
            movers.append(highest)
            byNode[node]?.removeLast()
        }
        return movers.sorted()
    }
}
