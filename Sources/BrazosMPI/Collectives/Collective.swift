import BrazosCore

/// Where a collective's contribution comes from: a buffer, or the receive buffer itself
/// (`MPI_IN_PLACE`).
public enum SendBuffer {
    /// `MPI_IN_PLACE`: the contribution is already in the receive buffer.
    case inPlace
    /// The contribution is at this address.
    case memory(UnsafeRawPointer?)
}

/// Where a rooted scatter puts the root's own part: a buffer, or nowhere, leaving it in
/// the send buffer (`MPI_IN_PLACE`).
public enum ReceiveBuffer {
    /// `MPI_IN_PLACE` (root only): the root's own part stays where it is in the send buffer.
    case inPlace
    /// The part goes to this address.
    case memory(UnsafeMutableRawPointer?)
}

/// Keeps the messages of different collective operations apart. Within one operation,
/// MPI's non-overtaking order matches the messages of consecutive calls correctly,
/// because every rank calls the collectives of a communicator in the same order.
enum CollectiveTag: Int32 {
    case barrier = 1, broadcast, reduce, allreduce, gather, scatter, allgather, alltoall, reduceScatter, scan, exscan
    /// The stages of an operation that runs first inside nodes, then among nodes.
    case withinNode, amongNodes
}

/// The ranks taking part in one stage of a collective, in order, and the caller's index
/// among them: every rank of the communicator, or a subset (the ranks of one node, or
/// one rank per node).
struct Participants {
    /// Communicator ranks; nil: all of them, in order.
    private let ranks: [Int]?
    let count: Int
    let me: Int

    init(all communicator: Communicator) {
        ranks = nil
        count = communicator.size
        me = communicator.rank
    }

    init(_ ranks: [Int], me: Int) {
        self.ranks = ranks
        count = ranks.count
        self.me = me
    }

    var isEveryone: Bool { ranks == nil }

    /// The communicator rank of participant `index`.
    func rank(_ index: Int) -> Int { ranks?[index] ?? index }

    /// The index of communicator rank `rank`, which takes part.
    func index(ofRank rank: Int) -> Int { ranks?.firstIndex(of: rank) ?? rank }
}

// MARK: Point-to-point on the collective context

extension Communicator {
    func collectiveSend(_ bytes: UnsafeRawBufferPointer, to destination: Int, tag: CollectiveTag) throws(MPIError) {
        let envelope = Envelope(context: collectiveContext, source: Int32(callerWorldRank), tag: tag.rawValue)
        if try engine.sendEagerly(bytes, envelope: envelope, to: worldRank(of: destination)) { return }
        try collectiveIsend(bytes, to: destination, tag: tag).wait()
    }

    func collectiveReceive(_ buffer: UnsafeMutableRawBufferPointer, from source: Int, tag: CollectiveTag) throws(MPIError) {
        let request = collectiveScratch
        try startReceive(request, into: buffer, from: source, tag: Int(tag.rawValue), context: collectiveContext)
        try request.wait()
    }

    func collectiveIsend(_ bytes: UnsafeRawBufferPointer, to destination: Int, tag: CollectiveTag) throws(MPIError) -> Request {
        let request = Request(engine: engine, translation: translation)
        try startSend(request, bytes: bytes, to: destination, tag: Int(tag.rawValue), context: collectiveContext)
        return request
    }

    func collectiveIrecv(_ buffer: UnsafeMutableRawBufferPointer, from source: Int, tag: CollectiveTag) throws(MPIError) -> Request {
        let request = Request(engine: engine, translation: translation)
        try startReceive(request, into: buffer, from: source, tag: Int(tag.rawValue), context: collectiveContext)
        return request
    }

    /// Sends and receives at once (a ring or a pairwise exchange cannot deadlock).
    func collectiveExchange(send bytes: UnsafeRawBufferPointer, to destination: Int,
                            receive buffer: UnsafeMutableRawBufferPointer, from source: Int, tag: CollectiveTag) throws(MPIError) {
        let receive = collectiveScratch
        try startReceive(receive, into: buffer, from: source, tag: Int(tag.rawValue), context: collectiveContext)
        try collectiveSend(bytes, to: destination, tag: tag)
        try receive.wait()
    }

