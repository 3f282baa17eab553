/// The synchronous and ready send modes. A synchronous send always takes the rendezvous
/// path, whose completion needs the receiver to have matched the message; a ready send
/// is a standard send (MPI lets it be one: the program promises the receive is posted).
extension Communicator {
    /// Sends and returns once the receiver has matched the message (`MPI_Ssend`).
    public func ssend(_ buffer: UnsafeRawPointer?, count: Int, datatype: Datatype, to destination: Int, tag: Int) throws(MPIError) {
        try issend(buffer, count: count, datatype: datatype, to: destination, tag: tag).wait()
    }

    /// Starts a synchronous send (`MPI_Issend`): it completes once the receiver has matched it.
    public func issend(_ buffer: UnsafeRawPointer?, count: Int, datatype: Datatype, to destination: Int, tag: Int) throws(MPIError) -> Request {
        try checkDestination(destination)
        try checkSendTag(tag)
        return try staged(UnsafeMutableRawPointer(mutating: buffer), count, datatype, receiving: false) { (bytes, byteCount) throws(MPIError) in
            let request = makeRequest()
            try startSend(request, bytes: UnsafeRawBufferPointer(start: bytes, count: byteCount), to: destination, tag: tag, synchronous: true)
            return request
        }
    }

    /// A persistent synchronous send (`MPI_Ssend_init`): each `start()` sends the buffer as it is then.
    public func ssendInit(_ buffer: UnsafeRawPointer?, count: Int, datatype: Datatype, to destination: Int, tag: Int) throws(MPIError) -> Request {
        try checkDestination(destination)
        try checkSendTag(tag)
        return try staged(UnsafeMutableRawPointer(mutating: buffer), count, datatype, receiving: false, packNow: false) { (bytes, byteCount) throws(MPIError) in
            let outgoing = UnsafeRawBufferPointer(start: bytes, count: byteCount)
            return makeRequest(persistent: .driven(start: { (request: Request) throws(MPIError) in
                request.staging?.pack()
                try self.startSend(request, bytes: outgoing, to: destination, tag: tag, synchronous: true)
            }))
        }
    }

    /// A ready send (`MPI_Rsend`): a standard send.
    public func rsend(_ buffer: UnsafeRawPointer?, count: Int, datatype: Datatype, to destination: Int, tag: Int) throws(MPIError) {
        try send(buffer, count: count, datatype: datatype, to: destination, tag: tag)
    }

    /// `MPI_Irsend`: a standard `isend`.
    public func irsend(_ buffer: UnsafeRawPointer?, count: Int, datatype: Datatype, to destination: Int, tag: Int) throws(MPIError) -> Request {
        try isend(buffer, count: count, datatype: datatype, to: destination, tag: tag)
    }

    /// `MPI_Rsend_init`: a standard `sendInit`.
    public func rsendInit(_ buffer: UnsafeRawPointer?, count: Int, datatype: Datatype, to destination: Int, tag: Int) throws(MPIError) -> Request {
        try sendInit(buffer, count: count, datatype: datatype, to: destination, tag: tag)
    }
}
