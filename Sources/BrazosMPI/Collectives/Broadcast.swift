/// `MPI_Bcast`: a binomial tree for small messages (log p steps); for large ones on three
/// or more ranks, the root scatters the message in pieces and a ring gathers them
/// everywhere (van de Geijn), so no rank sends much more than the message once.
extension Communicator {
    static let largeBroadcast = 512 << 10
    static let shortBroadcast = 2048

    /// Copies `count` elements of `datatype` from the root's `buffer` into every rank's
    /// (`MPI_Bcast`); every rank must pass the same count and root.
    public func bcast(_ buffer: UnsafeMutableRawPointer?, count: Int, datatype: Datatype, root: Int) throws(MPIError) {
        if isIntercommunicator { return try runToCompletion(interBcastSchedule(buffer, count: count, datatype: datatype, root: root)) }
        try Self.checkBuffer(buffer, count: count, datatype: datatype)
        try checkRoot(root)
        let packed = try rank == root ? PackedBuffer.updating(buffer, count: count, datatype: datatype)
                                  : PackedBuffer.writing(buffer, count: count, datatype: datatype)
        defer { packed.release() }
        try broadcastBytes(packed.bytes, root: root, among: Participants(all: self), tag: .broadcast)
        if rank != root { packed.finish(into: buffer, count: count, datatype: datatype) }
    }

    /// Broadcast of packed bytes among `participants`; `root` is a communicator rank.
    func broadcastBytes(_ bytes: UnsafeMutableRawBufferPointer, root: Int, among participants: Participants, tag: CollectiveTag) throws(MPIError) {
        if participants.count == 1 { return }
        if let hierarchy = nodeHierarchy(for: participants) {
            // Root to its node's leader, leaders among themselves, then inside each node.
            let rootLeader = hierarchy.leader(ofRank: root)
            if root != rootLeader {
                if rank == root { try collectiveSend(UnsafeRawBufferPointer(bytes), to: rootLeader, tag: .withinNode) }
                if rank == rootLeader { try collectiveReceive(bytes, from: root, tag: .withinNode) }
            }
            if let leaders = hierarchy.leaders {
                try broadcastBytes(bytes, root: rootLeader, among: leaders, tag: .amongNodes)
            }
            try broadcastBytes(bytes, root: hierarchy.leader(ofRank: rank), among: hierarchy.local, tag: .withinNode)
            return
        }
        let index = participants.index(ofRank: root)
        if bytes.count >= Self.largeBroadcast && participants.count > 2 {
            try scatterThenRing(bytes, rootIndex: index, participants, tag: tag)
        } else if bytes.count <= Self.shortBroadcast && participants.count <= 8 {
            try linearBroadcast(bytes, rootIndex: index, participants, tag: tag)
        } else {
            try binomialBroadcast(bytes, rootIndex: index, participants, tag: tag)
        }
    }

    /// Short messages to few ranks: the root sends each its copy (eager sends cost the
    /// root little), so every rank waits for one hop instead of log p.
    private func linearBroadcast(_ bytes: UnsafeMutableRawBufferPointer, rootIndex: Int, _ participants: Participants, tag: CollectiveTag) throws(MPIError) {
        guard participants.me == rootIndex else {
            return try collectiveReceive(bytes, from: participants.rank(rootIndex), tag: tag)
        }
        for index in 0..<participants.count where index != rootIndex {
            try collectiveSend(UnsafeRawBufferPointer(bytes), to: participants.rank(index), tag: tag)
        }
    }

    private func binomialBroadcast(_ bytes: UnsafeMutableRawBufferPointer, rootIndex: Int, _ participants: Participants, tag: CollectiveTag) throws(MPIError) {
        let n = participants.count
        let relative = (participants.me - rootIndex + n) % n
        var mask = 1
        while mask < n {
            if relative & mask != 0 {
                try collectiveReceive(bytes, from: participants.rank((relative - mask + rootIndex) % n), tag: tag)
                break
            }
            mask <<= 1
        }
        // Every child's send starts at once: a rendezvous one waits for its child to pull,
        // and the children should pull side by side.
        mask >>= 1
        var sends: [Request] = []
        while mask > 0 {
            if relative + mask < n {
                sends.append(try collectiveIsend(UnsafeRawBufferPointer(bytes), to: participants.rank((relative + mask + rootIndex) % n), tag: tag))
            }
            mask >>= 1
        }
        for send in sends { try send.wait() }
    }

    private func scatterThenRing(_ bytes: UnsafeMutableRawBufferPointer, rootIndex: Int, _ participants: Participants, tag: CollectiveTag) throws(MPIError) {
        let n = participants.count
        let pieces = Pieces(total: bytes.count, parts: n)
        let relative = (participants.me - rootIndex + n) % n
        func rankOf(_ relative: Int) -> Int { participants.rank((relative + rootIndex) % n) }
        if relative == 0 {
            var sends: [Request] = []
            for part in 1..<n where pieces.count(part) > 0 {
                sends.append(try collectiveIsend(UnsafeRawBufferPointer(pieces.slice(bytes, part)), to: rankOf(part), tag: tag))
            }
            for send in sends { try send.wait() }
        } else if pieces.count(relative) > 0 {
            try collectiveReceive(pieces.slice(bytes, relative), from: rankOf(0), tag: tag)
        }
        // Ring: in step s, pass on the piece received in step s-1 (first, one's own).
        for step in 0..<(n - 1) {
            let sendPart = (relative - step + n) % n
            let receivePart = (relative - step - 1 + n) % n
            try collectiveExchange(send: UnsafeRawBufferPointer(pieces.slice(bytes, sendPart)), to: rankOf((relative + 1) % n),
                                   receive: pieces.slice(bytes, receivePart), from: rankOf((relative - 1 + n) % n), tag: tag)
        }
    }
}

/// A buffer cut into `parts` nearly equal pieces, the first ones one byte larger.
struct Pieces {
    let total: Int
    let parts: Int

    func count(_ part: Int) -> Int { total / parts + (part < total % parts ? 1 : 0) }

    func offset(_ part: Int) -> Int { part * (total / parts) + Swift.min(part, total % parts) }

    func slice(_ bytes: UnsafeMutableRawBufferPointer, _ part: Int) -> UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(rebasing: bytes[offset(part)..<(offset(part) + count(part))])
    }
}
