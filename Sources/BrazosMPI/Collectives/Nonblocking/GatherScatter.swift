/// `MPI_Igather(v)`, `MPI_Iscatter(v)`, `MPI_Iallgather(v)` and their persistent forms
/// as one-step schedules: every transfer is posted at once. A rank's own block travels
/// to itself like the others (a message to oneself), so that packing and in-place
/// rules are the same for every block.
extension Communicator {
    public func igather(_ send: SendBuffer, sendCount: Int, sendType: Datatype,
                        _ receive: UnsafeMutableRawPointer?, receiveCount: Int, receiveType: Datatype, root: Int) throws(MPIError) -> Request {
        try gatherSchedule(send, sendCount: sendCount, sendType: sendType, receive, receiveCount: receiveCount, receiveType: receiveType, root: root).startedRequest()
    }

    public func gatherInit(_ send: SendBuffer, sendCount: Int, sendType: Datatype,
                           _ receive: UnsafeMutableRawPointer?, receiveCount: Int, receiveType: Datatype, root: Int) throws(MPIError) -> Request {
        try gatherSchedule(send, sendCount: sendCount, sendType: sendType, receive, receiveCount: receiveCount, receiveType: receiveType, root: root).persistentRequest()
    }

    public func igatherv(_ send: SendBuffer, sendCount: Int, sendType: Datatype,
                         _ receive: UnsafeMutableRawPointer?, receiveCounts: [Int], displacements: [Int], receiveType: Datatype, root: Int) throws(MPIError) -> Request {
        try gathervSchedule(send, sendCount: sendCount, sendType: sendType, receive, receiveCounts: receiveCounts, displacements: displacements,
                            receiveType: receiveType, root: root).startedRequest()
    }

    public func gathervInit(_ send: SendBuffer, sendCount: Int, sendType: Datatype,
                            _ receive: UnsafeMutableRawPointer?, receiveCounts: [Int], displacements: [Int], receiveType: Datatype, root: Int) throws(MPIError) -> Request {
        try gathervSchedule(send, sendCount: sendCount, sendType: sendType, receive, receiveCounts: receiveCounts, displacements: displacements,
                            receiveType: receiveType, root: root).persistentRequest()
    }

    func gatherSchedule(_ send: SendBuffer, sendCount: Int, sendType: Datatype,
                        _ receive: UnsafeMutableRawPointer?, receiveCount: Int, receiveType: Datatype, root: Int) throws(MPIError) -> CollectiveSchedule {
        if isIntercommunicator {
            return try interGatherSchedule(send, sendCount: sendCount, sendType: sendType, receive, receiveCount: receiveCount, receiveType: receiveType, root: root)
        }
        try checkRoot(root)
        try Self.checkBuffer(send, count: sendCount, datatype: sendType)
        if rank == root { try Self.checkBuffer(receive, count: receiveCount, datatype: receiveType) }
        let ranks = rank == root ? size : 0
        return try gathervSchedule(send, sendCount: sendCount, sendType: sendType, receive, receiveCounts: Array(repeating: receiveCount, count: ranks),
                                   displacements: (0..<ranks).map { $0 * receiveCount }, receiveType: receiveType, root: root)
    }

    func gathervSchedule(_ send: SendBuffer, sendCount: Int, sendType: Datatype,
                         _ receive: UnsafeMutableRawPointer?, receiveCounts: [Int], displacements: [Int], receiveType: Datatype, root: Int) throws(MPIError) -> CollectiveSchedule {
        if isIntercommunicator {
            return try interGathervSchedule(send, sendCount: sendCount, sendType: sendType, receive, receiveCounts: receiveCounts, displacements: displacements,
                                            receiveType: receiveType, root: root)
        }
        try checkRoot(root)
        var builder = ScheduleBuilder(self)
        var transfers: [CollectiveSchedule.Transfer] = []
        if rank == root {
            try Self.checkCounts(receiveCounts, displacements, ranks: size, datatype: receiveType)
            try Self.checkAddress(receive, counts: receiveCounts.prefix(size), datatype: receiveType)
            try Self.checkBuffer(send, count: sendCount, datatype: sendType)
            for source in 0..<size {
                if source == root, case .inPlace = send { continue }
                transfers.append(.receive(try builder.incoming(block(receive, at: displacements[source], of: receiveType), count: receiveCounts[source], datatype: receiveType),
                                          from: source))
            }
        }
        switch send {
        case .inPlace:
            guard rank == root else { throw MPIError(.buffer, "MPI_IN_PLACE for gather's send buffer on a rank other than the root") }
        case let .memory(pointer):
            try Self.checkBuffer(pointer, count: sendCount, datatype: sendType)
            transfers.append(.send(try builder.outgoing(pointer, count: sendCount, datatype: sendType), to: root))
        }
        builder.transfers(transfers)
        return builder.build()
    }

