/// The packed copy a request sends from or receives into when its datatype does not lie
/// in memory as it travels (a strided vector, a padded pair). The request owns it: a send
/// packs before it starts, a receive unpacks when it is finished.
final class PackedStaging {
    private let memory: UnsafeMutableRawPointer?
    private let count: Int
    private let datatype: Datatype
    let packed: UnsafeMutableRawBufferPointer

    init(memory: UnsafeMutableRawPointer?, count: Int, datatype: Datatype) {
        self.memory = memory
        self.count = count
        self.datatype = datatype
        packed = .allocate(byteCount: datatype.packedSize(count), alignment: 16)
    }

    deinit { packed.deallocate() }

    func pack() {
        // A nil memory with data is `MPI_BOTTOM`: the datatype's offsets are addresses.
        if count > 0, datatype.size > 0 { datatype.pack(count, from: memory, into: packed.baseAddress!) }
    }

    /// Unpacks `byteCount` received bytes: the whole elements among them, and the basic
    /// elements of a last partial one (a message of another type with a shorter signature).
    func unpack(receivedBytes byteCount: Int) {
        if byteCount > 0, count > 0 { datatype.unpack(count, from: packed.baseAddress!, into: memory, byteCount: byteCount) }
    }
}
