import CBrazos

/// Where each rank lives. Every send looks its destination up here, never computes it:
/// migration moves ranks between nodes and updates this table.
///
/// The number of ranks is fixed for a job, so the table is one fixed block of words read
/// with acquire loads and written with release stores: the lookup on every send takes
/// no lock. Each word holds a rank's node (low half) and its location version (high
/// half): the number of times it moved, so that news of an older move never undoes a
/// newer one.
///
/// Unchecked: `locations` is a `let` pointer to `rankCount` words, filled in init and
/// freed in deinit; each word is read with an acquire load and replaced whole with a
/// release store. `move` compares and then stores, so its callers serialise it: the
/// message engine calls it only under its lock.
public final class RankDirectory: @unchecked Sendable {
    private let locations: UnsafeMutablePointer<UInt64>
    /// Ranks in the job, fixed for its life.
    public let rankCount: Int
    private static let nowhere = UInt64(UInt32.max)

    /// The table as the job starts: each rank on the node whose card lists it, at version 0.
    public init(cards: [NodeCard]) {
        rankCount = cards.reduce(0) { max($0, ($1.ranks.max() ?? -1) + 1) }
        locations = .allocate(capacity: max(rankCount, 1))
        locations.initialize(repeating: Self.nowhere, count: max(rankCount, 1))
        for card in cards { for rank in card.ranks { locations[rank] = UInt64(card.node) } }
    }

    deinit { locations.deallocate() }

    /// The node hosting `rank`, or nil for a rank outside the job.
    @inline(__always)
    public func node(of rank: Int) -> Int? {
        location(of: rank)?.node
    }

    /// The node hosting `rank` as far as this node knows, and the version of that news.
    @inline(__always)
    public func location(of rank: Int) -> (node: Int, version: UInt32)? {
        guard rank >= 0 && rank < rankCount else { return nil }
        let word = brazos_load_acquire_u64(locations + rank)
        let node = word & 0xFFFF_FFFF
        return node == Self.nowhere ? nil : (Int(node), UInt32(truncatingIfNeeded: word >> 32))
    }

    /// Records that `rank` lives on `node` since its move number `version`; older news
    /// than what is known already changes nothing. Returns whether it was newer.
    @discardableResult
    public func move(rank: Int, to node: Int, version: UInt32) -> Bool {
        precondition(rank >= 0 && rank < rankCount, "rank \(rank) is not in the job")
        guard let known = location(of: rank), version > known.version else { return false }
        brazos_store_release_u64(locations + rank, UInt64(version) << 32 | UInt64(node))
        return true
    }
}
