/// The neighbourhood collectives (`MPI_Neighbor_allgather(v)`, `MPI_Neighbor_alltoall(v,w)`),
/// blocking, immediate (`MPI_Ineighbor_...`) and persistent (`..._init`), over the
/// communicator's topology (`neighbors()`): block j goes to destination j and block j
/// arrives from source j, in one step; `MPI_PROC_NULL` neighbours send and receive
/// nothing. Blocking forms run the schedule and wait for it.
extension Communicator {
    /// Sends `sendCount` elements to every destination; block j of `receive` comes from source j.
    public func neighborAllgather(_ send: UnsafeRawPointer?, sendCount: Int, sendType: Datatype,
                                  _ receive: UnsafeMutableRawPointer?, receiveCount: Int, receiveType: Datatype) throws(MPIError) {
        try neighborAllgatherSchedule(send, sendCount: sendCount, sendType: sendType, receive, receiveCount: receiveCount, receiveType: receiveType)
            .startedRequest().wait()
    }

    public func ineighborAllgather(_ send: UnsafeRawPointer?, sendCount: Int, sendType: Datatype,
                                   _ receive: UnsafeMutableRawPointer?, receiveCount: Int, receiveType: Datatype) throws(MPIError) -> Request {
        try neighborAllgatherSchedule(send, sendCount: sendCount, sendType: sendType, receive, receiveCount: receiveCount, receiveType: receiveType)
            .startedRequest()
    }

    public func neighborAllgatherInit(_ send: UnsafeRawPointer?, sendCount: Int, sendType: Datatype,
                                      _ receive: UnsafeMutableRawPointer?, receiveCount: Int, receiveType: Datatype) throws(MPIError) -> Request {
        try neighborAllgatherSchedule(send, sendCount: sendCount, sendType: sendType, receive, receiveCount: receiveCount, receiveType: receiveType)
            .persistentRequest()
    }

    /// Block j (`receiveCounts[j]` elements at `displacements[j]` elements) comes from source j.
    public func neighborAllgatherv(_ send: UnsafeRawPointer?, sendCount: Int, sendType: Datatype,
                                   _ receive: UnsafeMutableRawPointer?, receiveCounts: [Int], displacements: [Int], receiveType: Datatype) throws(MPIError) {
        try neighborAllgathervSchedule(send, sendCount: sendCount, sendType: sendType, receive, receiveCounts: receiveCounts,
                                       displacements: displacements, receiveType: receiveType).startedRequest().wait()
    }

    public func ineighborAllgatherv(_ send: UnsafeRawPointer?, sendCount: Int, sendType: Datatype,
                                    _ receive: UnsafeMutableRawPointer?, receiveCounts: [Int], displacements: [Int], receiveType: Datatype) throws(MPIError) -> Request {
        try neighborAllgathervSchedule(send, sendCount: sendCount, sendType: sendType, receive, receiveCounts: receiveCounts,
                                       displacements: displacements, receiveType: receiveType).startedRequest()
    }

    public func neighborAllgathervInit(_ send: UnsafeRawPointer?, sendCount: Int, sendType: Datatype,
                                       _ receive: UnsafeMutableRawPointer?, receiveCounts: [Int], displacements: [Int], receiveType: Datatype) throws(MPIError) -> Request {
        try neighborAllgathervSchedule(send, sendCount: sendCount, sendType: sendType, receive, receiveCounts: receiveCounts,
                                       displacements: displacements, receiveType: receiveType).persistentRequest()
    }

    /// Block j of `send` goes to destination j; block j of `receive` comes from source j.
    public func neighborAlltoall(_ send: UnsafeRawPointer?, sendCount: Int, sendType: Datatype,
                                 _ receive: UnsafeMutableRawPointer?, receiveCount: Int, receiveType: Datatype) throws(MPIError) {
        try neighborAlltoallSchedule(send, sendCount: sendCount, sendType: sendType, receive, receiveCount: receiveCount, receiveType: receiveType)
            .startedRequest().wait()
    }

    public func ineighborAlltoall(_ send: UnsafeRawPointer?, sendCount: Int, sendType: Datatype,
                                  _ receive: UnsafeMutableRawPointer?, receiveCount: Int, receiveType: Datatype) throws(MPIError) -> Request {
        try neighborAlltoallSchedule(send, sendCount: sendCount, sendType: sendType, receive, receiveCount: receiveCount, receiveType: receiveType)
            .startedRequest()
    }

    public func neighborAlltoallInit(_ send: UnsafeRawPointer?, sendCount: Int, sendType: Datatype,
                                     _ receive: UnsafeMutableRawPointer?, receiveCount: Int, receiveType: Datatype) throws(MPIError) -> Request {
        try neighborAlltoallSchedule(send, sendCount: sendCount, sendType: sendType, receive, receiveCount: receiveCount, receiveType: receiveType)
            .persistentRequest()
    }