    public func iscatter(_ send: UnsafeRawPointer?, sendCount: Int, sendType: Datatype,
                         _ receive: ReceiveBuffer, receiveCount: Int, receiveType: Datatype, root: Int) throws(MPIError) -> Request {
        try scatterSchedule(send, sendCount: sendCount, sendType: sendType, receive, receiveCount: receiveCount, receiveType: receiveType, root: root).startedRequest()
    }

    public func scatterInit(_ send: UnsafeRawPointer?, sendCount: Int, sendType: Datatype,
                            _ receive: ReceiveBuffer, receiveCount: Int, receiveType: Datatype, root: Int) throws(MPIError) -> Request {
        try scatterSchedule(send, sendCount: sendCount, sendType: sendType, receive, receiveCount: receiveCount, receiveType: receiveType, root: root).persistentRequest()
    }

    public func iscatterv(_ send: UnsafeRawPointer?, sendCounts: [Int], displacements: [Int], sendType: Datatype,
                          _ receive: ReceiveBuffer, receiveCount: Int, receiveType: Datatype, root: Int) throws(MPIError) -> Request {
        try scattervSchedule(send, sendCounts: sendCounts, displacements: displacements, sendType: sendType,
                             receive, receiveCount: receiveCount, receiveType: receiveType, root: root).startedRequest()
    }

    public func scattervInit(_ send: UnsafeRawPointer?, sendCounts: [Int], displacements: [Int], sendType: Datatype,
                             _ receive: ReceiveBuffer, receiveCount: Int, receiveType: Datatype, root: Int) throws(MPIError) -> Request {
        try scattervSchedule(send, sendCounts: sendCounts, displacements: displacements, sendType: sendType,
                             receive, receiveCount: receiveCount, receiveType: receiveType, root: root).persistentRequest()
    }

    func scatterSchedule(_ send: UnsafeRawPointer?, sendCount: Int, sendType: Datatype,
                         _ receive: ReceiveBuffer, receiveCount: Int, receiveType: Datatype, root: Int) throws(MPIError) -> CollectiveSchedule {
        if isIntercommunicator {
            return try interScatterSchedule(send, sendCount: sendCount, sendType: sendType, receive, receiveCount: receiveCount, receiveType: receiveType, root: root)
        }
        try checkRoot(root)
        if rank == root { try Self.checkBuffer(send, count: sendCount, datatype: sendType) }
        let ranks = rank == root ? size : 0
        return try scattervSchedule(send, sendCounts: Array(repeating: sendCount, count: ranks), displacements: (0..<ranks).map { $0 * sendCount },
                                    sendType: sendType, receive, receiveCount: receiveCount, receiveType: receiveType, root: root)
    }

    func scattervSchedule(_ send: UnsafeRawPointer?, sendCounts: [Int], displacements: [Int], sendType: Datatype,
                          _ receive: ReceiveBuffer, receiveCount: Int, receiveType: Datatype, root: Int) throws(MPIError) -> CollectiveSchedule {
        if isIntercommunicator {
            return try interScattervSchedule(send, sendCounts: sendCounts, displacements: displacements, sendType: sendType,
                                             receive, receiveCount: receiveCount, receiveType: receiveType, root: root)
        }
        try checkRoot(root)
        var builder = ScheduleBuilder(self)
        var transfers: [CollectiveSchedule.Transfer] = []
        switch receive {
        case .inPlace:
            guard rank == root else { throw MPIError(.buffer, "MPI_IN_PLACE for scatter's receive buffer on a rank other than the root") }
        case let .memory(pointer):
            try Self.checkBuffer(pointer, count: receiveCount, datatype: receiveType)
            transfers.append(.receive(try builder.incoming(pointer, count: receiveCount, datatype: receiveType), from: root))
        }
        if rank == root {
            try Self.checkCounts(sendCounts, displacements, ranks: size, datatype: sendType)
            try Self.checkAddress(send, counts: sendCounts.prefix(size), datatype: sendType)
            for target in 0..<size {
                if target == root, case .inPlace = receive { continue }
                transfers.append(.send(try builder.outgoing(block(send, at: displacements[target], of: sendType), count: sendCounts[target], datatype: sendType),
                                       to: target))
            }
        }
        builder.transfers(transfers)
        return builder.build()
    }

