/// `MPI_Gather(v)` and `MPI_Allgather(v)`.
///
/// Rooted gathers are linear: the root posts every receive at once, so the contributions
/// arrive in whatever order they come. Allgather uses recursive doubling for a power of
/// two ranks and short messages (log p steps), else a ring (p-1 steps, each rank sending
/// and receiving one contribution per step, which is bandwidth-optimal).
extension Communicator {
    static let longAllgather = 256 << 10

    /// Puts each rank's `sendCount` elements in rank order in the root's `receive`, at
    /// `receiveCount` elements per rank (`MPI_Gather`); `receive` matters only at the root.
    public func gather(_ send: SendBuffer, sendCount: Int, sendType: Datatype,
                       _ receive: UnsafeMutableRawPointer?, receiveCount: Int, receiveType: Datatype, root: Int) throws(MPIError) {
        if isIntercommunicator {
            return try runToCompletion(interGatherSchedule(send, sendCount: sendCount, sendType: sendType,
                                                           receive, receiveCount: receiveCount, receiveType: receiveType, root: root))
        }
        try checkRoot(root)
        try Self.checkBuffer(send, count: sendCount, datatype: sendType)
        if rank == root { try Self.checkBuffer(receive, count: receiveCount, datatype: receiveType) }
        // The receive count means nothing elsewhere, and may be anything there.
        let ranks = rank == root ? size : 0
        try gatherv(send, sendCount: sendCount, sendType: sendType, receive, receiveCounts: Array(repeating: receiveCount, count: ranks),
                    displacements: (0..<ranks).map { $0 * receiveCount }, receiveType: receiveType, root: root)
    }

    /// `displacements` count elements of `receiveType` from `receive`.
    public func gatherv(_ send: SendBuffer, sendCount: Int, sendType: Datatype,
                        _ receive: UnsafeMutableRawPointer?, receiveCounts: [Int], displacements: [Int], receiveType: Datatype, root: Int) throws(MPIError) {
        if isIntercommunicator {
            return try runToCompletion(interGathervSchedule(send, sendCount: sendCount, sendType: sendType, receive, receiveCounts: receiveCounts,
                                                            displacements: displacements, receiveType: receiveType, root: root))
        }
        try checkRoot(root)
        guard rank == root else {
            guard case let .memory(pointer) = send else { throw MPIError(.buffer, "MPI_IN_PLACE for gather's send buffer on a rank other than the root") }
            try Self.checkBuffer(pointer, count: sendCount, datatype: sendType)
            let packed = try PackedBuffer.reading(pointer, count: sendCount, datatype: sendType)
            defer { packed.release() }
            try collectiveSend(UnsafeRawBufferPointer(packed.bytes), to: root, tag: .gather)
            return
        }
        try Self.checkCounts(receiveCounts, displacements, ranks: size, datatype: receiveType)
        try Self.checkAddress(receive, counts: receiveCounts.prefix(size), datatype: receiveType)
        try Self.checkBuffer(send, count: sendCount, datatype: sendType)
        var receives = ElementReceives()
        defer { receives.release() }
        for source in 0..<size where source != root {
            try receives.post(self, into: address(receive, plus: displacements[source] * receiveType.extent), count: receiveCounts[source],
                              datatype: receiveType, from: source, tag: .gather)
        }
        if case let .memory(pointer) = send {
            try copyElements(pointer, sendCount, sendType, to: address(receive, plus: displacements[root] * receiveType.extent), receiveCounts[root], receiveType)
        }
        try receives.waitAll()
    }

    /// Like `gather`, but every rank receives the result (`MPI_Allgather`).
    public func allgather(_ send: SendBuffer, sendCount: Int, sendType: Datatype,
                          _ receive: UnsafeMutableRawPointer?, receiveCount: Int, receiveType: Datatype) throws(MPIError) {
        if isIntercommunicator {
            return try runToCompletion(allgatherSchedule(send, sendCount: sendCount, sendType: sendType,
                                                         receive, receiveCount: receiveCount, receiveType: receiveType))
        }
        try Self.checkBuffer(receive, count: receiveCount, datatype: receiveType)
        try allgatherv(send, sendCount: sendCount, sendType: sendType, receive, receiveCounts: Array(repeating: receiveCount, count: size),
                       displacements: (0..<size).map { $0 * receiveCount }, receiveType: receiveType)
    }

