import BrazosCore
import Synchronization

/// A send or receive in progress: what `isend`, `irecv`, `sendInit` and `recvInit` return.
///
/// A request is complete once its `done` word is set (release after the status is
/// written), so waiting threads read it without a lock. Persistent requests go back to
/// inactive after completion and can be started again; a freed request refuses use.
///
/// Unchecked: the request passes between its owner (the thread that started it) and the
/// message engine. The owner sets the operation's fields (`buffer`, `payload`,
/// `envelope`, `destinationRank`, and `begin`'s resets) before it hands the request over
/// under the engine's lock (posted, or kept for a rendezvous); from then on only the
/// thread that takes it from the engine's tables under that lock writes them
/// (`pushedBytes` under the lock itself), and `complete` ends that with a release store
/// of `done`, which the owner reads with an acquire load before `status` and `failure`.
/// `active`, `freed`, `staging`, `unpacksStaging` and `communicator` belong to the owner
/// alone; `engine`, `translation` and `persistentOperation` never change, nor does
/// `generalized` once the request is handed out (a generalized request is completed by
/// the program, through `complete`'s release store like any other).
public final class Request: @unchecked Sendable {
    /// What a persistent request does each time it is started.
    enum Operation {
        case send(communicator: Communicator, bytes: UnsafeRawBufferPointer, destination: Int, tag: Int)
        case receive(communicator: Communicator, buffer: UnsafeMutableRawBufferPointer, source: Int, tag: Int)
        /// Anything else started afresh each time (a persistent collective): `start` runs
        /// it on the request, which its driver then completes.
        case driven(start: (Request) throws(MPIError) -> Void)
    }

    let engine: MessageEngine
    /// Turns the sender's world rank into the communicator's (nil: the world).
    let translation: RankTranslation?
    let persistentOperation: Operation?
    /// Moves an operation on that the engine's matching alone does not complete (a
    /// non-blocking collective's schedule, a generalized request); nil for sends and receives.
    let driver: RequestDriver?
    private let done: Atomic<Bool>
    var status = Status.empty
    var failure: MPIError?
    /// Receive side: where the bytes go, and how many arrived by push so far.
    var buffer = UnsafeMutableRawBufferPointer(start: nil, count: 0)
    var pushedBytes = 0
    var expectedBytes = 0
    var truncatedFrom: Int?
    /// Send side: the bytes, kept for a rendezvous until the receiver has them.
    var payload = UnsafeRawBufferPointer(start: nil, count: 0)
    var envelope = Envelope(context: 0, source: 0, tag: 0)
    var destinationRank = 0
    /// A packed copy for a datatype that does not travel as it lies in memory.
    var staging: PackedStaging?
    /// The staging unpacks into the receive buffer when the request finishes.
    var unpacksStaging = false
    /// The program's callbacks, for a generalized request (set once, before it is returned).
    var generalized: GeneralizedCallbacks?
    private(set) var active = false
    private(set) var freed = false
    /// The communicator the request belongs to, whose error handler the C interface gives
    /// the request's errors (nil: a collective's own request). Held strongly: a
    /// communicator the program freed lives on while its requests do, as MPI says, and a
    /// weak reference cost a side table's atomics on every request. (No cycle: the
    /// communicator holds only its scratch requests, which belong to no communicator.)
    public internal(set) var communicator: Communicator?

    init(engine: MessageEngine, translation: RankTranslation?, persistent: Operation? = nil, driver: RequestDriver? = nil) {
        self.engine = engine
        self.translation = translation
        self.persistentOperation = persistent
        self.driver = driver
        done = Atomic(persistent != nil)
    }

    /// Whether this is a persistent request (`sendInit`, `recvInit`), which `start()` reuses.
    public var isPersistent: Bool { persistentOperation != nil }
    /// Whether the operation has completed; an inactive persistent request counts as complete.
    /// A driven request is moved on first, so every wait and test drives it.
    public var isComplete: Bool {
        if let driver, !done.load(ordering: .acquiring) { driver.advance(self) }
        return done.load(ordering: .acquiring)
    }

    func begin() {
        status = .empty
        failure = nil
        pushedBytes = 0
        truncatedFrom = nil
        active = true
        done.store(false, ordering: .relaxed)  // published to other threads by the engine lock
    }

    func complete(_ status: Status, failure: MPIError? = nil) {
        self.status = status
        self.failure = failure
        done.store(true, ordering: .releasing)
    }

    func checkUsable(_ operation: String) throws(MPIError) {
        if freed { throw MPIError(.request, "\(operation) on a request that was freed") }
    }

