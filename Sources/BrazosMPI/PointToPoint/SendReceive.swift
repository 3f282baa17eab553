/// The receive and send of `MPI_Isendrecv` (and its replacing form), driven as one
/// request: it completes once both have, with the receive's status.
final class SendReceivePair: RequestDriver {
    private let send: Request
    private let receive: Request

    init(send: Request, receive: Request) {
        self.send = send
        self.receive = receive
    }

    func advance(_ request: Request) {
        guard send.isComplete, receive.isComplete else { return }
        var failure: MPIError?
        var status = receive.completedStatus
        do throws(MPIError) { status = try receive.wait() } catch { failure = error }
        do throws(MPIError) { try send.wait() } catch { failure = failure ?? error }
        request.complete(status, failure: failure)
    }
}

extension Communicator {
    /// Starts a send and a receive at once (`MPI_Isendrecv`); the request has the receive's status.
    public func isendrecv(_ sendBuffer: UnsafeRawPointer?, sendCount: Int, sendType: Datatype, to destination: Int, sendTag: Int,
                          _ receiveBuffer: UnsafeMutableRawPointer?, receiveCount: Int, receiveType: Datatype, from source: Int,
                          receiveTag: Int) throws(MPIError) -> Request {
        try checkDestination(destination)
        try checkSendTag(sendTag)
        let receive = try irecv(receiveBuffer, count: receiveCount, datatype: receiveType, from: source, tag: receiveTag)
        let send = try isend(sendBuffer, count: sendCount, datatype: sendType, to: destination, tag: sendTag)
        return makeRequest(driver: SendReceivePair(send: send, receive: receive))
    }

    /// Sends the buffer's contents and receives a message into the same buffer
    /// (`MPI_Sendrecv_replace`); returns the receive's status.
    @discardableResult
    public func sendrecvReplace(_ buffer: UnsafeMutableRawPointer?, count: Int, datatype: Datatype, to destination: Int, sendTag: Int,
                                from source: Int, receiveTag: Int) throws(MPIError) -> Status {
        try isendrecvReplace(buffer, count: count, datatype: datatype, to: destination, sendTag: sendTag, from: source, receiveTag: receiveTag).wait()
    }

    /// `sendrecvReplace` started (`MPI_Isendrecv_replace`): the outgoing data is copied
    /// first, so the receive may land in the buffer at once.
    public func isendrecvReplace(_ buffer: UnsafeMutableRawPointer?, count: Int, datatype: Datatype, to destination: Int, sendTag: Int,
                                 from source: Int, receiveTag: Int) throws(MPIError) -> Request {
        try Self.checkBuffer(buffer, count: count, datatype: datatype)
        try checkDestination(destination)
        try checkSendTag(sendTag)
        let outgoing = PackedStaging(memory: buffer, count: count, datatype: datatype)
        outgoing.pack()
        let receive = try irecv(buffer, count: count, datatype: datatype, from: source, tag: receiveTag)
        let send = makeRequest()
        send.staging = outgoing
        try startSend(send, bytes: UnsafeRawBufferPointer(outgoing.packed), to: destination, tag: sendTag)
        return makeRequest(driver: SendReceivePair(send: send, receive: receive))
    }
}
