/// Where each rank lives. Every send looks its destination up here, never computes it:
/// migration moves ranks between nodes and updates this table.
public final class RankDirectory: @unchecked Sendable {
    private let lock = PthreadMutex()
    private var nodeOfRank: [Int]

    public init(cards: [NodeCard]) {
        let count = cards.reduce(0) { max($0, ($1.ranks.max() ?? -1) + 1) }
        var table = [Int](repeating: -1, count: count)
        for card in cards { for rank in card.ranks { table[rank] = card.node } }
        nodeOfRank = table
    }

    public var rankCount: Int { lock.withLock { nodeOfRank.count } }

    /// The node hosting `rank`, or nil for a rank outside the job.
    public func node(of rank: Int) -> Int? {
        lock.withLock { rank >= 0 && rank < nodeOfRank.count ? nodeOfRank[rank] : nil }
    }

    public func move(rank: Int, to node: Int) {
        lock.withLock { nodeOfRank[rank] = node }
    }
}
