/// What MPI attaches to a communicator besides its ranks and context: its topology, name,
/// attributes and info hints. Kept apart from `Communicator` so that the point-to-point
/// path's object stays small and these grow without touching it.
///
/// Unchecked: MPI leaves the ordering of calls that set and read these to the program
/// (a communicator's attributes are not changed by two threads at once).
final class CommunicatorExtras: @unchecked Sendable {
    init() {}
}

extension Communicator {
    /// The ranks this rank receives from (`sources`) and sends to (`destinations`) in
    /// neighbourhood collectives, in the order MPI gives them (`MPI_PROC_NULL` entries
    /// included, as a Cartesian shift at an edge yields); `.topology` when the
    /// communicator has no topology.
    public func neighbors() throws(MPIError) -> (sources: [Int], destinations: [Int]) {
        throw MPIError(.topology, "the communicator has no topology")
    }
}
