/// `MPI_Scan` and `MPI_Exscan` by recursive doubling (MPICH's algorithm): in step k each
/// rank swaps with rank ^ 2^k the combination of a block of ranks, and folds in what came
/// from below. Left operands are always the lower ranks' data.
extension Communicator {
    /// Gives rank i the combination of ranks 0...i's data, in rank order (`MPI_Scan`).
    public func scan(_ send: SendBuffer, _ receive: UnsafeMutableRawPointer?, count: Int, datatype: Datatype, op: Op) throws(MPIError) {
        try prefixReduction(send, receive, count: count, datatype: datatype, op: op, inclusive: true)
    }

    /// The receive buffer of rank 0 is left as it was.
    public func exscan(_ send: SendBuffer, _ receive: UnsafeMutableRawPointer?, count: Int, datatype: Datatype, op: Op) throws(MPIError) {
        try prefixReduction(send, receive, count: count, datatype: datatype, op: op, inclusive: false)
    }

    private func prefixReduction(_ send: SendBuffer, _ receive: UnsafeMutableRawPointer?, count: Int, datatype: Datatype, op: Op, inclusive: Bool) throws(MPIError) {
        try checkPrefixReduction(inclusive ? "scan" : "exscan")
        try Self.checkBuffer(send, count: count, datatype: datatype)
        try Self.checkBuffer(receive, count: count, datatype: datatype)
        try op.check(datatype)
        let tag: CollectiveTag = inclusive ? .scan : .exscan
        // `partial`: the combination of the block of ranks swapped so far, mine included.
        let partial = try contribution(send, receive, count: count, datatype: datatype, intoReceive: false)
        defer { partial.release() }
        let result = inclusive ? try contribution(send, receive, count: count, datatype: datatype, intoReceive: true)
                               : try PackedBuffer.writing(receive, count: count, datatype: datatype)
        defer { result.release() }
        let incoming = try incomingBuffer(partial.bytes.count)
        defer { incoming.release() }
        var resultHoldsData = inclusive
        var mask = 1
        while mask < size {
            let partner = rank ^ mask
            if partner < size {
                try collectiveExchange(send: UnsafeRawBufferPointer(partial.bytes), to: partner, receive: incoming.bytes, from: partner, tag: tag)
                if partner < rank {
                    combine(lower: incoming.bytes.baseAddress, into: partial.bytes.baseAddress, count: count, datatype: datatype, op: op)
                    if resultHoldsData {
                        combine(lower: incoming.bytes.baseAddress, into: result.bytes.baseAddress, count: count, datatype: datatype, op: op)
                    } else if result.bytes.count > 0 {
                        result.bytes.baseAddress!.copyMemory(from: incoming.bytes.baseAddress!, byteCount: result.bytes.count)
                        resultHoldsData = true
                    }
                } else {
                    combine(higher: incoming.bytes, into: partial.bytes, count: count, datatype: datatype, op: op)
                }
            }
            mask <<= 1
        }
        if resultHoldsData { result.finish(into: receive, count: count, datatype: datatype) }
    }
}
