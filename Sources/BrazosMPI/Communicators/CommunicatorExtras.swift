/// What MPI attaches to a communicator besides its ranks and context: its topology, name,
/// attributes and info hints, and for an intercommunicator its local side. Kept apart
/// from `Communicator` so that the point-to-point path's object stays small and these
/// grow without touching it.
///
/// Unchecked: MPI leaves the ordering of calls that set and read these to the program
/// (a communicator's attributes are not changed by two threads at once); `local` is set
/// once, before the communicator is handed out.
final class CommunicatorExtras: @unchecked Sendable {
    /// Set by `MPI_Comm_set_name`; nil: the default name.
    var name: String?
    /// The hints in use (`MPI_Comm_set_info`, `MPI_Comm_dup_with_info`).
    var info = Info()
    var attributes = AttributeList()
    var topology: Topology?
    /// An intercommunicator's own group and the intracommunicator over it; nil for an
    /// intracommunicator.
    var local: LocalSide?

    init() {}
}

extension Communicator {
    /// The longest name `MPI_Comm_set_name` keeps, in bytes (`MPI_MAX_OBJECT_NAME` − 1).
    public static let maxNameLength = 127

    /// `MPI_Comm_get_name`: `MPI_COMM_WORLD` and `MPI_COMM_SELF` have their names; other
    /// communicators have an empty one until named.
    public var name: String {
        if let name = extras.name { return name }
        if translation == nil && context == ContextAllocator.world { return "MPI_COMM_WORLD" }
        if context == ContextAllocator.selfContext { return "MPI_COMM_SELF" }
        return ""
    }

    /// `MPI_Comm_set_name`: a longer name is cut to `maxNameLength` bytes (at a character boundary).
    public func setName(_ name: String) {
        var kept = ""
        for character in name {
            guard kept.utf8.count + String(character).utf8.count <= Self.maxNameLength else { break }
            kept.append(character)
        }
        extras.name = kept
    }

    /// `MPI_Comm_get_info`: a copy of the hints in use.
    public var info: Info { extras.info.duplicate() }

    /// The communicator hints of MPI 4.1 (§7.4.4) this runtime keeps; it ignores others,
    /// as MPI allows (and MPICH and Open MPI do).
    public static let knownHints: Set<String> = [
        "mpi_assert_no_any_tag", "mpi_assert_no_any_source", "mpi_assert_exact_length", "mpi_assert_allow_overtaking",
        hardwareResourceKey, processSetKey,
    ]

    /// `MPI_Comm_set_info`: the known hints replace those set before.
    public func setInfo(_ info: Info) {
        extras.info = Info(info.pairs.filter { Self.knownHints.contains($0.key) })
    }

    /// The virtual topology (`MPI_Topo_test`), nil for none.
    public var topology: Topology? { extras.topology }

    /// The ranks this rank receives from (`sources`) and sends to (`destinations`) in
    /// neighbourhood collectives, in the order MPI gives them (`MPI_PROC_NULL` entries
    /// included, as a Cartesian shift at an edge yields); `.topology` when the
    /// communicator has no topology.
    public func neighbors() throws(MPIError) -> (sources: [Int], destinations: [Int]) {
        guard let topology = extras.topology else { throw MPIError(.topology, "the communicator has no topology") }
        return topology.neighbors(of: rank)
    }
}
