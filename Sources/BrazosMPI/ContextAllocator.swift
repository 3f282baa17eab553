/// Hands out the context ids that keep communicators' messages apart. Each rank has one;
/// a new communicator takes the largest next id of the ranks that make it (agreed by an
/// allreduce on the parent), so all members use the same id and none of them has used it.
/// Ids go up by two: even for point-to-point traffic, odd for collectives.
final class ContextAllocator: @unchecked Sendable {
    /// 0 and 1: the world; 2 and 3: `MPI_COMM_SELF`; 4 and 5: the runtime's own world.
    static let world: UInt32 = 0
    static let selfContext: UInt32 = 2
    static let runtime: UInt32 = 4
    private(set) var next: UInt32 = 6

    /// A rank that moved continues where it stood.
    init(next: UInt32? = nil) { self.next = next ?? 6 }

    func advance(past context: UInt32) { next = max(next, context + 2) }
}
