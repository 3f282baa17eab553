import BrazosCore

/// The buffer a program attaches for buffered sends (`MPI_Buffer_attach`), as an
/// account: each buffered message takes its packed size plus `overhead` of it until the
/// message has left, and a message that does not fit what is left is refused with
/// `.buffer`. The bytes themselves travel from a copy the send owns, so the program's
/// buffer is never written; the account alone gives MPI's limits.
///
/// Unchecked: `attached` and `pending` are guarded by `lock`.
public final class BufferedSendSpace: @unchecked Sendable {
    /// `MPI_BSEND_OVERHEAD`: what each buffered message takes beyond its data (the ABI's value).
    public static let overhead = 512

    private let lock = PthreadMutex()
    private var attached: UnsafeMutableRawBufferPointer?
    /// The buffered messages not known to have left, with the bytes each takes.
    private var pending: [(request: Request, bytes: Int)] = []

    public init() {}

    /// Attaches `byteCount` bytes at `pointer` (`MPI_Buffer_attach`); one at a time.
    public func attach(_ pointer: UnsafeMutableRawPointer?, byteCount: Int) throws(MPIError) {
        guard byteCount >= 0 else { throw MPIError(.arg, "negative buffer size \(byteCount)") }
        guard pointer != nil || byteCount == 0 else { throw MPIError(.buffer, "null buffer of \(byteCount) bytes") }
        try lock.withLock { () throws(MPIError) in
            guard attached == nil else { throw MPIError(.buffer, "a buffer is attached already") }
            attached = UnsafeMutableRawBufferPointer(start: pointer, count: byteCount)
        }
    }

    /// Waits until every buffered message has left, then detaches the buffer and returns
    /// it (`MPI_Buffer_detach`); an empty buffer at nil if none was attached.
    public func detach() throws(MPIError) -> UnsafeMutableRawBufferPointer {
        try flush()
        return lock.withLock {
            defer { attached = nil }
            return attached ?? UnsafeMutableRawBufferPointer(start: nil, count: 0)
        }
    }

    /// Waits until every buffered message has left; the buffer stays (`MPI_Buffer_flush`).
    public func flush() throws(MPIError) {
        guard let engine = lock.withLock({ pending.first?.request.engine }) else { return }
        try engine.wait { lock.withLock { pruneLocked(); return pending.isEmpty } }
    }

    /// A request that completes once every message buffered so far has left
    /// (`MPI_Buffer_iflush`); its errors go to `communicator`'s handler.
    public func iflush(on communicator: Communicator) -> Request {
        let waitingFor = lock.withLock { pending.map(\.request) }
        let request = communicator.makeRequest(driver: FlushDriver(waitingFor: waitingFor))
        request.begin()
        return request
    }

    private func pruneLocked() { pending.removeAll { $0.request.isComplete } }

    /// Buffers `count` elements of `datatype` and starts sending them; returns at once.
    func send(on communicator: Communicator, _ buffer: UnsafeRawPointer?, count: Int, datatype: Datatype, to destination: Int, tag: Int) throws(MPIError) {
        try Communicator.checkBuffer(buffer, count: count, datatype: datatype)
        try communicator.checkDestination(destination)
        try communicator.checkSendTag(tag)
        if destination == MPI.procNull { return }
        let (size, overflow) = datatype.packedSize(count).addingReportingOverflow(Self.overhead)
        let request = communicator.makeRequest()
        try lock.withLock { () throws(MPIError) in
            pruneLocked()
            let used = pending.reduce(0) { $0 + $1.bytes }
            guard let attached else { throw MPIError(.buffer, "a buffered send of \(size) bytes with no buffer attached") }
            guard !overflow, size <= attached.count - used else {
                throw MPIError(.buffer, "a buffered send of \(size) bytes (with MPI_BSEND_OVERHEAD) does not fit the \(attached.count - used) bytes left of the attached buffer")
            }
            pending.append((request, size))
        }
        let copy = PackedStaging(memory: UnsafeMutableRawPointer(mutating: buffer), count: count, datatype: datatype)
        copy.pack()
        request.staging = copy
        do {
            try communicator.startSend(request, bytes: UnsafeRawBufferPointer(copy.packed), to: destination, tag: tag)
        } catch {
            lock.withLock { pending.removeAll { $0.request === request } }
            throw error
        }
    }
}

/// Completes an `iflush` once the messages buffered before it have left.
private final class FlushDriver: RequestDriver {
    private var waitingFor: [Request]

    init(waitingFor: [Request]) { self.waitingFor = waitingFor }

    func advance(_ request: Request) {
        waitingFor.removeAll { $0.isComplete }
        if waitingFor.isEmpty { request.complete(.empty) }
    }
}

extension Communicator {
    /// Copies the message into `space`'s account and starts it; returns at once
    /// (`MPI_Bsend`). Throws `.buffer` if it does not fit what is left.
    public func bsend(_ buffer: UnsafeRawPointer?, count: Int, datatype: Datatype, to destination: Int, tag: Int, space: BufferedSendSpace) throws(MPIError) {
        try space.send(on: self, buffer, count: count, datatype: datatype, to: destination, tag: tag)
    }

    /// `MPI_Ibsend`: buffers the message and returns a request complete already.
    public func ibsend(_ buffer: UnsafeRawPointer?, count: Int, datatype: Datatype, to destination: Int, tag: Int, space: BufferedSendSpace) throws(MPIError) -> Request {
        try space.send(on: self, buffer, count: count, datatype: datatype, to: destination, tag: tag)
        let request = makeRequest()
        request.begin()
        request.complete(.empty)
        return request
    }

    /// A persistent buffered send (`MPI_Bsend_init`): each `start()` buffers the data as
    /// it is then, and the request completes at once.
    public func bsendInit(_ buffer: UnsafeRawPointer?, count: Int, datatype: Datatype, to destination: Int, tag: Int, space: BufferedSendSpace) throws(MPIError) -> Request {
        try Self.checkBuffer(buffer, count: count, datatype: datatype)
        try checkDestination(destination)
        try checkSendTag(tag)
        return makeRequest(persistent: .driven(start: { (request: Request) throws(MPIError) in
            try space.send(on: self, buffer, count: count, datatype: datatype, to: destination, tag: tag)
            request.complete(.empty)
        }))
    }
}
