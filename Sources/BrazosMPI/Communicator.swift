import BrazosCore
import Synchronization

/// A communicator as seen by one rank: its context (which keeps its messages apart from
/// every other communicator's), its size, the caller's rank in it, and point-to-point
/// communication. Ranks are translated to world ranks, and world ranks to nodes through
/// the node's rank directory, at every send: a rank's node is never assumed.
///
/// Unchecked: `collectiveScratch`, `incomingScratch` and `hierarchy` (made at the first
/// collective that asks) are used only inside collectives, which MPI lets run on one
/// thread at a time per communicator; `scratch` belongs to whichever caller won
/// `scratchTaken`. `errorHandler` is set by the program (`MPI_Comm_set_errhandler`, or
/// on a new communicator before it is returned) and read when a call on it fails: the
/// program orders the two, as MPI requires. The rest is set in init and never changes.
public final class Communicator: @unchecked Sendable {
    let engine: MessageEngine
    let context: UInt32
    /// nil for the world itself.
    let translation: RankTranslation?
    /// The caller's rank in this communicator (`MPI_Comm_rank`).
    public let rank: Int
    /// The caller's world rank: the source of what it sends. Not `worldRank(of: rank)` on
    /// an intercommunicator, whose translation is that of the remote group.
    let callerWorldRank: Int
    /// Ranks in this communicator (`MPI_Comm_size`); on an intercommunicator, those of the
    /// remote group, which point-to-point addresses (`localSize` is `MPI_Comm_size` there).
    public let size: Int
    /// Where the contexts of communicators made from this one come from (one per rank).
    let contexts: ContextAllocator
    /// What the C interface does with an error on this communicator; Swift callers always
    /// get the error thrown.
    public var errorHandler: ErrorHandler = .fatal
    /// The request of blocking receives, so that they allocate nothing; `scratchTaken`
    /// hands it to one caller at a time (others make their own).
    private let scratch: Request
    private let scratchTaken = Atomic<Bool>(false)
    /// The one receive a collective has outstanding at a time (exchanges, tree steps):
    /// collectives of a communicator run on one thread at a time, so it is reused.
    let collectiveScratch: Request
    /// Scratch for data arriving in reductions, kept between calls (up to 1 MiB).
    var incomingScratch = UnsafeMutableRawBufferPointer(start: nil, count: 0)
    /// Which ranks share a node, for two-stage collectives; nil when that would not help,
    /// or where threads move (the ranks would disagree on who shares a node).
    lazy var hierarchy: NodeHierarchy? = engine.mobile != nil ? nil : NodeHierarchy(
        nodeOfRank: (0..<size).map { engine.directory.node(of: worldRank(of: $0)) ?? -1 }, me: rank)

    /// What MPI attaches to a communicator besides its ranks (topology, name, attributes, info).
    let extras = CommunicatorExtras()

    init(engine: MessageEngine, context: UInt32, translation: RankTranslation?, rank: Int, size: Int, contexts: ContextAllocator,
         callerWorldRank: Int? = nil) {
        self.engine = engine
        self.context = context
        self.translation = translation
        self.rank = rank
        self.callerWorldRank = callerWorldRank ?? translation?.worldRank(of: rank) ?? rank
        self.size = size
        self.contexts = contexts
        scratch = Request(engine: engine, translation: translation)
        collectiveScratch = Request(engine: engine, translation: translation)
    }

    deinit { incomingScratch.deallocate() }

    func makeRequest(persistent: Request.Operation? = nil, driver: RequestDriver? = nil) -> Request {
        let request = Request(engine: engine, translation: translation, persistent: persistent, driver: driver)
        request.communicator = self
        return request
    }

    /// This rank's non-blocking operations still in progress on any communicator: posted
    /// receives not yet matched and large sends not yet taken by their receivers.
    public var pendingOperations: Int { engine.pendingOperations(rank: callerWorldRank) }

    /// The world ranks of the members, in rank order.
    var worldRanks: [Int] { translation?.worldRanks ?? Array(0..<size) }

    /// Context of the collectives on this communicator, apart from its point-to-point traffic.
    var collectiveContext: UInt32 { context | 1 }

    func worldRank(of rank: Int) -> Int { translation?.worldRank(of: rank) ?? rank }

    func rank(ofWorld world: Int) -> Int { translation?.rank(ofWorld: world) ?? world }

