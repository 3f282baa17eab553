import BrazosCore
import Synchronization

/// Hands out the context ids that keep communicators' messages apart. Each rank has one;
/// a new communicator takes the largest next id of the ranks that make it (agreed by an
/// allreduce on the parent), so all members use the same id and none of them has used it.
/// Ids go up by two: even for point-to-point traffic, odd for collectives.
final class ContextAllocator: Sendable {
    /// 0 and 1: the world; 2 and 3: `MPI_COMM_SELF`; 4 and 5: the runtime's own world;
    /// 6 and 7: making communicators from groups, before their members share one
    /// (`MPI_Comm_create_group` on 6, `MPI_Comm_create_from_group` and
    /// `MPI_Intercomm_create_from_groups` on 7; see `GroupExchange`).
    static let world: UInt32 = 0
    static let selfContext: UInt32 = 2
    static let runtime: UInt32 = 4
    static let groupConstruction: UInt32 = 6
    /// Behind a mutex: the communicators of one rank share the allocator, and a program
    /// may use them from several threads.
    private let nextFree: Guarded<UInt32>

    /// A rank that moved continues where it stood.
    init(next: UInt32? = nil) { nextFree = Guarded(next ?? 8) }

    /// The lowest id this rank has not used.
    var next: UInt32 { nextFree.withLock { $0 } }

    func advance(past context: UInt32) { nextFree.withLock { $0 = max($0, context + 2) } }
}
