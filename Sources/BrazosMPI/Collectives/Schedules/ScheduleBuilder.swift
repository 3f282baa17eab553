/// Assembles a `CollectiveSchedule`: the buffers it owns, what runs at each start before
/// the first transfer (packing the program's data), its steps, and what runs at the end
/// (unpacking into the program's memory).
///
/// Buffers are fixed when the schedule is made, so a persistent schedule packs into the
/// same copies at every start; data that packs as is travels from and into the
/// program's memory itself.
struct ScheduleBuilder {
    let communicator: Communicator
    private var atStart: [() -> Void] = []
    private var steps: [CollectiveSchedule.Step] = []
    private var atEnd: [() -> Void] = []
    private var owned: [PackedBuffer] = []

    init(_ communicator: Communicator) {
        self.communicator = communicator
    }

    /// A buffer of `size` bytes that the schedule owns.
    mutating func scratch(_ size: Int) throws(MPIError) -> UnsafeMutableRawBufferPointer {
        let buffer = try PackedBuffer.scratch(size)
        owned.append(buffer)
        return buffer.bytes
    }

    /// The packed bytes of `count` elements at `memory`, as they are when the schedule
    /// starts: the memory itself when the datatype packs as is, unless `copy` (the memory
    /// changes while the schedule runs, as in place), else a copy packed at each start.
    mutating func outgoing(_ memory: UnsafeRawPointer?, count: Int, datatype: Datatype, copy: Bool = false) throws(MPIError) -> UnsafeRawBufferPointer {
        let size = datatype.packedSize(count)
        if size == 0 || (datatype.isPackedAsIs && !copy) {
            return UnsafeRawBufferPointer(start: size == 0 ? nil : memory, count: size)
        }
        try Self.checkBottom(memory, count: count, datatype: datatype)
        let packed = try scratch(size)
        atStart.append { datatype.pack(count, from: memory, into: packed.baseAddress!) }
        return UnsafeRawBufferPointer(packed)
    }

    /// Where `count` elements bound for `memory` arrive packed: the memory itself when
    /// the datatype packs as is, else a copy unpacked into it when the schedule ends.
    mutating func incoming(_ memory: UnsafeMutableRawPointer?, count: Int, datatype: Datatype) throws(MPIError) -> UnsafeMutableRawBufferPointer {
        let size = datatype.packedSize(count)
        if size == 0 || datatype.isPackedAsIs {
            return UnsafeMutableRawBufferPointer(start: size == 0 ? nil : memory, count: size)
        }
        try Self.checkBottom(memory, count: count, datatype: datatype)
        let packed = try scratch(size)
        atEnd.append { datatype.unpack(count, from: packed.baseAddress!, into: memory) }
        return packed
    }

    /// A null memory is `MPI_BOTTOM`: right only for a type whose offsets are addresses
    /// (its data not at offset 0), which packing then follows from address 0.
    private static func checkBottom(_ memory: UnsafeRawPointer?, count: Int, datatype: Datatype) throws(MPIError) {
        guard memory == nil, datatype.trueLowerBound == 0 else { return }
        throw MPIError(.buffer, "null buffer for \(count) elements of \(datatype)")
    }

    /// A step of transfers, all posted at once; an empty set adds nothing.
    mutating func transfers(_ transfers: [CollectiveSchedule.Transfer]) {
        if !transfers.isEmpty { steps.append(.transfers(transfers)) }
    }

    /// A local step, after the transfers added so far.
    mutating func then(_ action: @escaping () throws(MPIError) -> Void) {
        steps.append(.local(action))
    }

    /// The schedule, tagged with the communicator's next collective number.
    func build() -> CollectiveSchedule {
        var all = steps
        let packs = atStart, unpacks = atEnd
        if !packs.isEmpty { all.insert(.local { for pack in packs { pack() } }, at: 0) }
        if !unpacks.isEmpty { all.append(.local { for unpack in unpacks { unpack() } }) }
        return CollectiveSchedule(communicator: communicator, tag: CollectiveSequence.nextTag(on: communicator), steps: all, owned: owned)
    }
}

extension CollectiveSchedule.Transfer {
    static func send(_ bytes: UnsafeRawBufferPointer, to peer: Int) -> Self { Self(direction: .send(bytes), peer: peer) }
    static func receive(_ buffer: UnsafeMutableRawBufferPointer, from peer: Int) -> Self { Self(direction: .receive(buffer), peer: peer) }
}

/// Combines the packed contributions `slots` (one per rank, in rank order) into
/// `result`: slot 0 op slot 1 op ..., the lower ranks' data always the left operand, so
/// that operations that do not commute get rank order.
func combineInRankOrder(_ slots: [UnsafeRawBufferPointer], into result: UnsafeMutableRawBufferPointer, count: Int, datatype: Datatype, op: Op) {
    guard count > 0, let last = slots.last else { return }
    result.baseAddress!.copyMemory(from: last.baseAddress!, byteCount: last.count)
    for slot in slots.dropLast().reversed() {
        op.apply(slot.baseAddress!, result.baseAddress!, count: count, datatype: datatype)
    }
}

extension Communicator {
    /// The address `displacement` elements of `datatype` (its extent each) from `memory`.
    func block(_ memory: UnsafeRawPointer?, at displacement: Int, of datatype: Datatype) -> UnsafeRawPointer? {
        memory.map { $0 + displacement * datatype.extent }
    }

    /// The address `displacement` elements of `datatype` from `memory`, to write.
    func block(_ memory: UnsafeMutableRawPointer?, at displacement: Int, of datatype: Datatype) -> UnsafeMutableRawPointer? {
        memory.map { $0 + displacement * datatype.extent }
    }
}
