/// `MPI_Ialltoall(v,w)`, their persistent forms, and the blocking `MPI_Alltoallw`: one
/// step exchanging a block with every rank (oneself included). In place, the blocks to
/// send are copied from the receive buffer when the operation starts.
extension Communicator {
    public func ialltoall(_ send: SendBuffer, sendCount: Int, sendType: Datatype,
                          _ receive: UnsafeMutableRawPointer?, receiveCount: Int, receiveType: Datatype) throws(MPIError) -> Request {
        try alltoallSchedule(send, sendCount: sendCount, sendType: sendType, receive, receiveCount: receiveCount, receiveType: receiveType).startedRequest()
    }

    public func alltoallInit(_ send: SendBuffer, sendCount: Int, sendType: Datatype,
                             _ receive: UnsafeMutableRawPointer?, receiveCount: Int, receiveType: Datatype) throws(MPIError) -> Request {
        try alltoallSchedule(send, sendCount: sendCount, sendType: sendType, receive, receiveCount: receiveCount, receiveType: receiveType).persistentRequest()
    }

    public func ialltoallv(_ send: SendBuffer, sendCounts: [Int], sendDisplacements: [Int], sendType: Datatype,
                           _ receive: UnsafeMutableRawPointer?, receiveCounts: [Int], receiveDisplacements: [Int], receiveType: Datatype) throws(MPIError) -> Request {
        try alltoallvSchedule(send, sendCounts: sendCounts, sendDisplacements: sendDisplacements, sendType: sendType,
                              receive, receiveCounts: receiveCounts, receiveDisplacements: receiveDisplacements, receiveType: receiveType).startedRequest()
    }

    public func alltoallvInit(_ send: SendBuffer, sendCounts: [Int], sendDisplacements: [Int], sendType: Datatype,
                              _ receive: UnsafeMutableRawPointer?, receiveCounts: [Int], receiveDisplacements: [Int], receiveType: Datatype) throws(MPIError) -> Request {
        try alltoallvSchedule(send, sendCounts: sendCounts, sendDisplacements: sendDisplacements, sendType: sendType,
                              receive, receiveCounts: receiveCounts, receiveDisplacements: receiveDisplacements, receiveType: receiveType).persistentRequest()
    }

    /// Sends block j (`sendCounts[j]` elements of `sendTypes[j]`, `sendDisplacements[j]`
    /// bytes into `send`) to rank j, and puts rank i's block at byte displacement
    /// `receiveDisplacements[i]` of `receive` (`MPI_Alltoallw`). In place, the send
    /// arguments are ignored and each block is sent from where its reply goes.
    public func alltoallw(_ send: SendBuffer, sendCounts: [Int], sendDisplacements: [Int], sendTypes: [Datatype],
                          _ receive: UnsafeMutableRawPointer?, receiveCounts: [Int], receiveDisplacements: [Int], receiveTypes: [Datatype]) throws(MPIError) {
        try alltoallwSchedule(send, sendCounts: sendCounts, sendDisplacements: sendDisplacements, sendTypes: sendTypes,
                              receive, receiveCounts: receiveCounts, receiveDisplacements: receiveDisplacements, receiveTypes: receiveTypes).startedRequest().wait()
    }

    public func ialltoallw(_ send: SendBuffer, sendCounts: [Int], sendDisplacements: [Int], sendTypes: [Datatype],
                           _ receive: UnsafeMutableRawPointer?, receiveCounts: [Int], receiveDisplacements: [Int], receiveTypes: [Datatype]) throws(MPIError) -> Request {
        try alltoallwSchedule(send, sendCounts: sendCounts, sendDisplacements: sendDisplacements, sendTypes: sendTypes,
                              receive, receiveCounts: receiveCounts, receiveDisplacements: receiveDisplacements, receiveTypes: receiveTypes).startedRequest()
    }

    public func alltoallwInit(_ send: SendBuffer, sendCounts: [Int], sendDisplacements: [Int], sendTypes: [Datatype],
                              _ receive: UnsafeMutableRawPointer?, receiveCounts: [Int], receiveDisplacements: [Int], receiveTypes: [Datatype]) throws(MPIError) -> Request {
        try alltoallwSchedule(send, sendCounts: sendCounts, sendDisplacements: sendDisplacements, sendTypes: sendTypes,
                              receive, receiveCounts: receiveCounts, receiveDisplacements: receiveDisplacements, receiveTypes: receiveTypes).persistentRequest()
    }

