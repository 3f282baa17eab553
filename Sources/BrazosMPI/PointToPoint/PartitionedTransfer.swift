/// One side of a partitioned transfer (`MPI_Psend_init`, `MPI_Precv_init`): a persistent
/// request whose message is the whole buffer, sent as one message once every partition
/// is ready and received as one, so every partition arrives at the same moment. The
/// message travels on the communicator's context under a negative tag of its own, which
/// no ordinary receive matches (their tags, `anyTag` too, match only tags from 0 up).
///
/// Unchecked use by `Request`: a transfer belongs to its request's owner thread, the
/// only one that starts it, marks partitions ready and waits on it.
final class PartitionedTransfer: RequestDriver {
    enum Side { case send, receive }

    enum Phase {
        case inactive
        /// A started send, waiting for the program to mark every partition ready.
        case collecting(ready: Set<Int>)
        /// The whole message is on its way (the send or the receive of it).
        case transferring(Request)
        case complete
    }

    private let communicator: Communicator
    private let side: Side
    let partitions: Int
    private let bytes: UnsafeMutableRawBufferPointer
    private let staging: PackedStaging?
    private let peer: Int
    private let tag: Int
    private(set) var phase = Phase.inactive

    init(communicator: Communicator, side: Side, buffer: UnsafeMutableRawPointer?, partitions: Int, count: Int, datatype: Datatype,
         peer: Int, tag: Int) throws(MPIError) {
        guard partitions >= 1 else { throw MPIError(.arg, "partitioned transfer of \(partitions) partitions") }
        let (total, overflow) = partitions.multipliedReportingOverflow(by: count)
        guard !overflow else { throw MPIError(.count, "\(partitions) partitions of \(count) elements") }
        try Communicator.checkBuffer(buffer, count: total, datatype: datatype)
        self.communicator = communicator
        self.side = side
        self.partitions = partitions
        self.peer = peer
        self.tag = tag
        if datatype.isPackedAsIs {
            staging = nil
            bytes = UnsafeMutableRawBufferPointer(start: buffer, count: datatype.packedSize(total))
        } else {
            let staging = PackedStaging(memory: buffer, count: total, datatype: datatype)
            self.staging = staging
            bytes = staging.packed
        }
    }

    /// The tag the whole message travels under: below every tag a program may use.
    private var messageTag: Int { -(MPI.tagUpperBound + 2) - tag }

    func start() throws(MPIError) {
        switch side {
        case .send:
            phase = .collecting(ready: [])
        case .receive:
            let receive = communicator.makeRequest()
            try communicator.startReceive(receive, into: bytes, from: peer, tag: messageTag)
            phase = .transferring(receive)
        }
    }

    /// Marks `partition` of a started send ready; the message leaves with the last one.
    func markReady(_ partition: Int) throws(MPIError) {
        guard side == .send else { throw MPIError(.request, "Pready on a partitioned receive") }
        guard (0..<partitions).contains(partition) else {
            throw MPIError(.arg, "partition \(partition) of a transfer of \(partitions) partitions")
        }
        guard case var .collecting(ready) = phase else { throw MPIError(.request, "Pready on a partitioned send that is not started or has all its partitions ready") }
        ready.insert(partition)
        guard ready.count == partitions else {
            phase = .collecting(ready: ready)
            return
        }
        staging?.pack()
        let send = communicator.makeRequest()
        phase = .transferring(send)
        try communicator.startSend(send, bytes: UnsafeRawBufferPointer(bytes), to: peer, tag: messageTag)
    }

    func advance(_ request: Request) {
        guard case let .transferring(inner) = phase, inner.isComplete else { return }
        phase = .complete
        do throws(MPIError) {
            let status = try inner.wait()
            if side == .receive { staging?.unpack(receivedBytes: status.byteCount) }
            request.complete(status)
        } catch {
            request.complete(inner.completedStatus, failure: error)
        }
    }
}

extension Communicator {
    /// A partitioned send of `partitions` × `count` elements of `datatype` (`MPI_Psend_init`):
    /// after each `start()`, the message leaves once every partition is marked ready
    /// (`Request.markReady`).
    public func psendInit(_ buffer: UnsafeRawPointer?, partitions: Int, count: Int, datatype: Datatype, to destination: Int, tag: Int) throws(MPIError) -> Request {
        try checkDestination(destination)
        try checkSendTag(tag)
        return partitioned(try PartitionedTransfer(communicator: self, side: .send, buffer: UnsafeMutableRawPointer(mutating: buffer), partitions: partitions,
                                               count: count, datatype: datatype, peer: destination, tag: tag))
    }

    /// A partitioned receive (`MPI_Precv_init`): every partition arrives with the whole message.
    public func precvInit(_ buffer: UnsafeMutableRawPointer?, partitions: Int, count: Int, datatype: Datatype, from source: Int, tag: Int) throws(MPIError) -> Request {
        guard source != MPI.anySource else { throw MPIError(.rank, "a partitioned receive names its source") }
        try checkSource(source)
        try checkSendTag(tag)
        return partitioned(try PartitionedTransfer(communicator: self, side: .receive, buffer: buffer, partitions: partitions,
                                                   count: count, datatype: datatype, peer: source, tag: tag))
    }

    private func partitioned(_ transfer: PartitionedTransfer) -> Request {
        makeRequest(persistent: .driven(start: { (_: Request) throws(MPIError) in try transfer.start() }), driver: transfer)
    }
}

extension Request {
    private func partitionedTransfer(_ operation: String) throws(MPIError) -> PartitionedTransfer {
        try checkUsable(operation)
        guard let transfer = driver as? PartitionedTransfer else { throw MPIError(.request, "\(operation) on a request that is not partitioned") }
        return transfer
    }

    /// Marks partitions of a started partitioned send ready (`MPI_Pready`, `_range`, `_list`).
    public func markReady(_ partitions: some Sequence<Int>) throws(MPIError) {
        let transfer = try partitionedTransfer("Pready")
        for partition in partitions { try transfer.markReady(partition) }
    }

    /// Whether `partition` of a started partitioned receive has arrived (`MPI_Parrived`).
    public func hasArrived(partition: Int) throws(MPIError) -> Bool {
        let transfer = try partitionedTransfer("Parrived")
        guard (0..<transfer.partitions).contains(partition) else {
            throw MPIError(.arg, "partition \(partition) of a transfer of \(transfer.partitions) partitions")
        }
        if case .inactive = transfer.phase { throw MPIError(.request, "Parrived on a partitioned receive that is not started") }
        if isComplete { return true }
        try engine.pollOnce()
        return isComplete
    }
}
