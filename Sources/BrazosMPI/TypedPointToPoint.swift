/// Point-to-point with MPI datatypes: `count` elements of `datatype` at a pointer. Data
/// whose datatype packs as is goes straight from and into the program's memory; other
/// data goes through a packed copy that the request owns.
extension Communicator {
    public func send(_ buffer: UnsafeRawPointer?, count: Int, datatype: Datatype, to destination: Int, tag: Int) throws(MPIError) {
        try Self.checkBuffer(count: count, datatype: datatype)
        if datatype.isPackedAsIs { return try send(buffer, byteCount: datatype.packedSize(count), to: destination, tag: tag) }
        try isend(buffer, count: count, datatype: datatype, to: destination, tag: tag).wait()
    }

    @discardableResult
    public func recv(_ buffer: UnsafeMutableRawPointer?, count: Int, datatype: Datatype, from source: Int, tag: Int) throws(MPIError) -> Status {
        try Self.checkBuffer(count: count, datatype: datatype)
        if datatype.isPackedAsIs { return try recv(buffer, byteCount: datatype.packedSize(count), from: source, tag: tag) }
        return try irecv(buffer, count: count, datatype: datatype, from: source, tag: tag).wait()
    }

    public func isend(_ buffer: UnsafeRawPointer?, count: Int, datatype: Datatype, to destination: Int, tag: Int) throws(MPIError) -> Request {
        try Self.checkBuffer(count: count, datatype: datatype)
        if datatype.isPackedAsIs { return try isend(buffer, byteCount: datatype.packedSize(count), to: destination, tag: tag) }
        let staging = PackedStaging(memory: UnsafeMutableRawPointer(mutating: buffer), count: count, datatype: datatype)
        staging.pack()
        let request = try isend(staging.packed.baseAddress, byteCount: staging.packed.count, to: destination, tag: tag)
        request.staging = staging
        return request
    }

    public func irecv(_ buffer: UnsafeMutableRawPointer?, count: Int, datatype: Datatype, from source: Int, tag: Int) throws(MPIError) -> Request {
        try Self.checkBuffer(count: count, datatype: datatype)
        if datatype.isPackedAsIs { return try irecv(buffer, byteCount: datatype.packedSize(count), from: source, tag: tag) }
        let staging = PackedStaging(memory: buffer, count: count, datatype: datatype)
        let request = try irecv(staging.packed.baseAddress, byteCount: staging.packed.count, from: source, tag: tag)
        request.staging = staging
        request.unpacksStaging = true
        return request
    }

    public func sendInit(_ buffer: UnsafeRawPointer?, count: Int, datatype: Datatype, to destination: Int, tag: Int) throws(MPIError) -> Request {
        try Self.checkBuffer(count: count, datatype: datatype)
        if datatype.isPackedAsIs { return try sendInit(buffer, byteCount: datatype.packedSize(count), to: destination, tag: tag) }
        let staging = PackedStaging(memory: UnsafeMutableRawPointer(mutating: buffer), count: count, datatype: datatype)
        let request = try sendInit(staging.packed.baseAddress, byteCount: staging.packed.count, to: destination, tag: tag)
        request.staging = staging
        return request
    }

    public func recvInit(_ buffer: UnsafeMutableRawPointer?, count: Int, datatype: Datatype, from source: Int, tag: Int) throws(MPIError) -> Request {
        try Self.checkBuffer(count: count, datatype: datatype)
        if datatype.isPackedAsIs { return try recvInit(buffer, byteCount: datatype.packedSize(count), from: source, tag: tag) }
        let staging = PackedStaging(memory: buffer, count: count, datatype: datatype)
        let request = try recvInit(staging.packed.baseAddress, byteCount: staging.packed.count, from: source, tag: tag)
        request.staging = staging
        request.unpacksStaging = true
        return request
    }

    @discardableResult
    public func sendrecv(_ sendBuffer: UnsafeRawPointer?, sendCount: Int, sendType: Datatype, to destination: Int, sendTag: Int,
                         _ receiveBuffer: UnsafeMutableRawPointer?, receiveCount: Int, receiveType: Datatype, from source: Int, receiveTag: Int) throws(MPIError) -> Status {
        let receive = try irecv(receiveBuffer, count: receiveCount, datatype: receiveType, from: source, tag: receiveTag)
        let send = try isend(sendBuffer, count: sendCount, datatype: sendType, to: destination, tag: sendTag)
        try send.wait()
        return try receive.wait()
    }
}

extension Status {
    /// Elements of `datatype` received, or nil if the bytes are not a whole number of them
    /// (`MPI_Get_count` gives `MPI_UNDEFINED` then).
    public func count(of datatype: Datatype) -> Int? {
        guard datatype.size > 0 else { return byteCount == 0 ? 0 : nil }
        return byteCount % datatype.size == 0 ? byteCount / datatype.size : nil
    }
}
