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
        if let memory, count > 0 { datatype.pack(count, from: memory, into: packed.baseAddress!) }
    }

    /// Unpacks the whole elements among `byteCount` received bytes.
    func unpack(receivedBytes byteCount: Int) {
        let elements = min(count, byteCount / max(datatype.size, 1))
        if let memory, elements > 0 { datatype.unpack(elements, from: packed.baseAddress!, into: memory) }
    }
}
