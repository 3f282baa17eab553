/// Which ranks of a communicator share a node, for collectives that run in two stages:
/// inside each node (memory hand-off between threads), then among one leader per node
/// (the lowest rank there). Only worth it when some node hosts several of the
/// communicator's ranks and there is more than one node.
struct NodeHierarchy {
    /// The communicator's ranks on the caller's node, in rank order.
    let local: Participants
    /// One rank per node, in the order of the nodes' lowest ranks; nil unless the caller is
    /// its node's leader.
    let leaders: Participants?
    /// The leader of each rank's node, indexed by rank.
    private let leaderOfRank: [Int]

    func leader(ofRank rank: Int) -> Int { leaderOfRank[rank] }

    /// nil when two stages would not help: one node, or one rank per node.
    init?(nodeOfRank: [Int], me: Int) {
        var ranksOfNode: [Int: [Int]] = [:]
        var leaderOrder: [Int] = []
        for (rank, node) in nodeOfRank.enumerated() {
            if ranksOfNode[node] == nil { leaderOrder.append(rank) }
            ranksOfNode[node, default: []].append(rank)
        }
        guard ranksOfNode.count > 1, ranksOfNode.count < nodeOfRank.count else { return nil }
        let mine = ranksOfNode[nodeOfRank[me]]!
        local = Participants(mine, me: mine.firstIndex(of: me)!)
        leaders = mine[0] == me ? Participants(leaderOrder, me: leaderOrder.firstIndex(of: me)!) : nil
        leaderOfRank = nodeOfRank.map { ranksOfNode[$0]![0] }
    }
}

extension Communicator {
    /// The two-stage layout, for a collective among all of the communicator's ranks.
    func nodeHierarchy(for participants: Participants) -> NodeHierarchy? {
        guard participants.isEveryone else { return nil }
        return hierarchy
    }
}
