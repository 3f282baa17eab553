import BrazosCore

/// A session of the MPI 4 Sessions model: the process's handle on the job's process sets,
/// from which groups, and through them communicators, are made; it has its own error
/// handler. Sessions and the world model (`MPI_Init`) share the process's one rank:
/// `thread`, whose world communicator is never handed out by a session.
public final class Session: Sendable {
    /// The process sets every job has: all its processes, and the caller alone.
    public static let world = "mpi://WORLD", selfSet = "mpi://SELF"
    /// Every process set, in the order `MPI_Session_get_nth_pset` numbers them.
    public static let processSets = [world, selfSet]

    /// The rank this process is in the job.
    public let thread: BrazosThread
    /// How freely the process's threads may call.
    public let threadLevel: ThreadLevel
    private let handler: Guarded<ErrorHandler>
    /// The buffer attached to the session for buffered sends (`MPI_Session_attach_buffer`).
    public let bufferedSends = BufferedSendSpace()

    /// A session of the rank `thread`, whose errors go to `errorHandler`.
    public init(thread: BrazosThread, threadLevel: ThreadLevel, errorHandler: ErrorHandler) {
        self.thread = thread
        self.threadLevel = threadLevel
        handler = Guarded(errorHandler)
    }

    /// What the C interface does with an error on this session; Swift callers always get
    /// the error thrown.
    public var errorHandler: ErrorHandler {
        get { handler.withLock { $0 } }
        set { handler.withLock { $0 = newValue } }
    }

    /// The processes of the set named `name` (`MPI_Group_from_session_pset`).
    public func group(ofProcessSet name: String) throws(MPIError) -> Group {
        let world = thread.world
        switch name {
        case Self.world: return Group(worldRanks: Array(0..<world.size), callerWorldRank: world.rank)
        case Self.selfSet: return Group(worldRanks: [world.rank], callerWorldRank: world.rank)
        default: throw MPIError(.arg, "no process set is named \"\(name)\" (there are \(Self.processSets.joined(separator: " and ")))")
        }
    }

    /// What `MPI_Session_get_pset_info` says of the set named `name`: its `mpi_size`.
    public func information(ofProcessSet name: String) throws(MPIError) -> [(key: String, value: String)] {
        [("mpi_size", String(try group(ofProcessSet: name).size))]
    }

    /// What `MPI_Session_get_info` says: the `thread_level` the session provides.
    public var information: [(key: String, value: String)] { [("thread_level", threadLevel.description)] }
}
