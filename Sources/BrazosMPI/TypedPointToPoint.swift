/// Point-to-point with MPI datatypes: `count` elements of `datatype` at a pointer. Data
/// whose datatype packs as is goes straight from and into the program's memory; other
/// data goes through a packed copy that the request owns.
extension Communicator {
    /// Sends `count` elements of `datatype` at `buffer` and waits until the buffer may be reused (`MPI_Send`).
    public func send(_ buffer: UnsafeRawPointer?, count: Int, datatype: Datatype, to destination: Int, tag: Int) throws(MPIError) {
        try Self.checkBuffer(buffer, count: count, datatype: datatype)
        if datatype.isPackedAsIs { return try send(buffer, byteCount: datatype.packedSize(count), to: destination, tag: tag) }
        try isend(buffer, count: count, datatype: datatype, to: destination, tag: tag).wait()
    }

    /// Receives at most `count` elements of `datatype` into `buffer` and waits (`MPI_Recv`);
    /// throws `.truncate` if the message is longer.
    @discardableResult
    public func recv(_ buffer: UnsafeMutableRawPointer?, count: Int, datatype: Datatype, from source: Int, tag: Int) throws(MPIError) -> Status {
        try Self.checkBuffer(buffer, count: count, datatype: datatype)
        if datatype.isPackedAsIs { return try recv(buffer, byteCount: datatype.packedSize(count), from: source, tag: tag) }
        return try irecv(buffer, count: count, datatype: datatype, from: source, tag: tag).wait()
    }

    /// Starts a send of `count` elements of `datatype` (`MPI_Isend`). A type that does not
    /// pack as is is packed now, so the buffer may change at once; otherwise it must not
    /// until the request completes.
    public func isend(_ buffer: UnsafeRawPointer?, count: Int, datatype: Datatype, to destination: Int, tag: Int) throws(MPIError) -> Request {
        try staged(UnsafeMutableRawPointer(mutating: buffer), count, datatype, receiving: false) { (bytes, byteCount) throws(MPIError) in
            try isend(bytes, byteCount: byteCount, to: destination, tag: tag)
        }
    }

    /// Starts a receive of at most `count` elements of `datatype` into `buffer` (`MPI_Irecv`).
    public func irecv(_ buffer: UnsafeMutableRawPointer?, count: Int, datatype: Datatype, from source: Int, tag: Int) throws(MPIError) -> Request {
        try staged(buffer, count, datatype, receiving: true) { (bytes, byteCount) throws(MPIError) in
            try irecv(bytes, byteCount: byteCount, from: source, tag: tag)
        }
    }

    /// A persistent send of `count` elements of `datatype` (`MPI_Send_init`): each `start()`
    /// sends the buffer as it is then.
    public func sendInit(_ buffer: UnsafeRawPointer?, count: Int, datatype: Datatype, to destination: Int, tag: Int) throws(MPIError) -> Request {
        try staged(UnsafeMutableRawPointer(mutating: buffer), count, datatype, receiving: false, packNow: false) { (bytes, byteCount) throws(MPIError) in
            try sendInit(bytes, byteCount: byteCount, to: destination, tag: tag)
        }
    }

    /// A persistent receive of at most `count` elements of `datatype` (`MPI_Recv_init`).
    public func recvInit(_ buffer: UnsafeMutableRawPointer?, count: Int, datatype: Datatype, from source: Int, tag: Int) throws(MPIError) -> Request {
        try staged(buffer, count, datatype, receiving: true) { (bytes, byteCount) throws(MPIError) in
            try recvInit(bytes, byteCount: byteCount, from: source, tag: tag)
        }
    }

    /// Makes a request with `make` on the memory itself when the datatype packs as is,
    /// else on a packed copy that the request keeps (packed now for an immediate send;
    /// a persistent send packs at each start; a receive unpacks when finished).
    func staged(_ memory: UnsafeMutableRawPointer?, _ count: Int, _ datatype: Datatype, receiving: Bool, packNow: Bool = true,
                        _ make: (UnsafeMutableRawPointer?, Int) throws(MPIError) -> Request) throws(MPIError) -> Request {
        try Self.checkBuffer(memory, count: count, datatype: datatype)
        if datatype.isPackedAsIs { return try make(memory, datatype.packedSize(count)) }
        let staging = PackedStaging(memory: memory, count: count, datatype: datatype)
        if !receiving && packNow { staging.pack() }
        let request = try make(staging.packed.baseAddress, staging.packed.count)
        request.staging = staging
        request.unpacksStaging = receiving
        return request
    }

    /// Sends and receives typed data at once (`MPI_Sendrecv`), so that a ring of exchanges
    /// cannot deadlock; returns the receive's status.
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
