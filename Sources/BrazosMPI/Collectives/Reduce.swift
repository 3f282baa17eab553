/// `MPI_Reduce` and `MPI_Allreduce`.
///
/// Reduce: a binomial tree. Allreduce: recursive doubling for short vectors and for
/// operations that do not commute; for long vectors, Rabenseifner's reduce-scatter by
/// recursive halving followed by an allgather by recursive doubling, so each rank sends
/// and combines about twice the vector instead of log p times it. Non-powers of two fold
/// the first `2 * (p - pof2)` ranks in pairs first (MPICH's scheme). An operation that
/// does not commute always gets the lower ranks' data as its left operand.
extension Communicator {
    static let longAllreduce = 2048

    /// Combines `count` elements from every rank with `op` into the root's `receive`
    /// (`MPI_Reduce`); throws `.op` if `op` is not defined on `datatype`.
    public func reduce(_ send: SendBuffer, _ receive: UnsafeMutableRawPointer?, count: Int, datatype: Datatype, op: Op, root: Int) throws(MPIError) {
        if isIntercommunicator { return try runToCompletion(interReduceSchedule(send, receive, count: count, datatype: datatype, op: op, root: root)) }
        try Self.checkBuffer(send, count: count, datatype: datatype)
        try checkRoot(root)
        try op.check(datatype)
        if case .inPlace = send, rank != root { throw MPIError(.buffer, "MPI_IN_PLACE for reduce's send buffer on a rank other than the root") }
        if rank == root { try Self.checkAddress(receive, counts: CollectionOfOne(count), datatype: datatype) }
        let accumulator = try contribution(send, receive, count: count, datatype: datatype, intoReceive: rank == root)
        defer { accumulator.release() }
        try reduceBytes(accumulator.bytes, count: count, datatype: datatype, op: op, root: root, among: Participants(all: self), tag: .reduce)
        if rank == root { accumulator.finish(into: receive, count: count, datatype: datatype) }
    }

    /// Like `reduce`, but every rank receives the combination (`MPI_Allreduce`).
    public func allreduce(_ send: SendBuffer, _ receive: UnsafeMutableRawPointer?, count: Int, datatype: Datatype, op: Op) throws(MPIError) {
        if isIntercommunicator { return try runToCompletion(allreduceSchedule(send, receive, count: count, datatype: datatype, op: op)) }
        try Self.checkBuffer(send, count: count, datatype: datatype)
        try Self.checkBuffer(receive, count: count, datatype: datatype)
        try op.check(datatype)
        let accumulator = try contribution(send, receive, count: count, datatype: datatype, intoReceive: true)
        defer { accumulator.release() }
        try allreduceBytes(accumulator.bytes, count: count, datatype: datatype, op: op, among: Participants(all: self))
        accumulator.finish(into: receive, count: count, datatype: datatype)
    }

    /// A packed, writable copy of the caller's contribution (taken from the receive buffer
    /// when in place): the receive buffer itself when it may hold the result
    /// (`intoReceive`) and the datatype packs as is.
    func contribution(_ send: SendBuffer, _ receive: UnsafeMutableRawPointer?, count: Int, datatype: Datatype, intoReceive: Bool) throws(MPIError) -> PackedBuffer {
        let accumulator = try intoReceive ? PackedBuffer.writing(receive, count: count, datatype: datatype) : PackedBuffer.scratch(datatype.packedSize(count))
        switch send {
        case .inPlace:
            if accumulator.bytes.count > 0, accumulator.bytes.baseAddress != receive {
                datatype.pack(count, from: receive, into: accumulator.bytes.baseAddress!)
            }
        case let .memory(pointer):
            if accumulator.bytes.count > 0 {
                if datatype.isPackedAsIs {
                    guard let pointer else { throw MPIError(.buffer, "null send buffer for \(count) elements") }
                    if UnsafeRawPointer(accumulator.bytes.baseAddress!) != pointer {
                        accumulator.bytes.baseAddress!.copyMemory(from: pointer, byteCount: accumulator.bytes.count)
                    }
                } else {
                    datatype.pack(count, from: pointer, into: accumulator.bytes.baseAddress!)
                }
            }
        }
        return accumulator
    }

