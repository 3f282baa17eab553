/// `MPI_Ibarrier`, `MPI_Ibcast` and their persistent forms (`MPI_Barrier_init`,
/// `MPI_Bcast_init`) as schedules: a dissemination barrier (ceil(log2 p) steps of empty
/// messages) and a binomial tree broadcast (each rank receives once, then sends to its
/// children all at once).
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
        var builder = ScheduleBuilder(self)
        let empty = UnsafeMutableRawBufferPointer(start: nil, count: 0)
        var distance = 1
        while distance < size {
            builder.transfers([.receive(empty, from: (rank - distance + size) % size),
                               .send(UnsafeRawBufferPointer(empty), to: (rank + distance) % size)])
            distance *= 2
        }
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
        try Self.checkBuffer(buffer, count: count, datatype: datatype)
        try checkRoot(root)
        var builder = ScheduleBuilder(self)
        let relative = (rank - root + size) % size
        let bytes = rank == root ? UnsafeMutableRawBufferPointer(mutating: try builder.outgoing(buffer, count: count, datatype: datatype))
                                 : try builder.incoming(buffer, count: count, datatype: datatype)
        var mask = 1
        while mask < size {
            if relative & mask != 0 {
                builder.transfers([.receive(bytes, from: (relative - mask + root) % size)])
                break
            }
            mask <<= 1
        }
        var children: [CollectiveSchedule.Transfer] = []
        mask >>= 1
        while mask > 0 {
            if relative + mask < size { children.append(.send(UnsafeRawBufferPointer(bytes), to: (relative + mask + root) % size)) }
            mask >>= 1
        }
        builder.transfers(children)
        return builder.build()
    }
}
