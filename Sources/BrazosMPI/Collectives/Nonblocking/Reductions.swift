/// `MPI_Ireduce`, `MPI_Iallreduce`, `MPI_Ireduce_scatter(_block)`, `MPI_Iscan`,
/// `MPI_Iexscan` and their persistent forms. Each is one step in which every rank sends
/// its contribution (or the block of it) to each rank that needs it, oneself included,
/// and a local step that combines what arrived in rank order (`combineInRankOrder`), so
/// operations that do not commute get the lower ranks' data on the left and every rank
/// of an allreduce gets the same bits. A rank receiving from p ranks holds p
/// contributions at once: memory for latency, fine for the few ranks of a job here.
extension Communicator {
    public func ireduce(_ send: SendBuffer, _ receive: UnsafeMutableRawPointer?, count: Int, datatype: Datatype, op: Op, root: Int) throws(MPIError) -> Request {
        try reduceSchedule(send, receive, count: count, datatype: datatype, op: op, root: root).startedRequest()
    }

    public func reduceInit(_ send: SendBuffer, _ receive: UnsafeMutableRawPointer?, count: Int, datatype: Datatype, op: Op, root: Int) throws(MPIError) -> Request {
        try reduceSchedule(send, receive, count: count, datatype: datatype, op: op, root: root).persistentRequest()
    }

    public func iallreduce(_ send: SendBuffer, _ receive: UnsafeMutableRawPointer?, count: Int, datatype: Datatype, op: Op) throws(MPIError) -> Request {
        try allreduceSchedule(send, receive, count: count, datatype: datatype, op: op).startedRequest()
    }

    public func allreduceInit(_ send: SendBuffer, _ receive: UnsafeMutableRawPointer?, count: Int, datatype: Datatype, op: Op) throws(MPIError) -> Request {
        try allreduceSchedule(send, receive, count: count, datatype: datatype, op: op).persistentRequest()
    }

    public func ireduceScatter(_ send: SendBuffer, _ receive: UnsafeMutableRawPointer?, receiveCounts: [Int], datatype: Datatype, op: Op) throws(MPIError) -> Request {
        try reduceScatterSchedule(send, receive, receiveCounts: receiveCounts, datatype: datatype, op: op).startedRequest()
    }

    public func reduceScatterInit(_ send: SendBuffer, _ receive: UnsafeMutableRawPointer?, receiveCounts: [Int], datatype: Datatype, op: Op) throws(MPIError) -> Request {
        try reduceScatterSchedule(send, receive, receiveCounts: receiveCounts, datatype: datatype, op: op).persistentRequest()
    }

    /// Like `reduceScatter` with `receiveCount` elements for every rank (`MPI_Reduce_scatter_block`);
    /// on an intercommunicator, for every rank of the caller's group.
    public func reduceScatterBlock(_ send: SendBuffer, _ receive: UnsafeMutableRawPointer?, receiveCount: Int, datatype: Datatype, op: Op) throws(MPIError) {
        try Self.checkCount(receiveCount)
        try reduceScatter(send, receive, receiveCounts: Array(repeating: receiveCount, count: localSize), datatype: datatype, op: op)
    }

    public func ireduceScatterBlock(_ send: SendBuffer, _ receive: UnsafeMutableRawPointer?, receiveCount: Int, datatype: Datatype, op: Op) throws(MPIError) -> Request {
        try Self.checkCount(receiveCount)
        return try ireduceScatter(send, receive, receiveCounts: Array(repeating: receiveCount, count: localSize), datatype: datatype, op: op)
    }

    public func reduceScatterBlockInit(_ send: SendBuffer, _ receive: UnsafeMutableRawPointer?, receiveCount: Int, datatype: Datatype, op: Op) throws(MPIError) -> Request {
        try Self.checkCount(receiveCount)
        return try reduceScatterInit(send, receive, receiveCounts: Array(repeating: receiveCount, count: localSize), datatype: datatype, op: op)
    }

    public func iscan(_ send: SendBuffer, _ receive: UnsafeMutableRawPointer?, count: Int, datatype: Datatype, op: Op) throws(MPIError) -> Request {
        try prefixSchedule(send, receive, count: count, datatype: datatype, op: op, inclusive: true).startedRequest()
    }

    public func scanInit(_ send: SendBuffer, _ receive: UnsafeMutableRawPointer?, count: Int, datatype: Datatype, op: Op) throws(MPIError) -> Request {
        try prefixSchedule(send, receive, count: count, datatype: datatype, op: op, inclusive: true).persistentRequest()
    }

    public func iexscan(_ send: SendBuffer, _ receive: UnsafeMutableRawPointer?, count: Int, datatype: Datatype, op: Op) throws(MPIError) -> Request {
        try prefixSchedule(send, receive, count: count, datatype: datatype, op: op, inclusive: false).startedRequest()
    }

