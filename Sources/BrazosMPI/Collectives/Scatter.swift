/// `MPI_Scatter(v)`: linear; the root starts every send at once.
extension Communicator {
    /// Sends block i of the root's `send` (`sendCount` elements) to rank i (`MPI_Scatter`);
    /// `send` matters only at the root.
    public func scatter(_ send: UnsafeRawPointer?, sendCount: Int, sendType: Datatype,
                        _ receive: ReceiveBuffer, receiveCount: Int, receiveType: Datatype, root: Int) throws(MPIError) {
        if isIntercommunicator {
            return try runToCompletion(interScatterSchedule(send, sendCount: sendCount, sendType: sendType,
                                                            receive, receiveCount: receiveCount, receiveType: receiveType, root: root))
        }
        try checkRoot(root)
        if rank == root { try Self.checkBuffer(send, count: sendCount, datatype: sendType) }
        // The send count means nothing elsewhere, and may be anything there.
        let ranks = rank == root ? size : 0
        try scatterv(send, sendCounts: Array(repeating: sendCount, count: ranks), displacements: (0..<ranks).map { $0 * sendCount },
                     sendType: sendType, receive, receiveCount: receiveCount, receiveType: receiveType, root: root)
    }

    /// `displacements` count elements of `sendType` from `send`.
    public func scatterv(_ send: UnsafeRawPointer?, sendCounts: [Int], displacements: [Int], sendType: Datatype,
                         _ receive: ReceiveBuffer, receiveCount: Int, receiveType: Datatype, root: Int) throws(MPIError) {
        if isIntercommunicator {
            return try runToCompletion(interScattervSchedule(send, sendCounts: sendCounts, displacements: displacements, sendType: sendType,
                                                             receive, receiveCount: receiveCount, receiveType: receiveType, root: root))
        }
        try checkRoot(root)
        guard rank == root else {
            guard case let .memory(pointer) = receive else { throw MPIError(.buffer, "MPI_IN_PLACE for scatter's receive buffer on a rank other than the root") }
            try Self.checkBuffer(pointer, count: receiveCount, datatype: receiveType)
            var receives = ElementReceives()
            defer { receives.release() }
            try receives.post(self, into: pointer, count: receiveCount, datatype: receiveType, from: root, tag: .scatter)
            try receives.waitAll()
            return
        }
        try Self.checkCounts(sendCounts, displacements, ranks: size, datatype: sendType)
        try Self.checkAddress(send, counts: sendCounts.prefix(size), datatype: sendType)
        if case let .memory(pointer) = receive { try Self.checkBuffer(pointer, count: receiveCount, datatype: receiveType) }
        var sends: [(Request, PackedBuffer)] = []
        defer { for (_, packed) in sends { packed.release() } }
        for target in 0..<size where target != root {
            let packed = try PackedBuffer.reading(address(send, plus: displacements[target] * sendType.extent), count: sendCounts[target], datatype: sendType)
            sends.append((try collectiveIsend(UnsafeRawBufferPointer(packed.bytes), to: target, tag: .scatter), packed))
        }
        if case let .memory(pointer) = receive {
            try copyElements(address(send, plus: displacements[root] * sendType.extent), sendCounts[root], sendType, to: pointer, receiveCount, receiveType)
        }
        for (request, _) in sends { try request.wait() }
    }
}