    func alltoallSchedule(_ send: SendBuffer, sendCount: Int, sendType: Datatype,
                          _ receive: UnsafeMutableRawPointer?, receiveCount: Int, receiveType: Datatype) throws(MPIError) -> CollectiveSchedule {
        try Self.checkBuffer(receive, count: receiveCount, datatype: receiveType)
        try Self.checkBuffer(send, count: sendCount, datatype: sendType)
        // In place, the send count is ignored (and may be anything).
        let sendRanks = isInPlace(send) ? 0 : size
        return try alltoallvSchedule(send, sendCounts: Array(repeating: sendCount, count: sendRanks), sendDisplacements: (0..<sendRanks).map { $0 * sendCount },
                                     sendType: sendType, receive, receiveCounts: Array(repeating: receiveCount, count: size),
                                     receiveDisplacements: (0..<size).map { $0 * receiveCount }, receiveType: receiveType)
    }

    func alltoallvSchedule(_ send: SendBuffer, sendCounts: [Int], sendDisplacements: [Int], sendType: Datatype,
                           _ receive: UnsafeMutableRawPointer?, receiveCounts: [Int], receiveDisplacements: [Int], receiveType: Datatype) throws(MPIError) -> CollectiveSchedule {
        if isIntercommunicator { _ = try Self.notInPlace(send, "alltoallv") }
        try Self.checkCounts(receiveCounts, receiveDisplacements, ranks: size, datatype: receiveType)
        try Self.checkAddress(receive, counts: receiveCounts.prefix(size), datatype: receiveType)
        let ranks = Array(0..<size)
        let receiving = incomingBlocks(receive, peers: ranks, counts: receiveCounts, displacements: receiveDisplacements, datatype: receiveType)
        switch send {
        case .inPlace:
            let sending = outgoingBlocks(receive.map { UnsafeRawPointer($0) }, peers: ranks, counts: receiveCounts, displacements: receiveDisplacements, datatype: receiveType)
            return try exchangeSchedule(sending: sending, receiving: receiving, copySends: true)
        case let .memory(pointer):
            try Self.checkCounts(sendCounts, sendDisplacements, ranks: size, datatype: sendType)
            try Self.checkAddress(pointer, counts: sendCounts.prefix(size), datatype: sendType)
            let sending = outgoingBlocks(pointer, peers: ranks, counts: sendCounts, displacements: sendDisplacements, datatype: sendType)
            return try exchangeSchedule(sending: sending, receiving: receiving, copySends: false)
        }
    }

    func alltoallwSchedule(_ send: SendBuffer, sendCounts: [Int], sendDisplacements: [Int], sendTypes: [Datatype],
                           _ receive: UnsafeMutableRawPointer?, receiveCounts: [Int], receiveDisplacements: [Int], receiveTypes: [Datatype]) throws(MPIError) -> CollectiveSchedule {
        if isIntercommunicator { _ = try Self.notInPlace(send, "alltoallw") }
        try Self.checkBlocks(receive, receiveCounts, byteDisplacements: receiveDisplacements, receiveTypes, peers: size)
        let ranks = Array(0..<size)
        let receiving = incomingBlocks(receive, peers: ranks, counts: receiveCounts, byteDisplacements: receiveDisplacements, datatypes: receiveTypes)
        switch send {
        case .inPlace:
            let sending = outgoingBlocks(receive.map { UnsafeRawPointer($0) }, peers: ranks, counts: receiveCounts,
                                         byteDisplacements: receiveDisplacements, datatypes: receiveTypes)
            return try exchangeSchedule(sending: sending, receiving: receiving, copySends: true)
        case let .memory(pointer):
            try Self.checkBlocks(pointer, sendCounts, byteDisplacements: sendDisplacements, sendTypes, peers: size)
            let sending = outgoingBlocks(pointer, peers: ranks, counts: sendCounts, byteDisplacements: sendDisplacements, datatypes: sendTypes)
            return try exchangeSchedule(sending: sending, receiving: receiving, copySends: false)
        }
    }
}
