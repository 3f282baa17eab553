/// A message a matched probe took (`MPI_Mprobe`, `MPI_Improbe`): it is out of the
/// unexpected queue, so no other receive can match it, and exactly one `mrecv` or
/// `imrecv` receives it. A probe of `MPI.procNull` gives the no-process message, whose
/// receive completes at once with an empty status (`MPI_MESSAGE_NO_PROC`).
///
/// Unchecked: `state` is used by the one thread that holds the message (MPI lets only
/// one receive take it); the rest never changes.
public final class MatchedMessage: @unchecked Sendable {
    enum State {
        case noProcess
        case waiting(envelope: Envelope, arrival: MessageEngine.Arrival)
        case received
    }

    /// The communicator it was sent on, whose error handler its receive reports to.
    public let communicator: Communicator
    private var state: State

    init(communicator: Communicator, state: State) {
        self.communicator = communicator
        self.state = state
    }

    /// Whether this is the message of a probe of `MPI.procNull`.
    public var isNoProcess: Bool {
        if case .noProcess = state { return true }
        return false
    }

    /// Receives the message into `count` elements of `datatype` at `buffer` and waits (`MPI_Mrecv`).
    @discardableResult
    public func mrecv(_ buffer: UnsafeMutableRawPointer?, count: Int, datatype: Datatype) throws(MPIError) -> Status {
        try imrecv(buffer, count: count, datatype: datatype).wait()
    }

    /// Starts receiving the message into `count` elements of `datatype` at `buffer` (`MPI_Imrecv`).
    public func imrecv(_ buffer: UnsafeMutableRawPointer?, count: Int, datatype: Datatype) throws(MPIError) -> Request {
        try communicator.staged(buffer, count, datatype, receiving: true) { (bytes, byteCount) throws(MPIError) in
            try receive(into: UnsafeMutableRawBufferPointer(start: bytes, count: byteCount))
        }
    }

    private func receive(into buffer: UnsafeMutableRawBufferPointer) throws(MPIError) -> Request {
        let request = communicator.makeRequest()
        request.buffer = buffer
        request.begin()
        switch state {
        case .received:
            throw MPIError(.request, "the matched message was received already")
        case .noProcess:
            request.complete(.empty)
        case let .waiting(envelope, arrival):
            state = .received
            try communicator.engine.accept(arrival, envelope: envelope, into: request)
        }
        return request
    }
}

extension Communicator {
    /// Waits for a message that a receive with `source` and `tag` would match and takes
    /// it (`MPI_Mprobe`): no other receive can match it any more.
    public func mprobe(from source: Int = MPI.anySource, tag: Int = MPI.anyTag) throws(MPIError) -> (message: MatchedMessage, status: Status) {
        try checkSource(source)
        try checkReceiveTag(tag)
        if source == MPI.procNull { return (MatchedMessage(communicator: self, state: .noProcess), .empty) }
        var found: (MatchedMessage, Status)?
        try engine.wait { found = takeMatching(source: source, tag: tag); return found != nil }
        return found!
    }

    /// `mprobe` without waiting: nil if no such message has arrived (`MPI_Improbe`).
    public func improbe(from source: Int = MPI.anySource, tag: Int = MPI.anyTag) throws(MPIError) -> (message: MatchedMessage, status: Status)? {
        try checkSource(source)
        try checkReceiveTag(tag)
        if source == MPI.procNull { return (MatchedMessage(communicator: self, state: .noProcess), .empty) }
        if let found = takeMatching(source: source, tag: tag) { return found }
        try engine.pollOnce()
        return takeMatching(source: source, tag: tag)
    }

    private func takeMatching(source: Int, tag: Int) -> (MatchedMessage, Status)? {
        let pattern = MatchPattern(context: context, source: Int32(source == MPI.anySource ? MPI.anySource : worldRank(of: source)), tag: Int32(tag))
        guard let (envelope, arrival) = engine.take(pattern: pattern, rank: callerWorldRank) else { return nil }
        let status = Status(source: rank(ofWorld: Int(envelope.source)), tag: Int(envelope.tag), byteCount: MessageEngine.length(of: arrival))
        return (MatchedMessage(communicator: self, state: .waiting(envelope: envelope, arrival: arrival)), status)
    }
}