    /// Collects a completed request's result; a persistent one becomes inactive. A
    /// generalized request asks the program for its status, then frees it (the order
    /// MPI gives its callbacks).
    func finish() throws(MPIError) -> Status {
        active = false
        if let generalized { return try finishGeneralized(generalized) }
        if unpacksStaging { staging?.unpack(receivedBytes: status.byteCount) }
        if !isPersistent { staging = nil }
        if let failure { throw failure }
        return status
    }

    // MARK: Completion

    /// Waits for this request. An inactive persistent request returns an empty status.
    @discardableResult
    public func wait() throws(MPIError) -> Status {
        try checkUsable("wait")
        if isPersistent && !active { return .empty }
        try engine.wait { isComplete }
        return try finish()
    }

    /// The status if complete (the request is then finished), nil otherwise.
    public func test() throws(MPIError) -> Status? {
        try checkUsable("test")
        if isPersistent && !active { return .empty }
        if !isComplete { try engine.pollOnce() }
        return isComplete ? try finish() : nil
    }

    /// Starts a persistent request (`MPI_Start`).
    public func start() throws(MPIError) {
        try checkUsable("start")
        guard let operation = persistentOperation else {
            throw MPIError(.request, "start on a request that is not persistent")
        }
        guard !active else { throw MPIError(.request, "start on a persistent request that is still active") }
        switch operation {
        case let .send(communicator, bytes, destination, tag):
            staging?.pack()
            try communicator.startSend(self, bytes: bytes, to: destination, tag: tag)
        case let .receive(communicator, buffer, source, tag):
            try communicator.startReceive(self, into: buffer, from: source, tag: tag)
        case let .driven(startOperation):
            begin()
            try startOperation(self)
        }
    }

    /// Releases the request (`MPI_Request_free`). A pending operation still completes;
    /// later use of the request is an error. A generalized request's free callback runs
    /// now if it is complete, else when the program completes it.
    public func free() throws(MPIError) {
        try checkUsable("free")
        freed = true
        if let generalized, done.load(ordering: .acquiring) { try generalized.free() }
    }

    /// Cancels the operation if it has not matched (`MPI_Cancel`): a posted receive is
    /// taken back and completes with `isCancelled` set. A send, once started, always
    /// completes (MPI lets a cancel fail; its status then says not cancelled). A
    /// generalized request's cancel callback is told whether it completed already.
    public func cancel() throws(MPIError) {
        try checkUsable("cancel")
        let isDone = done.load(ordering: .acquiring)
        if let generalized { return try generalized.cancel(isDone) }
        guard isLive, !isDone, driver == nil, let communicator else { return }
        _ = engine.cancelReceive(self, rank: communicator.callerWorldRank)
    }

    /// The status if the request is complete, without finishing or freeing it
    /// (`MPI_Request_get_status`); nil if not yet. An inactive persistent request has an
    /// empty status.
    public func statusIfComplete() throws(MPIError) -> Status? {
        try checkUsable("get status")
        if isPersistent && !active { return .empty }
        if !isComplete { try engine.pollOnce() }
        guard isComplete else { return nil }
        if let generalized { return try generalized.query() }
        if let failure { throw failure }
        return status
    }

    private func finishGeneralized(_ callbacks: GeneralizedCallbacks) throws(MPIError) -> Status {
        let queried: Result<Status, MPIError>
        do throws(MPIError) { queried = .success(try callbacks.query()) } catch { queried = .failure(error) }
        freed = true
        try callbacks.free()
        if case let .success(status) = queried { self.status = status }
        return try queried.get()
    }

    /// Marks a generalized request complete (`MPI_Grequest_complete`).
    public func completeGeneralized() throws(MPIError) {
        guard let generalized else { throw MPIError(.request, "Grequest_complete on a request that is not generalized") }
        guard !done.load(ordering: .acquiring) else { throw MPIError(.request, "Grequest_complete on a request completed already") }
        complete(.empty)
        engine.progress.notify()
        if freed { try generalized.free() }
    }

    // MARK: Many requests. `nil` entries are null requests (`MPI_REQUEST_NULL`).

    /// Waits for each request in order and returns their statuses (empty for null entries);
    /// throws the first error met, leaving later requests unwaited.
    public static func waitAll(_ requests: [Request?]) throws(MPIError) -> [Status] {
        var statuses: [Status] = []
        for request in requests { statuses.append(try request?.wait() ?? .empty) }
        return statuses
    }