    /// Combines `accumulator` (packed, `count` elements) of every participant into the
    /// accumulator of `root` (a communicator rank); others' accumulators are clobbered.
    func reduceBytes(_ accumulator: UnsafeMutableRawBufferPointer, count: Int, datatype: Datatype, op: Op, root: Int,
                     among participants: Participants, tag: CollectiveTag) throws(MPIError) {
        let n = participants.count
        if n == 1 { return }
        if op.isCommutative, let hierarchy = nodeHierarchy(for: participants) {
            let leader = hierarchy.leader(ofRank: rank)
            try reduceBytes(accumulator, count: count, datatype: datatype, op: op, root: leader, among: hierarchy.local, tag: .withinNode)
            let rootLeader = hierarchy.leader(ofRank: root)
            if let leaders = hierarchy.leaders {
                try reduceBytes(accumulator, count: count, datatype: datatype, op: op, root: rootLeader, among: leaders, tag: .amongNodes)
            }
            if root != rootLeader {
                if rank == rootLeader { try collectiveSend(UnsafeRawBufferPointer(accumulator), to: root, tag: .withinNode) }
                if rank == root { try collectiveReceive(accumulator, from: rootLeader, tag: .withinNode) }
            }
            return
        }
        let rootIndex = participants.index(ofRank: root)
        // Commutative: a tree rooted at the root. Otherwise rooted at 0, so that every
        // combination keeps rank order, then handed to the root.
        let base = op.isCommutative ? rootIndex : 0
        let relative = (participants.me - base + n) % n
        let incoming = try incomingBuffer(accumulator.count)
        defer { incoming.release() }
        var mask = 1
        while mask < n {
            if relative & mask == 0 {
                let source = relative | mask
                if source < n {
                    try collectiveReceive(incoming.bytes, from: participants.rank((source + base) % n), tag: tag)
                    combine(higher: incoming.bytes, into: accumulator, count: count, datatype: datatype, op: op)
                }
            } else {
                try collectiveSend(UnsafeRawBufferPointer(accumulator), to: participants.rank(((relative & ~mask) + base) % n), tag: tag)
                break
            }
            mask <<= 1
        }
        if base != rootIndex {
            if participants.me == base { try collectiveSend(UnsafeRawBufferPointer(accumulator), to: root, tag: tag) }
            if participants.me == rootIndex { try collectiveReceive(accumulator, from: participants.rank(base), tag: tag) }
        }
    }

    /// `accumulator = accumulator op higher`, where `higher` holds higher ranks' data.
    func combine(higher: UnsafeMutableRawBufferPointer, into accumulator: UnsafeMutableRawBufferPointer, count: Int, datatype: Datatype, op: Op) {
        guard count > 0, datatype.size > 0 else { return }
        if op.isCommutative {
            op.apply(higher.baseAddress!, accumulator.baseAddress!, count: count, datatype: datatype)
        } else {
            op.apply(accumulator.baseAddress!, higher.baseAddress!, count: count, datatype: datatype)
            accumulator.baseAddress!.copyMemory(from: higher.baseAddress!, byteCount: datatype.packedSize(count))
        }
    }

    /// `accumulator = lower op accumulator`, where `lower` holds lower ranks' data. The
    /// buffers of no data (no elements, or elements of size 0) may have no address.
    func combine(lower: UnsafeRawPointer?, into accumulator: UnsafeMutableRawPointer?, count: Int, datatype: Datatype, op: Op) {
        guard count > 0, datatype.size > 0, let lower, let accumulator else { return }
        op.apply(lower, accumulator, count: count, datatype: datatype)
    }

    /// Every participant's `accumulator` becomes the combination of all of them.
    func allreduceBytes(_ accumulator: UnsafeMutableRawBufferPointer, count: Int, datatype: Datatype, op: Op, among participants: Participants) throws(MPIError) {
        if participants.count == 1 { return }
        if op.isCommutative, let hierarchy = nodeHierarchy(for: participants) {
            let leader = hierarchy.leader(ofRank: rank)
            try reduceBytes(accumulator, count: count, datatype: datatype, op: op, root: leader, among: hierarchy.local, tag: .withinNode)
            if let leaders = hierarchy.leaders {
                try allreduceBytes(accumulator, count: count, datatype: datatype, op: op, among: leaders)
            }
            try broadcastBytes(accumulator, root: leader, among: hierarchy.local, tag: .withinNode)
            return
        }
        let fold = PowerOfTwoFold(participants.count, me: participants.me)
        let incoming = try incomingBuffer(accumulator.count)
        defer { incoming.release() }
        // Fold: even ranks of the first pairs hand their data to their odd neighbour.
        if fold.isFoldedAway {
            try collectiveSend(UnsafeRawBufferPointer(accumulator), to: participants.rank(participants.me + 1), tag: .allreduce)
        } else {
            if fold.receivesFold {
                try collectiveReceive(incoming.bytes, from: participants.rank(participants.me - 1), tag: .allreduce)
                combine(lower: incoming.bytes.baseAddress, into: accumulator.baseAddress, count: count, datatype: datatype, op: op)
            }
            if op.isCommutative && accumulator.count >= Self.longAllreduce && count >= fold.powerOfTwo {
                try rabenseifner(accumulator, incoming: incoming.bytes, count: count, datatype: datatype, op: op, fold: fold, participants)
            } else {
                try recursiveDoubling(accumulator, incoming: incoming.bytes, count: count, datatype: datatype, op: op, fold: fold, participants)
            }
        }
        // Unfold: the folded-away ranks get the result back.
        if fold.isFoldedAway {
            try collectiveReceive(accumulator, from: participants.rank(participants.me + 1), tag: .allreduce)
        } else if fold.receivesFold {
            try collectiveSend(UnsafeRawBufferPointer(accumulator), to: participants.rank(participants.me - 1), tag: .allreduce)
        }
    }