    public func exscanInit(_ send: SendBuffer, _ receive: UnsafeMutableRawPointer?, count: Int, datatype: Datatype, op: Op) throws(MPIError) -> Request {
        try prefixSchedule(send, receive, count: count, datatype: datatype, op: op, inclusive: false).persistentRequest()
    }

    /// Combines `accumulator` = `input` op `accumulator`, elementwise, with no communication (`MPI_Reduce_local`).
    public func reduceLocal(_ input: UnsafeRawPointer?, _ accumulator: UnsafeMutableRawPointer?, count: Int, datatype: Datatype, op: Op) throws(MPIError) {
        try Self.reduceLocal(input, accumulator, count: count, datatype: datatype, op: op)
    }

    /// `MPI_Reduce_local`, which needs no communicator.
    public static func reduceLocal(_ input: UnsafeRawPointer?, _ accumulator: UnsafeMutableRawPointer?, count: Int, datatype: Datatype, op: Op) throws(MPIError) {
        try checkBuffer(input, count: count, datatype: datatype)
        try checkBuffer(accumulator, count: count, datatype: datatype)
        try op.check(datatype)
        guard count > 0, datatype.size > 0 else { return }
        let left = try PackedBuffer.reading(input, count: count, datatype: datatype)
        defer { left.release() }
        let right = try PackedBuffer.updating(accumulator, count: count, datatype: datatype)
        defer { right.release() }
        op.apply(left.bytes.baseAddress!, right.bytes.baseAddress!, count: count, datatype: datatype)
        right.finish(into: accumulator, count: count, datatype: datatype)
    }

    // MARK: Schedules

    func reduceSchedule(_ send: SendBuffer, _ receive: UnsafeMutableRawPointer?, count: Int, datatype: Datatype, op: Op, root: Int) throws(MPIError) -> CollectiveSchedule {
        if isIntercommunicator { return try interReduceSchedule(send, receive, count: count, datatype: datatype, op: op, root: root) }
        try Self.checkBuffer(send, count: count, datatype: datatype)
        try checkRoot(root)
        try op.check(datatype)
        if case .inPlace = send, rank != root { throw MPIError(.buffer, "MPI_IN_PLACE for reduce's send buffer on a rank other than the root") }
        if rank == root { try Self.checkAddress(receive, counts: CollectionOfOne(count), datatype: datatype) }
        var builder = ScheduleBuilder(self)
        let contribution = try self.contribution(send, receive, count: count, datatype: datatype, &builder)
        guard rank == root else {
            builder.transfers([.send(contribution, to: root)])
            return builder.build()
        }
        try combining(from: Array(0..<size), contribution, count: count, datatype: datatype, op: op, into: receive, &builder, sendingTo: [root])
        return builder.build()
    }

    func allreduceSchedule(_ send: SendBuffer, _ receive: UnsafeMutableRawPointer?, count: Int, datatype: Datatype, op: Op) throws(MPIError) -> CollectiveSchedule {
        // On an intercommunicator the ranks addressed are the remote group's: each rank
        // combines their contributions, as MPI's intercommunicator allreduce says.
        if isIntercommunicator { _ = try Self.notInPlace(send, "allreduce") }
        try Self.checkBuffer(send, count: count, datatype: datatype)
        try Self.checkBuffer(receive, count: count, datatype: datatype)
        try op.check(datatype)
        var builder = ScheduleBuilder(self)
        let contribution = try self.contribution(send, receive, count: count, datatype: datatype, &builder)
        try combining(from: Array(0..<size), contribution, count: count, datatype: datatype, op: op, into: receive, &builder, sendingTo: Array(0..<size))
        return builder.build()
    }