    // MARK: Checks

    func checkDestination(_ rank: Int) throws(MPIError) {
        guard rank == MPI.procNull || (0..<size).contains(rank) else {
            throw .cold(.rank) { "rank \(rank) is not in a communicator of \(size) ranks" }
        }
    }

    func checkSource(_ rank: Int) throws(MPIError) {
        guard rank == MPI.anySource || rank == MPI.procNull || (0..<size).contains(rank) else {
            throw .cold(.rank) { "source rank \(rank) is not in a communicator of \(size) ranks" }
        }
    }

    func checkSendTag(_ tag: Int) throws(MPIError) {
        guard (0...MPI.tagUpperBound).contains(tag) else {
            throw .cold(.tag) { "tag \(tag) is outside 0...\(MPI.tagUpperBound)" }
        }
    }

    func checkReceiveTag(_ tag: Int) throws(MPIError) {
        guard tag == MPI.anyTag || (0...MPI.tagUpperBound).contains(tag) else {
            throw .cold(.tag) { "tag \(tag) is outside 0...\(MPI.tagUpperBound) and is not anyTag" }
        }
    }

    static func checkCount(_ count: Int) throws(MPIError) {
        guard count >= 0 else { throw .cold(.count) { "negative count \(count)" } }
    }

    /// A buffer of `byteCount` bytes: a count that is not negative, an address unless empty.
    static func checkBytes(_ pointer: UnsafeRawPointer?, _ byteCount: Int) throws(MPIError) {
        try checkCount(byteCount)
        guard pointer != nil || byteCount == 0 else { throw .cold(.buffer) { "null buffer for \(byteCount) bytes" } }
    }

    // MARK: Starting operations (shared by the immediate, blocking and persistent forms)

    func startSend(_ request: Request, bytes: UnsafeRawBufferPointer, to destination: Int, tag: Int, context: UInt32? = nil,
                   synchronous: Bool = false) throws(MPIError) {
        if destination == MPI.procNull {
            request.begin()
            request.complete(.empty)
            return
        }
        let envelope = Envelope(context: context ?? self.context, source: Int32(callerWorldRank), tag: Int32(truncatingIfNeeded: tag))
        try engine.send(request, bytes: bytes, envelope: envelope, to: worldRank(of: destination), synchronous: synchronous)
    }

    func startReceive(_ request: Request, into buffer: UnsafeMutableRawBufferPointer, from source: Int, tag: Int, context: UInt32? = nil) throws(MPIError) {
        request.buffer = buffer
        if source == MPI.procNull {
            request.begin()
            request.complete(.empty)
            return
        }
        let pattern = MatchPattern(context: context ?? self.context,
                                   source: Int32(source == MPI.anySource ? MPI.anySource : worldRank(of: source)),
                                   tag: Int32(truncatingIfNeeded: tag))
        try engine.receive(request, pattern: pattern, rank: callerWorldRank)
    }

    // MARK: Raw bytes

    /// Starts a send of `byteCount` bytes at `pointer` (`MPI_Isend`). The bytes must stay
    /// valid and unchanged until the request completes.
    public func isend(_ pointer: UnsafeRawPointer?, byteCount: Int, to destination: Int, tag: Int) throws(MPIError) -> Request {
        try Self.checkBytes(pointer, byteCount)
        try checkDestination(destination)
        try checkSendTag(tag)
        let request = makeRequest()
        try startSend(request, bytes: UnsafeRawBufferPointer(start: pointer, count: byteCount), to: destination, tag: tag)
        return request
    }

    /// Starts a receive of at most `byteCount` bytes into `pointer` (`MPI_Irecv`).
    public func irecv(_ pointer: UnsafeMutableRawPointer?, byteCount: Int, from source: Int = MPI.anySource, tag: Int = MPI.anyTag) throws(MPIError) -> Request {
        try Self.checkBytes(pointer, byteCount)
        try checkSource(source)
        try checkReceiveTag(tag)
        let request = makeRequest()
        try startReceive(request, into: UnsafeMutableRawBufferPointer(start: pointer, count: byteCount), from: source, tag: tag)
        return request
    }