    private func recursiveDoubling(_ accumulator: UnsafeMutableRawBufferPointer, incoming: UnsafeMutableRawBufferPointer, count: Int,
                                   datatype: Datatype, op: Op, fold: PowerOfTwoFold, _ participants: Participants) throws(MPIError) {
        var mask = 1
        while mask < fold.powerOfTwo {
            let partner = fold.participant(ofFoldedRank: fold.foldedRank ^ mask)
            try collectiveExchange(send: UnsafeRawBufferPointer(accumulator), to: participants.rank(partner),
                                   receive: incoming, from: participants.rank(partner), tag: .allreduce)
            if partner < participants.me {
                combine(lower: incoming.baseAddress, into: accumulator.baseAddress, count: count, datatype: datatype, op: op)
            } else {
                combine(higher: incoming, into: accumulator, count: count, datatype: datatype, op: op)
            }
            mask <<= 1
        }
    }

    private func rabenseifner(_ accumulator: UnsafeMutableRawBufferPointer, incoming: UnsafeMutableRawBufferPointer, count: Int,
                              datatype: Datatype, op: Op, fold: PowerOfTwoFold, _ participants: Participants) throws(MPIError) {
        let pof2 = fold.powerOfTwo
        let me = fold.foldedRank
        let blocks = Pieces(total: count, parts: pof2)
        let elementSize = datatype.size
        func elements(_ from: Int, _ to: Int) -> Int { (from..<to).reduce(0) { $0 + blocks.count($1) } }
        func bytes(_ buffer: UnsafeMutableRawBufferPointer, block: Int, elements: Int) -> UnsafeMutableRawBufferPointer {
            let start = blocks.offset(block) * elementSize
            return UnsafeMutableRawBufferPointer(rebasing: buffer[start..<(start + elements * elementSize)])
        }
        // Reduce-scatter by recursive halving: keep the half of the blocks on one's side.
        var sendIndex = 0, receiveIndex = 0, lastIndex = pof2
        var mask = 1
        while mask < pof2 {
            let partner = fold.participant(ofFoldedRank: me ^ mask)
            let sendCount: Int, receiveCount: Int
            if me < me ^ mask {
                sendIndex = receiveIndex + pof2 / (mask * 2)
                sendCount = elements(sendIndex, lastIndex)
                receiveCount = elements(receiveIndex, sendIndex)
            } else {
                receiveIndex = sendIndex + pof2 / (mask * 2)
                sendCount = elements(sendIndex, receiveIndex)
                receiveCount = elements(receiveIndex, lastIndex)
            }
            let incomingPart = bytes(incoming, block: receiveIndex, elements: receiveCount)
            try collectiveExchange(send: UnsafeRawBufferPointer(bytes(accumulator, block: sendIndex, elements: sendCount)), to: participants.rank(partner),
                                   receive: incomingPart, from: participants.rank(partner), tag: .allreduce)
            combine(higher: incomingPart, into: bytes(accumulator, block: receiveIndex, elements: receiveCount), count: receiveCount, datatype: datatype, op: op)
            sendIndex = receiveIndex
            mask <<= 1
            if mask < pof2 { lastIndex = receiveIndex + pof2 / mask }
        }
        // Allgather by recursive doubling: the halves come back in reverse order.
        mask >>= 1
        while mask > 0 {
            let partner = fold.participant(ofFoldedRank: me ^ mask)
            let sendCount: Int, receiveCount: Int
            if me < me ^ mask {
                if mask != pof2 / 2 { lastIndex += pof2 / (mask * 2) }
                receiveIndex = sendIndex + pof2 / (mask * 2)
                sendCount = elements(sendIndex, receiveIndex)
                receiveCount = elements(receiveIndex, lastIndex)
            } else {
                receiveIndex = sendIndex - pof2 / (mask * 2)
                sendCount = elements(sendIndex, lastIndex)
                receiveCount = elements(receiveIndex, sendIndex)
            }
            try collectiveExchange(send: UnsafeRawBufferPointer(bytes(accumulator, block: sendIndex, elements: sendCount)), to: participants.rank(partner),
                                   receive: bytes(accumulator, block: receiveIndex, elements: receiveCount), from: participants.rank(partner), tag: .allreduce)
            if me > me ^ mask { sendIndex = receiveIndex }
            mask >>= 1
        }
    }
}

/// Folding `count` participants onto the largest power of two below: of the first
/// `2 * remainder`, each even one hands its data to the odd one after it and sits out.
struct PowerOfTwoFold {
    let powerOfTwo: Int
    let remainder: Int
    let me: Int

    init(_ count: Int, me: Int) {
        var power = 1
        while power * 2 <= count { power *= 2 }
        powerOfTwo = power
        remainder = count - power
        self.me = me
    }

    var isFoldedAway: Bool { me < 2 * remainder && me % 2 == 0 }
    var receivesFold: Bool { me < 2 * remainder && me % 2 == 1 }

    /// The caller's rank among the power of two (not for folded-away ranks).
    var foldedRank: Int { me < 2 * remainder ? me / 2 : me - remainder }

    func participant(ofFoldedRank folded: Int) -> Int { folded < remainder ? folded * 2 + 1 : folded + remainder }
}
