import Synchronization

/// One side of a partitioned transfer (`MPI_Psend_init`, `MPI_Precv_init`): a persistent
/// request whose message is the whole buffer, sent as one message once every partition
/// is ready and received as one, so every partition arrives at the same moment.
///
/// MPI matches partitioned sends and receives once, in the order of their init calls
/// (per communicator, peer and tag), not at each start. So `psendInit` sends a small
/// binding message (a channel number unique to this process) under the control tag,
/// and `precvInit` posts the receive for it: non-overtaking pairs the k-th send with the
/// k-th receive. Each round's data then travels under the channel's own tag. Both tags
/// are negative, which no ordinary receive matches (their tags, `anyTag` too, match
/// only tags from 0 up).
///
/// Unchecked use by `Request`: a transfer belongs to its request's owner thread, the
/// only one that starts it, marks partitions ready and waits on it.
final class PartitionedTransfer: RequestDriver {
    enum Side { case send, receive }

    enum Phase {
        case inactive
        /// A started send, waiting for the program to mark every partition ready.
        case collecting(ready: Set<Int>)
        /// A started receive whose sender's binding message has not arrived yet.
        case awaitingBinding
        /// The whole message is on its way (the send or the receive of it).
        case transferring(Request)
        case complete
    }

    /// Channels of this process; their tags lie below every control tag.
    private static let nextChannel = Atomic<Int>(0)
    private static let channelCount = MPI.tagUpperBound - 4

    private let communicator: Communicator
    private let side: Side
    let partitions: Int
    private let bytes: UnsafeMutableRawBufferPointer
    private let staging: PackedStaging?
    private let peer: Int
    private let tag: Int
    /// Send side: the binding message's bytes (the channel) and its request. Receive
    /// side: where the binding arrives, and its receive until the channel is known.
    /// Memory of its own (a staging with nothing to pack), as the engine keeps its address.
    private let binding = PackedStaging(memory: nil, count: 1, datatype: .int64)
    private var bindingRequest: Request?
    private var channel: Int?
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
        try bind()
    }

    /// The tag of the binding messages of program tag `tag`.
    private var controlTag: Int { -3 - tag }

    /// The tag a channel's data travels under: below every control tag.
    private static func dataTag(_ channel: Int) -> Int { -3 - (MPI.tagUpperBound + 1) - channel }

    private func bind() throws(MPIError) {
        guard peer != MPI.procNull else { return }
        let request = communicator.makeRequest()
        // The request keeps the binding's memory: a transfer freed before its binding
        // arrives leaves the receive posted.
        request.staging = binding
        switch side {
        case .send:
            let channel = Self.nextChannel.add(1, ordering: .relaxed).oldValue % Self.channelCount
            self.channel = channel
            binding.packed.storeBytes(of: Int64(channel), as: Int64.self)
            try communicator.startSend(request, bytes: UnsafeRawBufferPointer(binding.packed), to: peer, tag: controlTag)
        case .receive:
            try communicator.startReceive(request, into: binding.packed, from: peer, tag: controlTag)
        }
        bindingRequest = request
    }

    func start() throws(MPIError) {
        switch side {
        case .send:
            phase = .collecting(ready: [])
        case .receive:
            phase = .awaitingBinding
            try receiveIfBound()
        }
    }

    /// Posts the round's data receive once the sender's channel is known.
    private func receiveIfBound() throws(MPIError) {
        guard case .awaitingBinding = phase else { return }
        if channel == nil, peer != MPI.procNull {
            guard let bindingRequest, bindingRequest.isComplete else { return }
            _ = try bindingRequest.wait()
            let bound = Int(binding.packed.load(as: Int64.self))
            guard (0..<Self.channelCount).contains(bound) else { throw MPIError(.intern, "partitioned binding names channel \(bound)") }
            channel = bound
            self.bindingRequest = nil
        }
        let receive = communicator.makeRequest()
        phase = .transferring(receive)
        try communicator.startReceive(receive, into: bytes, from: peer, tag: Self.dataTag(channel ?? 0))
    }

    /// Marks `partitions` of a started send ready; the message leaves with the last one.
    /// Nothing is marked if any of them is not a partition of this transfer.
    func markReady(_ partitions: some Collection<Int>) throws(MPIError) {
        guard side == .send else { throw MPIError(.request, "Pready on a partitioned receive") }
        guard case var .collecting(ready) = phase else { throw MPIError(.request, "Pready on a partitioned send that is not started or has all its partitions ready") }
        for partition in partitions where !(0..<self.partitions).contains(partition) {
            throw MPIError(.arg, "partition \(partition) of a transfer of \(self.partitions) partitions")
        }
        ready.formUnion(partitions)
        guard ready.count == self.partitions else {
            phase = .collecting(ready: ready)
            return
        }
        staging?.pack()
        let send = communicator.makeRequest()
        phase = .transferring(send)
        try communicator.startSend(send, bytes: UnsafeRawBufferPointer(bytes), to: peer, tag: Self.dataTag(channel ?? 0))
    }

    func advance(_ request: Request) {
        do throws(MPIError) { try receiveIfBound() } catch {
            phase = .complete
            request.complete(.empty, failure: error)
            return
        }
        guard case let .transferring(inner) = phase, inner.isComplete else { return }
        phase = .complete
        do throws(MPIError) {
            var status = try inner.wait()
            if side == .receive { staging?.unpack(receivedBytes: status.byteCount) }
            if peer != MPI.procNull { status.tag = tag }
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
    public func markReady(_ partitions: some Collection<Int>) throws(MPIError) {
        try partitionedTransfer("Pready").markReady(partitions)
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