    /// Sends `byteCount` bytes at `pointer` (`MPI_Send`): returns once the buffer may be
    /// reused, at once for a small message. Throws on a bad count, rank or tag.
    public func send(_ pointer: UnsafeRawPointer?, byteCount: Int, to destination: Int, tag: Int) throws(MPIError) {
        try Self.checkBytes(pointer, byteCount)
        try checkDestination(destination)
        try checkSendTag(tag)
        if destination == MPI.procNull { return }
        let envelope = Envelope(context: context, source: Int32(callerWorldRank), tag: Int32(tag))
        if try engine.sendEagerly(UnsafeRawBufferPointer(start: pointer, count: byteCount), envelope: envelope, to: worldRank(of: destination)) {
            return
        }
        try isend(pointer, byteCount: byteCount, to: destination, tag: tag).wait()
    }

    /// Receives at most `byteCount` bytes into `pointer` and waits for them (`MPI_Recv`);
    /// throws `.truncate` if the message is longer.
    @discardableResult
    public func recv(_ pointer: UnsafeMutableRawPointer?, byteCount: Int, from source: Int = MPI.anySource, tag: Int = MPI.anyTag) throws(MPIError) -> Status {
        // Where one thread calls at a time, a plain flag (a nested call finds it taken);
        // a compare-exchange would be a locked instruction on every receive, waiting for
        // the last send's store to reach a line the peer holds.
        let taken: Bool
        if engine.oneCallerAtATime {
            taken = scratchTaken.load(ordering: .relaxed)
            if !taken { scratchTaken.store(true, ordering: .relaxed) }
        } else {
            taken = !scratchTaken.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged
        }
        guard !taken else { return try irecv(pointer, byteCount: byteCount, from: source, tag: tag).wait() }
        defer { scratchTaken.store(false, ordering: .releasing) }
        try Self.checkBytes(pointer, byteCount)
        try checkSource(source)
        try checkReceiveTag(tag)
        try startReceive(scratch, into: UnsafeMutableRawBufferPointer(start: pointer, count: byteCount), from: source, tag: tag)
        return try scratch.wait()
    }

    // MARK: Typed buffers

    /// Starts a send of `buffer`'s elements; the memory must stay valid until the request completes.
    public func isend<T: BitwiseCopyable>(_ buffer: UnsafeBufferPointer<T>, to destination: Int, tag: Int) throws(MPIError) -> Request {
        try isend(buffer.baseAddress, byteCount: buffer.count * MemoryLayout<T>.stride, to: destination, tag: tag)
    }

    /// Starts a receive of at most `buffer.count` elements into `buffer`.
    public func irecv<T: BitwiseCopyable>(_ buffer: UnsafeMutableBufferPointer<T>, from source: Int = MPI.anySource, tag: Int = MPI.anyTag) throws(MPIError) -> Request {
        try irecv(buffer.baseAddress, byteCount: buffer.count * MemoryLayout<T>.stride, from: source, tag: tag)
    }

