/// The collectives on an intercommunicator in which both groups take part alike: each
/// rank exchanges with every rank of the remote group in one step (the communicator's
/// point-to-point ranks are the remote group's). Barrier: an empty message each way, so
/// a rank leaves once every remote rank has entered. Allgather(v): each rank receives
/// the remote group's blocks. Reduce_scatter(_block): each rank sends its whole vector to
/// every remote rank and combines, in the remote ranks' order, the block its own group's
/// counts give it. Allreduce and alltoall(v,w) are the intracommunicator schedules,
/// which address the remote group as they stand; no collective takes `MPI_IN_PLACE`
/// here, and scan and exscan are not defined on intercommunicators (`.comm`).
///
/// The blocking forms run these schedules and wait for them.
extension Communicator {
    /// Runs a collective's schedule to the end (the blocking forms on an intercommunicator).
    func runToCompletion(_ schedule: CollectiveSchedule) throws(MPIError) {
        _ = try schedule.startedRequest().wait()
    }

    func interBarrierSchedule() -> CollectiveSchedule {
        var builder = ScheduleBuilder(self)
        let empty = UnsafeMutableRawBufferPointer(start: nil, count: 0)
        var transfers: [CollectiveSchedule.Transfer] = []
        for peer in 0..<size {
            transfers.append(.receive(empty, from: peer))
            transfers.append(.send(UnsafeRawBufferPointer(empty), to: peer))
        }
        builder.transfers(transfers)
        return builder.build()
    }

    func interAllgathervSchedule(_ send: SendBuffer, sendCount: Int, sendType: Datatype,
                                 _ receive: UnsafeMutableRawPointer?, receiveCounts: [Int], displacements: [Int], receiveType: Datatype) throws(MPIError) -> CollectiveSchedule {
        let pointer = try Self.notInPlace(send, "allgather")
        try Self.checkCounts(receiveCounts, displacements, ranks: size, datatype: receiveType)
        try Self.checkAddress(receive, counts: receiveCounts.prefix(size), datatype: receiveType)
        try Self.checkBuffer(pointer, count: sendCount, datatype: sendType)
        var builder = ScheduleBuilder(self)
        let mine = try builder.outgoing(pointer, count: sendCount, datatype: sendType)
        var transfers: [CollectiveSchedule.Transfer] = []
        for peer in 0..<size {
            transfers.append(.receive(try builder.incoming(block(receive, at: displacements[peer], of: receiveType), count: receiveCounts[peer], datatype: receiveType),
                                      from: peer))
            transfers.append(.send(mine, to: peer))
        }
        builder.transfers(transfers)
        return builder.build()
    }

    /// `receiveCounts` are the local group's (one per local rank); their sum is the
    /// length of every vector, in both groups.
    func interReduceScatterSchedule(_ send: SendBuffer, _ receive: UnsafeMutableRawPointer?, receiveCounts: [Int], datatype: Datatype, op: Op) throws(MPIError) -> CollectiveSchedule {
        let pointer = try Self.notInPlace(send, "reduce_scatter")
        try Self.checkCounts(receiveCounts, ranks: localSize, datatype: datatype)
        try op.check(datatype)
        let counts = Array(receiveCounts.prefix(localSize))
        let (total, overflow) = counts.reduce((0, false)) { sum, count in
            let next = sum.0.addingReportingOverflow(count)
            return (next.partialValue, sum.1 || next.overflow)
        }
        guard !overflow else { throw MPIError(.count, "reduce_scatter: the receive counts add up past the largest count") }
        try Self.checkBuffer(pointer, count: total, datatype: datatype)
        try Self.checkAddress(receive, counts: CollectionOfOne(counts[rank]), datatype: datatype)
        var builder = ScheduleBuilder(self)
        let input = try builder.outgoing(pointer, count: total, datatype: datatype)
        let vector = datatype.packedSize(total)
        let offset = datatype.packedSize(counts[..<rank].reduce(0, +)), mine = datatype.packedSize(counts[rank])
        let slots = try builder.scratch(vector * size)
        var transfers: [CollectiveSchedule.Transfer] = []
        for peer in 0..<size {
            transfers.append(.receive(UnsafeMutableRawBufferPointer(rebasing: slots[(peer * vector)..<((peer + 1) * vector)]), from: peer))
            transfers.append(.send(input, to: peer))
        }
        builder.transfers(transfers)
        let result = try builder.incoming(receive, count: counts[rank], datatype: datatype)
        let parts = (0..<size).map { UnsafeRawBufferPointer(rebasing: slots[($0 * vector + offset)..<($0 * vector + offset + mine)]) }
        let count = counts[rank]
        builder.then { combineInRankOrder(parts, into: result, count: count, datatype: datatype, op: op) }
        return builder.build()
    }

    /// Scan and exscan have no meaning between two groups.
    func checkPrefixReduction(_ operation: String) throws(MPIError) {
        guard !isIntercommunicator else { throw MPIError(.comm, "\(operation) is not defined on an intercommunicator") }
    }
}
