/// The members an origin may copy to and from with no other check than a lookup: those
/// whose memory is reached here (`Window.Peer.directBase`) and whose access the current
/// passive-target epoch allows. Kept by the window as its epoch changes, so that an
/// 8-byte put or get costs a few loads and compares, not the general path's
/// enum matching, list search and argument checks (at that size they cost more than the
/// copy, several times over).
///
/// Fence and post-start-complete-wait epochs are not here: their accesses wait for the
/// target's synchronisation and are counted, which the general path does.
struct DirectReach {
    /// A member reached: its memory here, and the window's extent of it.
    struct Span {
        let base: UnsafeMutableRawPointer
        let size: Int
        let displacementUnit: Int
        /// Whose atomicity the accumulates take. Unretained, so that reading a span costs
        /// no reference counting: the window's `peers` hold it while the window lives.
        unowned(unsafe) let memory: WindowMemory

        /// The address of `count` elements of `datatype` at `displacement`, and their
        /// bytes, when they lie inside the memory; nil otherwise (or when empty).
        @inline(__always)
        func address(of count: Int, _ datatype: Datatype, at displacement: Int) -> (address: UnsafeMutableRawPointer, bytes: Int)? {
            let (bytes, countOverflow) = count.multipliedReportingOverflow(by: datatype.size)
            let (offset, offsetOverflow) = displacement.multipliedReportingOverflow(by: displacementUnit)
            guard !countOverflow, !offsetOverflow, bytes > 0, offset >= 0, offset <= size - bytes else { return nil }
            return (base + offset, bytes)
        }
    }

    /// By member (communicator rank): its span while the epoch allows it, else nil.
    private var spans: [Span?]
    /// The members set in `spans` (all of them after a lock-all), cleared on the next change.
    private var reached: [Int] = []

    init(members: Int) {
        spans = Array(repeating: nil, count: members)
    }

    /// Member `rank`'s span, when an access to it may be copied directly now.
    @inline(__always)
    func span(of rank: Int) -> Span? {
        guard UInt(bitPattern: rank) < UInt(spans.count) else { return nil }
        return spans[rank]
    }

    /// Follows the origin's epoch: the members it allows, of `peers`, that are reached here.
    mutating func follow(_ epoch: AccessEpoch, peers: [Window.Peer]) {
        for rank in reached { spans[rank] = nil }
        reached.removeAll(keepingCapacity: true)
        let allowed: [Int]
        switch epoch {
        case .lockedAll: allowed = Array(peers.indices)
        case let .locked(targets): allowed = targets.ranks
        case .none, .fence, .started: allowed = []
        }
        for rank in allowed {
            guard let base = peers[rank].directBase, let memory = peers[rank].local?.memory ?? peers[rank].mapped else { continue }
            spans[rank] = Span(base: base, size: peers[rank].size, displacementUnit: peers[rank].displacementUnit, memory: memory)
            reached.append(rank)
        }
    }
}
