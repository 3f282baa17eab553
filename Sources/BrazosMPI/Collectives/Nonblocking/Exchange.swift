/// The schedule shared by the all-to-all and neighbourhood collectives: one step in
/// which each listed block goes to or comes from its peer.
struct ExchangeBlock<Memory> {
    let peer: Int
    let memory: Memory?
    let count: Int
    let datatype: Datatype
}

typealias OutgoingBlock = ExchangeBlock<UnsafeRawPointer>
typealias IncomingBlock = ExchangeBlock<UnsafeMutableRawPointer>

extension Communicator {
    /// `copySends`: the outgoing blocks lie in memory the incoming ones overwrite (in
    /// place), so they are copied at the start.
    func exchangeSchedule(sending: [OutgoingBlock], receiving: [IncomingBlock], copySends: Bool) throws(MPIError) -> CollectiveSchedule {
        var builder = ScheduleBuilder(self)
        var transfers: [CollectiveSchedule.Transfer] = []
        for block in receiving {
            transfers.append(.receive(try builder.incoming(block.memory, count: block.count, datatype: block.datatype), from: block.peer))
        }
        for block in sending {
            transfers.append(.send(try builder.outgoing(block.memory, count: block.count, datatype: block.datatype, copy: copySends), to: block.peer))
        }
        builder.transfers(transfers)
        return builder.build()
    }

    /// Checks a count, a datatype and a displacement in bytes per peer (the `w` forms).
    /// With a null `base` (`MPI_BOTTOM`) the displacements are absolute addresses (from
    /// `MPI_Get_address`): they must lie in the address space, and a block with data
    /// must not start at address 0 (`.buffer`, as `checkAddress`).
    static func checkBlocks(_ base: UnsafeRawPointer?, _ counts: [Int], byteDisplacements: [Int], _ datatypes: [Datatype], peers: Int) throws(MPIError) {
        guard counts.count >= peers, byteDisplacements.count >= peers, datatypes.count >= peers else {
            throw MPIError(.arg, "\(peers) counts, displacements and datatypes needed, \(Swift.min(counts.count, byteDisplacements.count, datatypes.count)) given")
        }
        for index in 0..<peers {
            let count = counts[index], displacement = byteDisplacements[index], datatype = datatypes[index]
            try checkBuffer(count: count, datatype: datatype)
            guard base == nil else {
                guard displacement.magnitude <= UInt(Datatype.hostMemory) else {
                    throw MPIError(.arg, "displacement \(displacement) lies beyond this host's memory")
                }
                continue
            }
            guard displacement >= 0 else { throw MPIError(.arg, "address \(displacement) from MPI_BOTTOM is outside the address space") }
            let (start, overflow) = displacement.addingReportingOverflow(datatype.trueLowerBound)
            if count > 0, datatype.size > 0, !overflow, start == 0 {
                throw MPIError(.buffer, "null buffer for \(count) elements of \(datatype)")
            }
        }
    }
}

extension ExchangeBlock {
    /// One block per peer of `peers`, at element displacements of one datatype.
    static func blocks(_ memory: Memory?, peers: [Int], counts: [Int], displacements: [Int], datatype: Datatype,
                       offset: (Memory, Int) -> Memory) -> [ExchangeBlock] {
        peers.indices.map { index in
            ExchangeBlock(peer: peers[index], memory: memory.map { offset($0, displacements[index] * datatype.extent) },
                          count: counts[index], datatype: datatype)
        }
    }

    /// One block per peer of `peers`, at byte displacements from `base`, each of its own
    /// datatype; a null base is `MPI_BOTTOM`, the displacements then being addresses
    /// (`checkBlocks` has checked that each lies in the address space).
    static func blocks(_ base: UnsafeRawPointer?, peers: [Int], counts: [Int], byteDisplacements: [Int], datatypes: [Datatype],
                       address: (Int) -> Memory?) -> [ExchangeBlock] {
        peers.indices.map { index in
            ExchangeBlock(peer: peers[index], memory: address(Int(bitPattern: base) &+ byteDisplacements[index]), count: counts[index],
                          datatype: datatypes[index])
        }
    }
}

func outgoingBlocks(_ memory: UnsafeRawPointer?, peers: [Int], counts: [Int], displacements: [Int], datatype: Datatype) -> [OutgoingBlock] {
    OutgoingBlock.blocks(memory, peers: peers, counts: counts, displacements: displacements, datatype: datatype) { $0 + $1 }
}

func incomingBlocks(_ memory: UnsafeMutableRawPointer?, peers: [Int], counts: [Int], displacements: [Int], datatype: Datatype) -> [IncomingBlock] {
    IncomingBlock.blocks(memory, peers: peers, counts: counts, displacements: displacements, datatype: datatype) { $0 + $1 }
}

func outgoingBlocks(_ memory: UnsafeRawPointer?, peers: [Int], counts: [Int], byteDisplacements: [Int], datatypes: [Datatype]) -> [OutgoingBlock] {
    OutgoingBlock.blocks(memory, peers: peers, counts: counts, byteDisplacements: byteDisplacements, datatypes: datatypes) { UnsafeRawPointer(bitPattern: $0) }
}

func incomingBlocks(_ memory: UnsafeMutableRawPointer?, peers: [Int], counts: [Int], byteDisplacements: [Int], datatypes: [Datatype]) -> [IncomingBlock] {
    IncomingBlock.blocks(UnsafeRawPointer(memory), peers: peers, counts: counts, byteDisplacements: byteDisplacements, datatypes: datatypes) {
        UnsafeMutableRawPointer(bitPattern: $0)
    }
}
