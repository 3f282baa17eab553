/// `MPI_Ibarrier`, `MPI_Ibcast` and their persistent forms (`MPI_Barrier_init`,
/// `MPI_Bcast_init`), each one step: every rank sends an empty message to every other
/// (the barrier), the root sends its data to every other rank (the broadcast).
///
/// One step, not log p: a schedule moves on only when its own request is tested or
/// waited for, and a rank may block in another call (a receive that waits for a rank
/// still inside the barrier) while its peers need its next step. With every send
/// posted when the operation starts, the engine's progress alone completes the
/// operation for the others, as MPI's progress rule requires. The cost is p - 1
/// messages per rank (barrier) or at the root (broadcast), fine for the jobs of tens
/// of ranks this runs.
extension Communicator {
    /// Starts a barrier (`MPI_Ibarrier`): the request completes once every rank has entered it.
    public func ibarrier() throws(MPIError) -> Request {
        barrierSchedule().startedRequest()
    }

    /// A persistent barrier (`MPI_Barrier_init`), inactive until started.
    public func barrierInit() throws(MPIError) -> Request {
        barrierSchedule().persistentRequest()
    }

    func barrierSchedule() -> CollectiveSchedule {
        if isIntercommunicator { return interBarrierSchedule() }
        var builder = ScheduleBuilder(self)
        let empty = UnsafeMutableRawBufferPointer(start: nil, count: 0)
        var transfers: [CollectiveSchedule.Transfer] = []
        for peer in 0..<size where peer != rank {
            transfers.append(.receive(empty, from: peer))
            transfers.append(.send(UnsafeRawBufferPointer(empty), to: peer))
        }
        builder.transfers(transfers)
        return builder.build()
    }

    /// Starts a broadcast of the root's `count` elements into every rank's `buffer` (`MPI_Ibcast`).
    public func ibcast(_ buffer: UnsafeMutableRawPointer?, count: Int, datatype: Datatype, root: Int) throws(MPIError) -> Request {
        try bcastSchedule(buffer, count: count, datatype: datatype, root: root).startedRequest()
    }

    /// A persistent broadcast (`MPI_Bcast_init`).
    public func bcastInit(_ buffer: UnsafeMutableRawPointer?, count: Int, datatype: Datatype, root: Int) throws(MPIError) -> Request {
        try bcastSchedule(buffer, count: count, datatype: datatype, root: root).persistentRequest()
    }

    func bcastSchedule(_ buffer: UnsafeMutableRawPointer?, count: Int, datatype: Datatype, root: Int) throws(MPIError) -> CollectiveSchedule {
        if isIntercommunicator { return try interBcastSchedule(buffer, count: count, datatype: datatype, root: root) }
        try Self.checkBuffer(buffer, count: count, datatype: datatype)
        try checkRoot(root)
        var builder = ScheduleBuilder(self)
        guard rank == root else {
            builder.transfers([.receive(try builder.incoming(buffer, count: count, datatype: datatype), from: root)])
            return builder.build()
        }
        let bytes = try builder.outgoing(buffer, count: count, datatype: datatype)
        builder.transfers((0..<size).filter { $0 != root }.map { .send(bytes, to: $0) })
        return builder.build()
    }
}
