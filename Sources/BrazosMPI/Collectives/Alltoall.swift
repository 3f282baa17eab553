/// `MPI_Alltoall(v)`. Every receive and send is posted at once, in an order staggered by
/// rank so that not every rank sends to rank 0 first; for long messages a pairwise
/// exchange (step k: send to rank+k, receive from rank-k) keeps one transfer in flight.
extension Communicator {
    static let longAlltoall = 32 << 10

    public func alltoall(_ send: SendBuffer, sendCount: Int, sendType: Datatype,
                         _ receive: UnsafeMutableRawPointer?, receiveCount: Int, receiveType: Datatype) throws(MPIError) {
        try Self.checkBuffer(count: receiveCount, datatype: receiveType)
        if case .memory = send { try Self.checkBuffer(count: sendCount, datatype: sendType) }
        try alltoallv(send, sendCounts: Array(repeating: sendCount, count: size), sendDisplacements: (0..<size).map { $0 * sendCount }, sendType: sendType,
                      receive, receiveCounts: Array(repeating: receiveCount, count: size), receiveDisplacements: (0..<size).map { $0 * receiveCount },
                      receiveType: receiveType)
    }

    /// Displacements count elements of the send and receive datatypes.
    public func alltoallv(_ send: SendBuffer, sendCounts: [Int], sendDisplacements: [Int], sendType: Datatype,
                          _ receive: UnsafeMutableRawPointer?, receiveCounts: [Int], receiveDisplacements: [Int], receiveType: Datatype) throws(MPIError) {
        try Self.checkCounts(receiveCounts, receiveDisplacements, ranks: size, datatype: receiveType)
        func target(_ peer: Int) -> UnsafeMutableRawPointer? { receive.map { $0 + receiveDisplacements[peer] * receiveType.extent } }
        var outgoing: [PackedBuffer] = []
        defer { for packed in outgoing { packed.release() } }
        switch send {
        case .inPlace:
            // What is sent is what the receive buffer holds now: copy it before it changes.
            for peer in 0..<size {
                let copy = PackedBuffer.scratch(receiveType.packedSize(receiveCounts[peer]))
                if copy.bytes.count > 0 { receiveType.pack(receiveCounts[peer], from: target(peer)!, into: copy.bytes.baseAddress!) }
                outgoing.append(copy)
            }
        case let .memory(pointer):
            try Self.checkCounts(sendCounts, sendDisplacements, ranks: size, datatype: sendType)
            for peer in 0..<size {
                outgoing.append(PackedBuffer.reading(pointer.map { $0 + sendDisplacements[peer] * sendType.extent }, count: sendCounts[peer], datatype: sendType))
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
        var sends: [Request] = []
        for step in 1..<Swift.max(size, 1) {
            let to = (rank + step) % size
            sends.append(try collectiveIsend(UnsafeRawBufferPointer(outgoing[to].bytes), to: to, tag: .alltoall))
        }
        for send in sends { try send.wait() }
        try receives.waitAll()
    }
}
