/// `MPI_Reduce_scatter`: rank i gets block i of the combination. For a commutative
/// operation, a pairwise exchange (step k: send rank+k its block, receive one's own
/// block from rank-k and fold it in), so each rank sends and combines its share once;
/// otherwise a reduce to rank 0, which keeps rank order, then a scatter.
extension Communicator {
    /// Combines every rank's data with `op` and gives rank i block i of it, `receiveCounts[i]`
    /// elements (`MPI_Reduce_scatter`).
    public func reduceScatter(_ send: SendBuffer, _ receive: UnsafeMutableRawPointer?, receiveCounts: [Int], datatype: Datatype, op: Op) throws(MPIError) {
        if isIntercommunicator { return try runToCompletion(interReduceScatterSchedule(send, receive, receiveCounts: receiveCounts, datatype: datatype, op: op)) }
        try Self.checkCounts(receiveCounts, ranks: size, datatype: datatype)
        try op.check(datatype)
        let counts = Array(receiveCounts.prefix(size))
        let total = counts.reduce(0, +)
        // In place, the whole input is in the receive buffer; else only this rank's block.
        switch send {
        case .inPlace: try Self.checkBuffer(receive, count: total, datatype: datatype)
        case let .memory(pointer):
            try Self.checkBuffer(pointer, count: total, datatype: datatype)
            try Self.checkAddress(receive, counts: CollectionOfOne(counts[rank]), datatype: datatype)
        }
        let elementSize = datatype.size
        let blocks = Slots(sizes: counts.map { $0 * elementSize })
        // In place, the whole input lies in the receive buffer.
        let input = try contribution(send, receive, count: total, datatype: datatype, intoReceive: false)
        defer { input.release() }
        if !op.isCommutative {
            try reduceBytes(input.bytes, count: total, datatype: datatype, op: op, root: 0, among: Participants(all: self), tag: .reduceScatter)
            // The combination is packed: scatter it as bytes, unpacked by each receiver.
            try scatterv(input.bytes.baseAddress, sendCounts: blocks.sizes, displacements: blocks.offsets, sendType: .byte,
                         .memory(receive), receiveCount: counts[rank], receiveType: datatype, root: 0)
            return
        }
        let mine = blocks.slice(input.bytes, rank)
        let incoming = try incomingBuffer(mine.count)
        defer { incoming.release() }
        for step in 1..<Swift.max(size, 1) {
            let to = (rank + step) % size, from = (rank - step + size) % size
            try collectiveExchange(send: UnsafeRawBufferPointer(blocks.slice(input.bytes, to)), to: to, receive: incoming.bytes, from: from, tag: .reduceScatter)
            combine(higher: incoming.bytes, into: mine, count: counts[rank], datatype: datatype, op: op)
        }
        try copyElements(mine.baseAddress, mine.count, .byte, to: receive, counts[rank], datatype)
    }
}