    public func iallgather(_ send: SendBuffer, sendCount: Int, sendType: Datatype,
                           _ receive: UnsafeMutableRawPointer?, receiveCount: Int, receiveType: Datatype) throws(MPIError) -> Request {
        try allgatherSchedule(send, sendCount: sendCount, sendType: sendType, receive, receiveCount: receiveCount, receiveType: receiveType).startedRequest()
    }

    public func allgatherInit(_ send: SendBuffer, sendCount: Int, sendType: Datatype,
                              _ receive: UnsafeMutableRawPointer?, receiveCount: Int, receiveType: Datatype) throws(MPIError) -> Request {
        try allgatherSchedule(send, sendCount: sendCount, sendType: sendType, receive, receiveCount: receiveCount, receiveType: receiveType).persistentRequest()
    }

    public func iallgatherv(_ send: SendBuffer, sendCount: Int, sendType: Datatype,
                            _ receive: UnsafeMutableRawPointer?, receiveCounts: [Int], displacements: [Int], receiveType: Datatype) throws(MPIError) -> Request {
        try allgathervSchedule(send, sendCount: sendCount, sendType: sendType, receive, receiveCounts: receiveCounts, displacements: displacements,
                               receiveType: receiveType).startedRequest()
    }

    public func allgathervInit(_ send: SendBuffer, sendCount: Int, sendType: Datatype,
                               _ receive: UnsafeMutableRawPointer?, receiveCounts: [Int], displacements: [Int], receiveType: Datatype) throws(MPIError) -> Request {
        try allgathervSchedule(send, sendCount: sendCount, sendType: sendType, receive, receiveCounts: receiveCounts, displacements: displacements,
                               receiveType: receiveType).persistentRequest()
    }

    func allgatherSchedule(_ send: SendBuffer, sendCount: Int, sendType: Datatype,
                           _ receive: UnsafeMutableRawPointer?, receiveCount: Int, receiveType: Datatype) throws(MPIError) -> CollectiveSchedule {
        try Self.checkBuffer(receive, count: receiveCount, datatype: receiveType)
        return try allgathervSchedule(send, sendCount: sendCount, sendType: sendType, receive, receiveCounts: Array(repeating: receiveCount, count: size),
                                      displacements: (0..<size).map { $0 * receiveCount }, receiveType: receiveType)
    }

    func allgathervSchedule(_ send: SendBuffer, sendCount: Int, sendType: Datatype,
                            _ receive: UnsafeMutableRawPointer?, receiveCounts: [Int], displacements: [Int], receiveType: Datatype) throws(MPIError) -> CollectiveSchedule {
        if isIntercommunicator {
            return try interAllgathervSchedule(send, sendCount: sendCount, sendType: sendType, receive, receiveCounts: receiveCounts, displacements: displacements,
                                               receiveType: receiveType)
        }
        try Self.checkCounts(receiveCounts, displacements, ranks: size, datatype: receiveType)
        try Self.checkAddress(receive, counts: receiveCounts.prefix(size), datatype: receiveType)
        try Self.checkBuffer(send, count: sendCount, datatype: sendType)
        var builder = ScheduleBuilder(self)
        var transfers: [CollectiveSchedule.Transfer] = []
        let mine: UnsafeRawBufferPointer
        switch send {
        case .inPlace:
            mine = try builder.outgoing(block(receive, at: displacements[rank], of: receiveType), count: receiveCounts[rank], datatype: receiveType)
        case let .memory(pointer):
            guard sendType.packedSize(sendCount) == receiveType.packedSize(receiveCounts[rank]) else {
                throw MPIError(.truncate, "allgather: this rank sends \(sendType.packedSize(sendCount)) bytes where \(receiveType.packedSize(receiveCounts[rank])) are expected")
            }
            mine = try builder.outgoing(pointer, count: sendCount, datatype: sendType)
        }
        for peer in 0..<size {
            if peer == rank, case .inPlace = send { continue }
            transfers.append(.receive(try builder.incoming(block(receive, at: displacements[peer], of: receiveType), count: receiveCounts[peer], datatype: receiveType),
                                      from: peer))
            transfers.append(.send(mine, to: peer))
        }
        builder.transfers(transfers)
        return builder.build()
    }
}
