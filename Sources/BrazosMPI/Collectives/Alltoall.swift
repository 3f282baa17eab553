/// `MPI_Alltoall(v)`. Every receive and send is posted at once, in an order staggered by
/// rank so that not every rank sends to rank 0 first; for long messages a pairwise
/// exchange (step k: send to rank+k, receive from rank-k) keeps one transfer in flight.
extension Communicator {
    static let longAlltoall = 32 << 10

    /// Sends block j of `send` (`sendCount` elements) to rank j and puts rank i's block at
    /// block i of `receive` (`MPI_Alltoall`). Every rank must call it.
    public func alltoall(_ send: SendBuffer, sendCount: Int, sendType: Datatype,
                         _ receive: UnsafeMutableRawPointer?, receiveCount: Int, receiveType: Datatype) throws(MPIError) {
        if isIntercommunicator {
            return try runToCompletion(alltoallSchedule(send, sendCount: sendCount, sendType: sendType,
                                                        receive, receiveCount: receiveCount, receiveType: receiveType))
        }
        try Self.checkBuffer(receive, count: receiveCount, datatype: receiveType)
        if case let .memory(pointer) = send {
            try Self.checkBuffer(pointer, count: sendCount, datatype: sendType)
            let bytes = sendType.packedSize(sendCount)
            if sendType.isPackedAsIs && receiveType.isPackedAsIs && bytes < Self.longAlltoall {
                // Equal contiguous blocks: no packing, no count arrays.
                guard bytes <= receiveType.packedSize(receiveCount) else {
                    throw MPIError(.truncate, "alltoall: \(bytes) bytes per rank do not fit \(receiveCount) elements of \(receiveType)")
                }
                let receiveExtent = receiveCount * receiveType.extent, sendExtent = sendCount * sendType.extent
                func block(_ peer: Int) -> UnsafeMutableRawBufferPointer { UnsafeMutableRawBufferPointer(start: receive.map { $0 + peer * receiveExtent }, count: receiveExtent) }
                func outgoing(_ peer: Int) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: pointer.map { $0 + peer * sendExtent }, count: bytes) }
                if bytes > 0 { block(rank).baseAddress!.copyMemory(from: outgoing(rank).baseAddress!, byteCount: bytes) }
                try exchangeWithEveryone(receiving: block, sending: outgoing)
                return
            }
        }
        // In place, the send count is ignored (and may be anything).
        let sendRanks = isInPlace(send) ? 0 : size
        try alltoallv(send, sendCounts: Array(repeating: sendCount, count: sendRanks), sendDisplacements: (0..<sendRanks).map { $0 * sendCount }, sendType: sendType,
                      receive, receiveCounts: Array(repeating: receiveCount, count: size), receiveDisplacements: (0..<size).map { $0 * receiveCount },
                      receiveType: receiveType)
    }

    /// Displacements count elements of the send and receive datatypes.
    public func alltoallv(_ send: SendBuffer, sendCounts: [Int], sendDisplacements: [Int], sendType: Datatype,
                          _ receive: UnsafeMutableRawPointer?, receiveCounts: [Int], receiveDisplacements: [Int], receiveType: Datatype) throws(MPIError) {
        if isIntercommunicator {
            return try runToCompletion(alltoallvSchedule(send, sendCounts: sendCounts, sendDisplacements: sendDisplacements, sendType: sendType,
                                                         receive, receiveCounts: receiveCounts, receiveDisplacements: receiveDisplacements, receiveType: receiveType))
        }
        try Self.checkCounts(receiveCounts, receiveDisplacements, ranks: size, datatype: receiveType)
        try Self.checkAddress(receive, counts: receiveCounts.prefix(size), datatype: receiveType)
        func target(_ peer: Int) -> UnsafeMutableRawPointer? { address(receive, plus: receiveDisplacements[peer] * receiveType.extent) }
        var outgoing: [PackedBuffer] = []
        defer { for packed in outgoing { packed.release() } }
        switch send {
        case .inPlace:
            // What is sent is what the receive buffer holds now: copy it before it changes.
            for peer in 0..<size {
                let copy = try PackedBuffer.scratch(receiveType.packedSize(receiveCounts[peer]))
                if copy.bytes.count > 0 { receiveType.pack(receiveCounts[peer], from: target(peer), into: copy.bytes.baseAddress!) }
                outgoing.append(copy)
            }
        case let .memory(pointer):
            try Self.checkCounts(sendCounts, sendDisplacements, ranks: size, datatype: sendType)
            try Self.checkAddress(pointer, counts: sendCounts.prefix(size), datatype: sendType)
            for peer in 0..<size {
                outgoing.append(try PackedBuffer.reading(address(pointer, plus: sendDisplacements[peer] * sendType.extent), count: sendCounts[peer], datatype: sendType))
            }
        }
        try copyElements(outgoing[rank].bytes.baseAddress, outgoing[rank].bytes.count, .byte, to: target(rank), receiveCounts[rank], receiveType)
        var receives = ElementReceives()
        defer { receives.release() }
        if outgoing.contains(where: { $0.bytes.count >= Self.longAlltoall }) {
            for step in 1..<Swift.max(size, 1) {
                let to = (rank + step) % size, from = (rank - step + size) % size
                var exchange = ElementReceives()
                defer { exchange.release() }
                try exchange.post(self, into: target(from), count: receiveCounts[from], datatype: receiveType, from: from, tag: .alltoall)
                try collectiveSend(UnsafeRawBufferPointer(outgoing[to].bytes), to: to, tag: .alltoall)
                try exchange.waitAll()
            }
            return
        }
        for step in 1..<Swift.max(size, 1) {
            let from = (rank - step + size) % size
            try receives.post(self, into: target(from), count: receiveCounts[from], datatype: receiveType, from: from, tag: .alltoall)
        }
        for step in 1..<Swift.max(size, 1) {
            let to = (rank + step) % size
            try collectiveSend(UnsafeRawBufferPointer(outgoing[to].bytes), to: to, tag: .alltoall)
        }
        try receives.waitAll()
    }

    /// Every receive is posted, then the sends go out (eager ones need no request): with
    /// the receives in place no send waits on a rank that is itself sending.
    private func exchangeWithEveryone(receiving block: (Int) -> UnsafeMutableRawBufferPointer, sending outgoing: (Int) -> UnsafeRawBufferPointer) throws(MPIError) {
        if size == 2 {
            try collectiveExchange(send: outgoing(1 - rank), to: 1 - rank, receive: block(1 - rank), from: 1 - rank, tag: .alltoall)
            return
        }
        var receives: [Request] = []
        receives.reserveCapacity(size - 1)
        for step in 1..<size {
            receives.append(try collectiveIrecv(block((rank - step + size) % size), from: (rank - step + size) % size, tag: .alltoall))
        }
        for step in 1..<size { try collectiveSend(outgoing((rank + step) % size), to: (rank + step) % size, tag: .alltoall) }
        for receive in receives { try receive.wait() }
    }
}

/// Whether a contribution is `MPI_IN_PLACE`.
func isInPlace(_ send: SendBuffer) -> Bool {
    if case .inPlace = send { return true }
    return false
}