    /// Waits until one request completes; nil when every entry is null or an inactive
    /// persistent request (`MPI_UNDEFINED`).
    public static func waitAny(_ requests: [Request?]) throws(MPIError) -> (index: Int, status: Status)? {
        guard let index = try waitForAny(requests) else { return nil }
        return (index, try requests[index]!.finish())
    }

    /// Waits until at least one completes; returns all completed now, or nil if none is live.
    public static func waitSome(_ requests: [Request?]) throws(MPIError) -> [(index: Int, status: Status)]? {
        guard let completed = try waitForSome(requests) else { return nil }
        var results: [(index: Int, status: Status)] = []
        for index in completed { results.append((index, try requests[index]!.finish())) }
        return results
    }

    /// All statuses if every request is complete, else nil (nothing is finished then).
    public static func testAll(_ requests: [Request?]) throws(MPIError) -> [Status]? {
        guard try allComplete(requests) else { return nil }
        return try waitAll(requests)
    }

    /// `.some(nil)` when no request is live (flag true, index undefined); nil when none
    /// completed yet.
    public static func testAny(_ requests: [Request?]) throws(MPIError) -> (index: Int, status: Status)?? {
        guard let completed = try completedNow(requests) else { return .some(nil) }
        guard let index = completed.first else { return nil }
        return .some((index, try requests[index]!.finish()))
    }

    /// The requests completed now (possibly none), or nil if none is live.
    public static func testSome(_ requests: [Request?]) throws(MPIError) -> [(index: Int, status: Status)]? {
        guard let completed = try completedNow(requests) else { return nil }
        var results: [(index: Int, status: Status)] = []
        for index in completed { results.append((index, try requests[index]!.finish())) }
        return results
    }

    // MARK: Completion without finishing: the caller finishes each request with `wait`,
    // which then returns at once (the C interface does, to report each one's error).

    /// The index of a completed request, after waiting for one; nil if none is live.
    public static func waitForAny(_ requests: [Request?]) throws(MPIError) -> Int? {
        let live = try liveIndices(requests, "waitany")
        guard let engine = live.first.map({ requests[$0]!.engine }) else { return nil }
        var found: Int?
        try engine.wait {
            found = live.first { requests[$0]!.isComplete }
            return found != nil
        }
        return found
    }

    /// The indices of the completed requests, after waiting for at least one; nil if
    /// none is live.
    public static func waitForSome(_ requests: [Request?]) throws(MPIError) -> [Int]? {
        let live = try liveIndices(requests, "waitsome")
        guard let engine = live.first.map({ requests[$0]!.engine }) else { return nil }
        try engine.wait { live.contains { requests[$0]!.isComplete } }
        return live.filter { requests[$0]!.isComplete }
    }

    /// The indices of the requests complete after one round of progress; nil if none is live.
    public static func completedNow(_ requests: [Request?]) throws(MPIError) -> [Int]? {
        let live = try liveIndices(requests, "test")
        guard let engine = live.first.map({ requests[$0]!.engine }) else { return nil }
        try engine.pollOnce()
        return live.filter { requests[$0]!.isComplete }
    }

    /// Whether every live request is complete, after one round of progress.
    public static func allComplete(_ requests: [Request?]) throws(MPIError) -> Bool {
        let live = try liveIndices(requests, "testall")
        if let engine = live.first.map({ requests[$0]!.engine }) { try engine.pollOnce() }
        return live.allSatisfy { requests[$0]!.isComplete }
    }

    /// Whether this is a generalized request (`MPI_Grequest_start`).
    public var isGeneralized: Bool { generalized != nil }

    /// Whether the program released the request (`free`), or a completion did.
    public var isFreed: Bool { freed }

    /// Whether the request takes part in completion calls: not an inactive persistent one.
    public var isLive: Bool { !isPersistent || active }

    /// The status of the last completion, also when it failed (`MPI_ERROR` tells how).
    public var completedStatus: Status { status }

    private static func liveIndices(_ requests: [Request?], _ operation: String) throws(MPIError) -> [Int] {
        var live: [Int] = []
        for (index, request) in requests.enumerated() {
            guard let request else { continue }
            try request.checkUsable(operation)
            if request.isPersistent && !request.active { continue }
            live.append(index)
        }
        return live
    }

}

/// What moves a request on when the engine's matching alone does not complete it: the
/// schedule of a non-blocking collective, the program's poll of a generalized request.
/// `advance` runs on the thread that waits for or tests the request, never blocks, and
/// ends by calling `complete` on the request once the operation is done (with the
/// failure, if it failed).
public protocol RequestDriver: AnyObject {
    func advance(_ request: Request)
}