    func reduceScatterSchedule(_ send: SendBuffer, _ receive: UnsafeMutableRawPointer?, receiveCounts: [Int], datatype: Datatype, op: Op) throws(MPIError) -> CollectiveSchedule {
        if isIntercommunicator { return try interReduceScatterSchedule(send, receive, receiveCounts: receiveCounts, datatype: datatype, op: op) }
        try Self.checkCounts(receiveCounts, ranks: size, datatype: datatype)
        try op.check(datatype)
        let counts = Array(receiveCounts.prefix(size))
        let (total, overflow) = counts.reduce((0, false)) { sum, count in
            let next = sum.0.addingReportingOverflow(count)
            return (next.partialValue, sum.1 || next.overflow)
        }
        guard !overflow else { throw MPIError(.count, "reduce_scatter: the receive counts add up past the largest count") }
        switch send {
        case .inPlace: try Self.checkBuffer(receive, count: total, datatype: datatype)
        case let .memory(pointer):
            try Self.checkBuffer(pointer, count: total, datatype: datatype)
            try Self.checkAddress(receive, counts: CollectionOfOne(counts[rank]), datatype: datatype)
        }
        var builder = ScheduleBuilder(self)
        let input = try contribution(send, receive, count: total, datatype: datatype, &builder)
        let blocks = Slots(sizes: counts.map { datatype.packedSize($0) })
        let mine = blocks.sizes[rank]
        let slots = try builder.scratch(mine * size)
        var transfers: [CollectiveSchedule.Transfer] = []
        for peer in 0..<size {
            transfers.append(.receive(UnsafeMutableRawBufferPointer(rebasing: slots[(peer * mine)..<((peer + 1) * mine)]), from: peer))
            transfers.append(.send(UnsafeRawBufferPointer(rebasing: input[blocks.offsets[peer]..<(blocks.offsets[peer] + blocks.sizes[peer])]), to: peer))
        }
        builder.transfers(transfers)
        try combine(slots, slotSize: mine, ranks: size, count: counts[rank], datatype: datatype, op: op, into: receive, &builder)
        return builder.build()
    }

    func prefixSchedule(_ send: SendBuffer, _ receive: UnsafeMutableRawPointer?, count: Int, datatype: Datatype, op: Op, inclusive: Bool) throws(MPIError) -> CollectiveSchedule {
        try checkPrefixReduction(inclusive ? "scan" : "exscan")
        try Self.checkBuffer(send, count: count, datatype: datatype)
        try Self.checkBuffer(receive, count: count, datatype: datatype)
        try op.check(datatype)
        var builder = ScheduleBuilder(self)
        let contribution = try self.contribution(send, receive, count: count, datatype: datatype, &builder)
        // Rank i combines ranks 0...i (0..<i exclusive), so its contribution goes to
        // itself (inclusive) and every higher rank.
        let last = inclusive ? rank : rank - 1
        let targets = Array((inclusive ? rank : rank + 1)..<size)
        if last < 0 {
            // Exscan's rank 0: its receive buffer is left as it was.
            builder.transfers(targets.map { .send(contribution, to: $0) })
        } else {
            try combining(from: Array(0...last), contribution, count: count, datatype: datatype, op: op, into: receive, &builder, sendingTo: targets)
        }
        return builder.build()
    }

    // MARK: Parts

    /// The caller's packed contribution: from the send buffer, or in place from the
    /// receive buffer, read when the schedule starts.
    private func contribution(_ send: SendBuffer, _ receive: UnsafeMutableRawPointer?, count: Int, datatype: Datatype,
                              _ builder: inout ScheduleBuilder) throws(MPIError) -> UnsafeRawBufferPointer {
        switch send {
        case .inPlace: try builder.outgoing(receive, count: count, datatype: datatype)
        case let .memory(pointer): try builder.outgoing(pointer, count: count, datatype: datatype)
        }
    }

    /// One step receiving the contribution of each rank of `sources` (in rank order) and
    /// sending `contribution` to each of `targets`, then the combination into `receive`.
    func combining(from sources: [Int], _ contribution: UnsafeRawBufferPointer, count: Int, datatype: Datatype, op: Op,
                           into receive: UnsafeMutableRawPointer?, _ builder: inout ScheduleBuilder, sendingTo targets: [Int]) throws(MPIError) {
        let slotSize = datatype.packedSize(count)
        let slots = try builder.scratch(slotSize * sources.count)
        var transfers: [CollectiveSchedule.Transfer] = []
        for (index, source) in sources.enumerated() {
            transfers.append(.receive(UnsafeMutableRawBufferPointer(rebasing: slots[(index * slotSize)..<((index + 1) * slotSize)]), from: source))
        }
        transfers += targets.map { .send(contribution, to: $0) }
        builder.transfers(transfers)
        try combine(slots, slotSize: slotSize, ranks: sources.count, count: count, datatype: datatype, op: op, into: receive, &builder)
    }

    /// A local step combining `ranks` consecutive slots of `slotSize` bytes into `receive`.
    private func combine(_ slots: UnsafeMutableRawBufferPointer, slotSize: Int, ranks: Int, count: Int, datatype: Datatype, op: Op,
                         into receive: UnsafeMutableRawPointer?, _ builder: inout ScheduleBuilder) throws(MPIError) {
        let result = try builder.incoming(receive, count: count, datatype: datatype)
        let parts = (0..<ranks).map { UnsafeRawBufferPointer(rebasing: slots[($0 * slotSize)..<(($0 + 1) * slotSize)]) }
        builder.then { combineInRankOrder(parts, into: result, count: count, datatype: datatype, op: op) }
    }
}