    /// Displacements count elements of the send and receive datatypes.
    public func neighborAlltoallv(_ send: UnsafeRawPointer?, sendCounts: [Int], sendDisplacements: [Int], sendType: Datatype,
                                  _ receive: UnsafeMutableRawPointer?, receiveCounts: [Int], receiveDisplacements: [Int], receiveType: Datatype) throws(MPIError) {
        try neighborAlltoallvSchedule(send, sendCounts: sendCounts, sendDisplacements: sendDisplacements, sendType: sendType,
                                      receive, receiveCounts: receiveCounts, receiveDisplacements: receiveDisplacements, receiveType: receiveType).startedRequest().wait()
    }

    public func ineighborAlltoallv(_ send: UnsafeRawPointer?, sendCounts: [Int], sendDisplacements: [Int], sendType: Datatype,
                                   _ receive: UnsafeMutableRawPointer?, receiveCounts: [Int], receiveDisplacements: [Int], receiveType: Datatype) throws(MPIError) -> Request {
        try neighborAlltoallvSchedule(send, sendCounts: sendCounts, sendDisplacements: sendDisplacements, sendType: sendType,
                                      receive, receiveCounts: receiveCounts, receiveDisplacements: receiveDisplacements, receiveType: receiveType).startedRequest()
    }

    public func neighborAlltoallvInit(_ send: UnsafeRawPointer?, sendCounts: [Int], sendDisplacements: [Int], sendType: Datatype,
                                      _ receive: UnsafeMutableRawPointer?, receiveCounts: [Int], receiveDisplacements: [Int], receiveType: Datatype) throws(MPIError) -> Request {
        try neighborAlltoallvSchedule(send, sendCounts: sendCounts, sendDisplacements: sendDisplacements, sendType: sendType,
                                      receive, receiveCounts: receiveCounts, receiveDisplacements: receiveDisplacements, receiveType: receiveType).persistentRequest()
    }

    /// Displacements in bytes, a datatype per neighbour.
    public func neighborAlltoallw(_ send: UnsafeRawPointer?, sendCounts: [Int], sendDisplacements: [Int], sendTypes: [Datatype],
                                  _ receive: UnsafeMutableRawPointer?, receiveCounts: [Int], receiveDisplacements: [Int], receiveTypes: [Datatype]) throws(MPIError) {
        try neighborAlltoallwSchedule(send, sendCounts: sendCounts, sendDisplacements: sendDisplacements, sendTypes: sendTypes,
                                      receive, receiveCounts: receiveCounts, receiveDisplacements: receiveDisplacements, receiveTypes: receiveTypes).startedRequest().wait()
    }

    public func ineighborAlltoallw(_ send: UnsafeRawPointer?, sendCounts: [Int], sendDisplacements: [Int], sendTypes: [Datatype],
                                   _ receive: UnsafeMutableRawPointer?, receiveCounts: [Int], receiveDisplacements: [Int], receiveTypes: [Datatype]) throws(MPIError) -> Request {
        try neighborAlltoallwSchedule(send, sendCounts: sendCounts, sendDisplacements: sendDisplacements, sendTypes: sendTypes,
                                      receive, receiveCounts: receiveCounts, receiveDisplacements: receiveDisplacements, receiveTypes: receiveTypes).startedRequest()
    }

    public func neighborAlltoallwInit(_ send: UnsafeRawPointer?, sendCounts: [Int], sendDisplacements: [Int], sendTypes: [Datatype],
                                      _ receive: UnsafeMutableRawPointer?, receiveCounts: [Int], receiveDisplacements: [Int], receiveTypes: [Datatype]) throws(MPIError) -> Request {
        try neighborAlltoallwSchedule(send, sendCounts: sendCounts, sendDisplacements: sendDisplacements, sendTypes: sendTypes,
                                      receive, receiveCounts: receiveCounts, receiveDisplacements: receiveDisplacements, receiveTypes: receiveTypes).persistentRequest()
    }

    // MARK: Schedules

    func neighborAllgatherSchedule(_ send: UnsafeRawPointer?, sendCount: Int, sendType: Datatype,
                                   _ receive: UnsafeMutableRawPointer?, receiveCount: Int, receiveType: Datatype) throws(MPIError) -> CollectiveSchedule {
        let sources = try neighbors().sources.count
        try Self.checkBuffer(receive, count: receiveCount, datatype: receiveType)
        return try neighborAllgathervSchedule(send, sendCount: sendCount, sendType: sendType, receive, receiveCounts: Array(repeating: receiveCount, count: sources),
                                              displacements: (0..<sources).map { $0 * receiveCount }, receiveType: receiveType)
    }