    /// Like `allgather`, with a count and displacement per rank (`MPI_Allgatherv`); throws
    /// `.truncate` if a rank's contribution is not the size the others expect.
    public func allgatherv(_ send: SendBuffer, sendCount: Int, sendType: Datatype,
                           _ receive: UnsafeMutableRawPointer?, receiveCounts: [Int], displacements: [Int], receiveType: Datatype) throws(MPIError) {
        if isIntercommunicator {
            return try runToCompletion(interAllgathervSchedule(send, sendCount: sendCount, sendType: sendType, receive, receiveCounts: receiveCounts,
                                                               displacements: displacements, receiveType: receiveType))
        }
        try Self.checkCounts(receiveCounts, displacements, ranks: size, datatype: receiveType)
        try Self.checkAddress(receive, counts: receiveCounts.prefix(size), datatype: receiveType)
        try Self.checkBuffer(send, count: sendCount, datatype: sendType)
        // Work on one packed buffer holding every contribution in rank order.
        let slotSizes = receiveCounts.prefix(size).map { receiveType.packedSize($0) }
        let slots = Slots(sizes: slotSizes)
        let inOrder = receiveType.isPackedAsIs && displacements.prefix(size).elementsEqual(slots.elementOffsets(receiveCounts))
        let packed = try inOrder ? PackedBuffer.writing(receive, count: slots.total / Swift.max(receiveType.size, 1), datatype: receiveType)
                             : PackedBuffer.scratch(slots.total)
        defer { packed.release() }
        let mine = slots.slice(packed.bytes, rank)
        switch send {
        case .inPlace:
            if !inOrder, mine.count > 0 { receiveType.pack(receiveCounts[rank], from: address(receive, plus: displacements[rank] * receiveType.extent), into: mine.baseAddress!) }
        case let .memory(pointer):
            guard sendType.packedSize(sendCount) == mine.count else {
                throw MPIError(.truncate, "allgather: this rank sends \(sendType.packedSize(sendCount)) bytes where \(mine.count) are expected")
            }
            if mine.count > 0 { try copyElements(pointer, sendCount, sendType, to: mine.baseAddress, mine.count, .byte) }
        }
        let equal = Set(slotSizes).count <= 1
        if equal && size & (size - 1) == 0 && slots.total < Self.longAllgather {
            try allgatherByDoubling(packed.bytes, slots)
        } else {
            try allgatherByRing(packed.bytes, slots)
        }
        if !inOrder {
            for source in 0..<size where receiveCounts[source] > 0 {
                receiveType.unpack(receiveCounts[source], from: slots.slice(packed.bytes, source).baseAddress!,
                                   into: address(receive, plus: displacements[source] * receiveType.extent))
            }
        }
    }

    private func allgatherByRing(_ bytes: UnsafeMutableRawBufferPointer, _ slots: Slots) throws(MPIError) {
        let right = (rank + 1) % size, left = (rank - 1 + size) % size
        for step in 0..<(size - 1) {
            try collectiveExchange(send: UnsafeRawBufferPointer(slots.slice(bytes, (rank - step + size) % size)), to: right,
                                   receive: slots.slice(bytes, (rank - step - 1 + size) % size), from: left, tag: .allgather)
        }
    }

    /// Each step swaps the block of contributions gathered so far with a partner's.
    private func allgatherByDoubling(_ bytes: UnsafeMutableRawBufferPointer, _ slots: Slots) throws(MPIError) {
        var mask = 1
        while mask < size {
            let partner = rank ^ mask
            try collectiveExchange(send: UnsafeRawBufferPointer(slots.slice(bytes, (rank / mask) * mask, count: mask)), to: partner,
                                   receive: slots.slice(bytes, (partner / mask) * mask, count: mask), from: partner, tag: .allgather)
            mask <<= 1
        }
    }
}

/// Consecutive byte slots of given sizes in one buffer: the contribution of each rank.
struct Slots {
    let offsets: [Int]
    let sizes: [Int]
    let total: Int

    init(sizes: [Int]) {
        var offsets: [Int] = []
        var total = 0
        for size in sizes {
            offsets.append(total)
            total += size
        }
        self.offsets = offsets
        self.sizes = sizes
        self.total = total
    }

    func slice(_ bytes: UnsafeMutableRawBufferPointer, _ first: Int, count: Int = 1) -> UnsafeMutableRawBufferPointer {
        let end = first + count == sizes.count ? total : offsets[first + count]
        return UnsafeMutableRawBufferPointer(rebasing: bytes[offsets[first]..<end])
    }

    /// The element displacements at which the slots follow one another without gaps.
    func elementOffsets(_ counts: [Int]) -> [Int] {
        var result: [Int] = []
        var next = 0
        for count in counts.prefix(sizes.count) {
            result.append(next)
            next += count
        }
        return result
    }
}

/// Receives of elements into memory, posted together and finished together: a datatype
/// that does not pack as is is received packed and unpacked at the end.
struct ElementReceives {
    private var pending: [(request: Request, packed: PackedBuffer, memory: UnsafeMutableRawPointer?, count: Int, datatype: Datatype)] = []

    mutating func post(_ communicator: Communicator, into memory: UnsafeMutableRawPointer?, count: Int, datatype: Datatype,
                       from source: Int, tag: CollectiveTag) throws(MPIError) {
        let packed = try PackedBuffer.writing(memory, count: count, datatype: datatype)
        do {
            pending.append((try communicator.collectiveIrecv(packed.bytes, from: source, tag: tag), packed, memory, count, datatype))
        } catch {
            packed.release()
            throw error
        }
    }

    func waitAll() throws(MPIError) {
        for receive in pending {
            try receive.request.wait()
            receive.packed.finish(into: receive.memory, count: receive.count, datatype: receive.datatype)
        }
    }

    func release() {
        for receive in pending { receive.packed.release() }
    }
}