    /// Sends the elements of `values`, as their bytes.
    public func send<T: BitwiseCopyable>(_ values: [T], to destination: Int, tag: Int) throws(MPIError) {
        var failure: MPIError?
        values.withUnsafeBytes { bytes in
            do throws(MPIError) { try send(bytes.baseAddress, byteCount: bytes.count, to: destination, tag: tag) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// Sends one value, as its bytes.
    public func send<T: BitwiseCopyable>(_ value: T, to destination: Int, tag: Int) throws(MPIError) {
        var failure: MPIError?
        withUnsafeBytes(of: value) { bytes in
            do throws(MPIError) { try send(bytes.baseAddress, byteCount: bytes.count, to: destination, tag: tag) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// Receives into `values` (its count is the capacity); returns the status.
    @discardableResult
    public func recv<T: BitwiseCopyable>(into values: inout [T], from source: Int = MPI.anySource, tag: Int = MPI.anyTag) throws(MPIError) -> Status {
        var result: Result<Status, MPIError> = .failure(MPIError(.intern, "receive did not run"))
        values.withUnsafeMutableBufferPointer { buffer in
            do throws(MPIError) { result = .success(try irecv(buffer, from: source, tag: tag).wait()) } catch { result = .failure(error) }
        }
        return try result.get()
    }

    /// Receives one value of `T`.
    public func recv<T: BitwiseCopyable>(_ type: T.Type, from source: Int = MPI.anySource, tag: Int = MPI.anyTag) throws(MPIError) -> (value: T, status: Status) {
        var values = [T](unsafeUninitializedCapacity: 1) { buffer, count in
            UnsafeMutableRawBufferPointer(buffer).initializeMemory(as: UInt8.self, repeating: 0)
            count = 1
        }
        let status = try recv(into: &values, from: source, tag: tag)
        return (values[0], status)
    }

    // MARK: Probe, sendrecv, persistent requests

    /// Waits for a message that a receive with `source` and `tag` would match, and
    /// returns its status without receiving it.
    public func probe(from source: Int = MPI.anySource, tag: Int = MPI.anyTag) throws(MPIError) -> Status {
        try checkSource(source)
        try checkReceiveTag(tag)
        if source == MPI.procNull { return .empty }
        var found: Status?
        try engine.wait { found = probeNow(source: source, tag: tag); return found != nil }
        return found!
    }

    /// `probe` without waiting: nil if no such message has arrived.
    public func iprobe(from source: Int = MPI.anySource, tag: Int = MPI.anyTag) throws(MPIError) -> Status? {
        try checkSource(source)
        try checkReceiveTag(tag)
        if source == MPI.procNull { return .empty }
        if let status = probeNow(source: source, tag: tag) { return status }
        try engine.pollOnce()
        return probeNow(source: source, tag: tag)
    }

    private func probeNow(source: Int, tag: Int) -> Status? {
        let pattern = MatchPattern(context: context, source: Int32(source == MPI.anySource ? MPI.anySource : worldRank(of: source)), tag: Int32(tag))
        guard var status = engine.probe(pattern: pattern, rank: callerWorldRank) else { return nil }
        status.source = rank(ofWorld: status.source)
        return status
    }

    /// Sends and receives at once, so that a ring of exchanges cannot deadlock.
    @discardableResult
    public func sendrecv(_ sendPointer: UnsafeRawPointer?, sendByteCount: Int, to destination: Int, sendTag: Int,
                         _ receivePointer: UnsafeMutableRawPointer?, receiveByteCount: Int, from source: Int, receiveTag: Int) throws(MPIError) -> Status {
        let receive = try irecv(receivePointer, byteCount: receiveByteCount, from: source, tag: receiveTag)
        let send = try isend(sendPointer, byteCount: sendByteCount, to: destination, tag: sendTag)
        try send.wait()
        return try receive.wait()
    }

    /// Sends `sendValues` and receives into `receiveValues` (its count is the capacity) at
    /// once; returns the receive's status.
    public func sendrecv<T: BitwiseCopyable, U: BitwiseCopyable>(_ sendValues: [T], to destination: Int, sendTag: Int,
                                                                into receiveValues: inout [U], from source: Int, receiveTag: Int) throws(MPIError) -> Status {
        var result: Result<Status, MPIError> = .failure(MPIError(.intern, "sendrecv did not run"))
        sendValues.withUnsafeBytes { out in
            receiveValues.withUnsafeMutableBytes { into in
                do throws(MPIError) {
                    result = .success(try sendrecv(out.baseAddress, sendByteCount: out.count, to: destination, sendTag: sendTag,
                                                   into.baseAddress, receiveByteCount: into.count, from: source, receiveTag: receiveTag))
                } catch { result = .failure(error) }
            }
        }
        return try result.get()
    }

    /// A persistent send (`MPI_Send_init`): `start()` sends the bytes at `pointer` as they
    /// are then.
    public func sendInit(_ pointer: UnsafeRawPointer?, byteCount: Int, to destination: Int, tag: Int) throws(MPIError) -> Request {
        try Self.checkBytes(pointer, byteCount)
        try checkDestination(destination)
        try checkSendTag(tag)
        return makeRequest(persistent: .send(communicator: self, bytes: UnsafeRawBufferPointer(start: pointer, count: byteCount), destination: destination, tag: tag))
    }

    /// A persistent receive (`MPI_Recv_init`).
    public func recvInit(_ pointer: UnsafeMutableRawPointer?, byteCount: Int, from source: Int = MPI.anySource, tag: Int = MPI.anyTag) throws(MPIError) -> Request {
        try Self.checkBytes(pointer, byteCount)
        try checkSource(source)
        try checkReceiveTag(tag)
        return makeRequest(persistent: .receive(communicator: self, buffer: UnsafeMutableRawBufferPointer(start: pointer, count: byteCount), source: source, tag: tag))
    }
}