    func neighborAllgathervSchedule(_ send: UnsafeRawPointer?, sendCount: Int, sendType: Datatype,
                                    _ receive: UnsafeMutableRawPointer?, receiveCounts: [Int], displacements: [Int], receiveType: Datatype) throws(MPIError) -> CollectiveSchedule {
        let (sources, destinations) = try neighbors()
        try Self.checkBuffer(send, count: sendCount, datatype: sendType)
        try Self.checkCounts(receiveCounts, displacements, ranks: sources.count, datatype: receiveType)
        try Self.checkAddress(receive, counts: receiveCounts.prefix(sources.count), datatype: receiveType)
        let sending = destinations.map { OutgoingBlock(peer: $0, memory: send, count: sendCount, datatype: sendType) }
        let receiving = incomingBlocks(receive, peers: sources, counts: receiveCounts, displacements: displacements, datatype: receiveType)
        return try neighborExchange(sending: sending, receiving: receiving)
    }

    func neighborAlltoallSchedule(_ send: UnsafeRawPointer?, sendCount: Int, sendType: Datatype,
                                  _ receive: UnsafeMutableRawPointer?, receiveCount: Int, receiveType: Datatype) throws(MPIError) -> CollectiveSchedule {
        let (sources, destinations) = try neighbors()
        try Self.checkBuffer(send, count: sendCount, datatype: sendType)
        try Self.checkBuffer(receive, count: receiveCount, datatype: receiveType)
        return try neighborAlltoallvSchedule(send, sendCounts: Array(repeating: sendCount, count: destinations.count),
                                             sendDisplacements: (0..<destinations.count).map { $0 * sendCount }, sendType: sendType,
                                             receive, receiveCounts: Array(repeating: receiveCount, count: sources.count),
                                             receiveDisplacements: (0..<sources.count).map { $0 * receiveCount }, receiveType: receiveType)
    }

    func neighborAlltoallvSchedule(_ send: UnsafeRawPointer?, sendCounts: [Int], sendDisplacements: [Int], sendType: Datatype,
                                   _ receive: UnsafeMutableRawPointer?, receiveCounts: [Int], receiveDisplacements: [Int], receiveType: Datatype) throws(MPIError) -> CollectiveSchedule {
        let (sources, destinations) = try neighbors()
        try Self.checkCounts(sendCounts, sendDisplacements, ranks: destinations.count, datatype: sendType)
        try Self.checkAddress(send, counts: sendCounts.prefix(destinations.count), datatype: sendType)
        try Self.checkCounts(receiveCounts, receiveDisplacements, ranks: sources.count, datatype: receiveType)
        try Self.checkAddress(receive, counts: receiveCounts.prefix(sources.count), datatype: receiveType)
        return try neighborExchange(sending: outgoingBlocks(send, peers: destinations, counts: sendCounts, displacements: sendDisplacements, datatype: sendType),
                                    receiving: incomingBlocks(receive, peers: sources, counts: receiveCounts, displacements: receiveDisplacements, datatype: receiveType))
    }

    func neighborAlltoallwSchedule(_ send: UnsafeRawPointer?, sendCounts: [Int], sendDisplacements: [Int], sendTypes: [Datatype],
                                   _ receive: UnsafeMutableRawPointer?, receiveCounts: [Int], receiveDisplacements: [Int], receiveTypes: [Datatype]) throws(MPIError) -> CollectiveSchedule {
        let (sources, destinations) = try neighbors()
        try Self.checkBlocks(send, sendCounts, byteDisplacements: sendDisplacements, sendTypes, peers: destinations.count)
        try Self.checkBlocks(receive, receiveCounts, byteDisplacements: receiveDisplacements, receiveTypes, peers: sources.count)
        return try neighborExchange(sending: outgoingBlocks(send, peers: destinations, counts: sendCounts, byteDisplacements: sendDisplacements, datatypes: sendTypes),
                                    receiving: incomingBlocks(receive, peers: sources, counts: receiveCounts, byteDisplacements: receiveDisplacements,
                                                              datatypes: receiveTypes))
    }

    /// Messages between two ranks match in the order they are posted. In a Cartesian
    /// topology MPI pairs the block a rank sends to its + neighbour of a dimension with
    /// the block its peer receives from its - side; where one rank is both neighbours (a
    /// periodic dimension of 1 or 2 ranks), that pairing holds only if each dimension's
    /// + send is posted before its - send, while receives stay in source order. Other
    /// topologies match duplicate neighbours in list order.
    private func neighborExchange(sending: [OutgoingBlock], receiving: [IncomingBlock]) throws(MPIError) -> CollectiveSchedule {
        try exchangeSchedule(sending: hasCartesianTopology ? Self.plusSideFirst(sending) : sending, receiving: receiving, copySends: false)
    }

    /// Each dimension's pair of destinations (-, +) in the order (+, -).
    static func plusSideFirst<Element>(_ destinations: [Element]) -> [Element] {
        var ordered = destinations
        for index in stride(from: 0, to: destinations.count - 1, by: 2) {
            ordered.swapAt(index, index + 1)
        }
        return ordered
    }
}

extension Communicator {
    var hasCartesianTopology: Bool {
        if case .cartesian = topology { return true }
        return false
    }
}