    /// A buffer for data arriving during a reduction: the communicator's scratch when it
    /// is big enough to keep, else a fresh one. Reductions do not nest their use of it.
    func incomingBuffer(_ count: Int) throws(MPIError) -> PackedBuffer {
        guard count <= 1 << 20 else { return try .scratch(count) }
        if incomingScratch.count < count {
            incomingScratch.deallocate()
            incomingScratch = .allocate(byteCount: Swift.max(count, 4096), alignment: 16)
        }
        return .borrowed(UnsafeMutableRawBufferPointer(rebasing: incomingScratch[0..<count]))
    }

    // MARK: Checks shared by the collectives

    func checkRoot(_ root: Int) throws(MPIError) {
        guard (0..<size).contains(root) else { throw MPIError(.root, "root \(root) is not in a communicator of \(size) ranks") }
    }

    /// Throws unless `count` elements of `datatype` may be sent or received: the count is
    /// not negative (`.count`), the datatype is committed (`.type`), they fit in memory (`.count`).
    static func checkBuffer(count: Int, datatype: Datatype) throws(MPIError) {
        try checkCount(count)
        guard datatype.isCommitted else { throw .cold(.type) { "datatype \(datatype) is not committed" } }
        try datatype.checkFits(count)
    }

    /// `checkBuffer`, and the elements are not at the null address (`.buffer`).
    static func checkBuffer(_ pointer: UnsafeRawPointer?, count: Int, datatype: Datatype) throws(MPIError) {
        try checkBuffer(count: count, datatype: datatype)
        if pointer == nil { try checkAddress(pointer, counts: CollectionOfOne(count), datatype: datatype) }
    }

    /// `checkBuffer` of a contribution, unless it is in place (its count and type unused).
    static func checkBuffer(_ buffer: SendBuffer, count: Int, datatype: Datatype) throws(MPIError) {
        if case let .memory(pointer) = buffer { try checkBuffer(pointer, count: count, datatype: datatype) }
    }

    /// Throws `.buffer` when the null address is to hold data: a null buffer is only
    /// right for no data at all, or as `MPI_BOTTOM` with a derived type whose data does
    /// not start at offset 0 (absolute addresses from `MPI_Get_address`), as Open MPI has it.
    static func checkAddress(_ pointer: UnsafeRawPointer?, counts: some Sequence<Int>, datatype: Datatype) throws(MPIError) {
        guard pointer == nil, datatype.size > 0, let count = counts.first(where: { $0 > 0 }) else { return }
        guard datatype.isPredefined || datatype.trueLowerBound == 0 else { return }
        throw MPIError(.buffer, "null buffer for \(count) elements of \(datatype)")
    }

    /// Checks a count and, if given, a displacement (in elements) per rank.
    static func checkCounts(_ counts: [Int], _ displacements: [Int]? = nil, ranks: Int, datatype: Datatype) throws(MPIError) {
        guard counts.count >= ranks, displacements.map({ $0.count >= ranks }) ?? true else {
            throw MPIError(.arg, "\(ranks) counts and displacements needed, \(counts.count) given")
        }
        for count in counts.prefix(ranks) { try checkBuffer(count: count, datatype: datatype) }
        for displacement in displacements?.prefix(ranks) ?? [] {
            let (offset, overflow) = displacement.multipliedReportingOverflow(by: datatype.extent)
            guard !overflow, offset.magnitude <= UInt(Datatype.hostMemory) else {
                throw MPIError(.arg, "displacement \(displacement) of \(datatype) lies beyond this host's memory")
            }
        }
    }
}

/// Copies `count` elements from one layout to another through their packed form.
func copyElements(_ source: UnsafeRawPointer?, _ sourceCount: Int, _ sourceType: Datatype,
                  to target: UnsafeMutableRawPointer?, _ targetCount: Int, _ targetType: Datatype) throws(MPIError) {
    let bytes = sourceType.packedSize(sourceCount)
    guard bytes <= targetType.packedSize(targetCount) else {
        throw MPIError(.truncate, "\(bytes) bytes do not fit \(targetCount) elements of \(targetType)")
    }
    guard bytes > 0 else { return }
    if sourceType.isPackedAsIs && targetType.isPackedAsIs {
        // Types that pack as is start their data at offset 0: never at MPI_BOTTOM.
        guard let source, let target else { return }
        if UnsafeRawPointer(target) != source { target.copyMemory(from: source, byteCount: bytes) }
        return
    }
    let packed = try PackedBuffer.reading(source, count: sourceCount, datatype: sourceType)
    defer { packed.release() }
    targetType.unpack(targetCount, from: packed.bytes.baseAddress!, into: target, byteCount: bytes)
}
