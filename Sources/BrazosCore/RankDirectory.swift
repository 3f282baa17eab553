import CBrazos

/// Where each rank lives. Every send looks its destination up here, never computes it:
/// migration moves ranks between nodes and updates this table.
///
/// The number of ranks is fixed for a job, so the table is one fixed block of words read
/// with acquire loads and written with release stores: the lookup on every send takes
/// no lock.
public final class RankDirectory: @unchecked Sendable {
    private let nodeOfRank: UnsafeMutablePointer<UInt64>
    public let rankCount: Int

    public init(cards: [NodeCard]) {
        rankCount = cards.reduce(0) { max($0, ($1.ranks.max() ?? -1) + 1) }
        nodeOfRank = .allocate(capacity: max(rankCount, 1))
        nodeOfRank.initialize(repeating: UInt64.max, count: max(rankCount, 1))
        for card in cards { for rank in card.ranks { nodeOfRank[rank] = UInt64(card.node) } }
    }

    deinit { nodeOfRank.deallocate() }

    /// The node hosting `rank`, or nil for a rank outside the job.
    @inline(__always)
    public func node(of rank: Int) -> Int? {
        guard rank >= 0 && rank < rankCount else { return nil }
        let node = brazos_load_acquire_u64(nodeOfRank + rank)
        return node == UInt64.max ? nil : Int(node)
    }

    public func move(rank: Int, to node: Int) {
        precondition(rank >= 0 && rank < rankCount, "rank \(rank) is not in the job")
        brazos_store_release_u64(nodeOfRank + rank, UInt64(node))
    }
}
