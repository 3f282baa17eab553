import BrazosCore
import Synchronization

/// One rank's side of a window that others reach: its memory, its passive-target lock,
/// the counts its synchronisations wait for, and the replies it waits for as an origin.
/// Accesses from ranks of this node apply to `memory` directly; messages from other
/// nodes come through `handle`, on whichever thread of the node delivers them.
///
/// Unchecked: `lock`, `handledByFence`, `fencesCompleted`, `early`, `postsFrom`,
/// `completesFrom`, `pending` and `nextCookie` are guarded by `guardLock`; accumulates
/// hold the memory's `atomicity` while they read and write it; `window` and
/// `carriedOrigin` are the rank's thread's (set on arrival before that thread starts).
/// The rest is set in init.
final class WindowEndpoint: @unchecked Sendable {
    let context: UInt32
    let worldRank: Int
    let memory: WindowMemory
    let engine: MessageEngine
    private let guardLock = PthreadMutex()
    private var lock = WindowLock()
    /// Counted messages handled, by the parity of the fence epoch they were sent in.
    private var handledByFence = [0, 0]
    /// Fences this rank has completed: an access of a later fence epoch waits for this
    /// target to finish the fence, which it may still be in (waiting for accesses of the
    /// epoch before) when a faster origin has left it.
    private var fencesCompleted = 0
    /// Accesses of the next fence epoch that arrived before this rank completed its fence.
    private var early: [(message: WindowMessage, data: [UInt8], origin: Sender)] = []
    /// Posts and completes received, by world rank, not yet taken by a start or a wait.
    private var postsFrom: [Int: Int] = [:]
    private var completesFrom: [Int: Int] = [:]
    private var pending: [UInt64: PendingReply] = [:]
    private var nextCookie: UInt64 = 1
    /// Whether the owning window is in an epoch a checkpoint cannot save (set by its
    /// rank's thread, read by the checkpoint's check on the same thread).
    private let busy = Atomic<Bool>(false)

    /// Where threads move: the rank's window, to describe it when the rank moves on; or,
    /// on a node the rank moved to, what it knew as an origin until its body makes the
    /// window again (`Window.allocate` on a resumed rank). Used by the rank's thread only.
    weak var window: Window?
    var carriedOrigin: CarriedWindow.Origin?

    init(context: UInt32, worldRank: Int, memory: WindowMemory, engine: MessageEngine) {
        self.context = context
        self.worldRank = worldRank
        self.memory = memory
        self.engine = engine
    }

    /// On the node a rank moved to: its endpoint as it left the other, over new memory
    /// holding the carried bytes.
    init(arriving carried: CarriedWindow, worldRank: Int, engine: MessageEngine) {
        let target = carried.target, size = target.memory.count
        let bytes = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(size, 1), alignment: 64)
        bytes.initializeMemory(as: UInt8.self, repeating: 0, count: Swift.max(size, 1))
        target.memory.withUnsafeBytes { if size > 0 { bytes.copyMemory(from: $0.baseAddress!, byteCount: size) } }
        context = carried.origin.context
        self.worldRank = worldRank
        memory = WindowMemory(base: bytes, size: size, displacementUnit: carried.origin.members[carried.origin.rank].displacementUnit,
                              flavor: .allocate, owned: bytes)
        self.engine = engine
        fencesCompleted = target.fencesCompleted
        handledByFence = target.handledByFence
        early = target.early.compactMap { access in
            access.message.withUnsafeBytes { bytes in
                (try? WindowMessage.decode(bytes)).map { ($0.message, Array($0.data), Sender(rank: access.origin, node: access.node)) }
            }
        }
        postsFrom = target.postsFrom
        completesFrom = target.completesFrom
        nextCookie = target.nextCookie
        carriedOrigin = carried.origin
    }

    // MARK: Moving with the rank

    /// Refuses a move (nothing changed) unless nothing is in flight for the window that a
    /// record of values cannot carry: an epoch of the rank's own (`isBusy`), a reply it
    /// waits for, another rank holding or waiting for its lock.
    func checkAtRest() throws(MPIError) {
        guard !isBusy else {
            throw MPIError(.pending, "rank \(worldRank) cannot move inside an epoch of its window (a lock, a post or start, or a fence epoch with accesses); end it first")
        }
        try guardLock.withLock { () throws(MPIError) in
            guard pending.isEmpty else { throw MPIError(.pending, "rank \(worldRank) cannot move while it waits for \(pending.count) window replies") }
            guard lock.isFree else {
                throw MPIError(.pending, "rank \(worldRank) cannot move while another rank holds or waits for the lock of its window")
            }
        }
    }

    /// The endpoint as a record of values (see `CarriedWindow.Target`); the memory copied.
    func carriedTarget() -> CarriedWindow.Target {
        let bytes = memory.base.map { Array(UnsafeRawBufferPointer(start: $0, count: memory.size)) } ?? []
        return guardLock.withLock {
            CarriedWindow.Target(memory: bytes, fencesCompleted: fencesCompleted, handledByFence: handledByFence,
                                 early: early.map { access in
                                     .init(message: access.data.withUnsafeBytes { access.message.encoded(data: $0) }, origin: access.origin.rank, node: access.origin.node)
                                 },
                                 postsFrom: postsFrom, completesFrom: completesFrom, nextCookie: nextCookie)
        }
    }

    var isBusy: Bool {
        get { busy.load(ordering: .relaxed) }
        set { busy.store(newValue, ordering: .relaxed) }
    }

    // MARK: Messages from other nodes

    /// Who sent a window message: its rank, and the node it was sent from (where an
    /// answer goes).
    struct Sender {
        let rank: Int
        let node: Int
    }

    /// A message from world rank `origin` on another node, handled as it is delivered.
    /// Replies go out as deferred work: this thread may hold the poller role, which a send
    /// into a full link needs.
    func handle(_ message: WindowMessage, data: UnsafeRawBufferPointer, from origin: Sender) throws(BrazosError) {
        switch message.kind {
        case .put, .accumulate, .get, .getAccumulate, .compareAndSwap:
            let isEarly = guardLock.withLock { () -> Bool in
                guard message.countedByFence, message.parity != fencesCompleted & 1 else { return false }
                early.append((message, Array(data), origin))
                return true
            }
            if !isEarly { try handleAccess(message, data: data, from: origin) }
        case .reply:
            try receiveReply(message, data: data)
        case .lock:
            requestLock(origin: origin.rank, exclusive: message.exclusive) { [self] in reply(to: origin, cookie: message.cookie) }
        case .unlock:
            guard releaseLock(origin: origin.rank) else { throw .malformed("unlock from rank \(origin.rank), which holds no lock on rank \(worldRank)'s window") }
            reply(to: origin, cookie: message.cookie)
        case .flush:
            reply(to: origin, cookie: message.cookie)
        case .post:
            guardLock.withLock { postsFrom[origin.rank, default: 0] += 1 }
        case .complete:
            guardLock.withLock { completesFrom[origin.rank, default: 0] += 1 }
        }
    }

    private func handleAccess(_ message: WindowMessage, data: UnsafeRawBufferPointer, from origin: Sender) throws(BrazosError) {
        var access = WindowAccess(kind: message.kind, runs: message.runs, operation: message.operation, element: message.element)
        access.elementSize = BasicType.valueSize(message.element)
        let data = message.carriedBytes == 0 ? nil : data.baseAddress
        defer { if message.countedByFence { guardLock.withLock { handledByFence[message.parity] += 1 } } }
        guard message.kind == .get || message.kind == .getAccumulate || message.kind == .compareAndSwap else {
            // A put or accumulate that carries a cookie had a flush ride on it: answered
            // once applied (and if it fails, so that the flush still ends).
            defer { if message.cookie != 0 { reply(to: origin, cookie: message.cookie) } }
            do throws(MPIError) {
                try memory.apply(access, data: data, result: nil, owner: worldRank)
            } catch {
                throw .malformed("\(message.kind) from rank \(origin.rank): \(error)")
            }
            return
        }
        var answer = WindowMessage(kind: .reply)
        answer.cookie = message.cookie
        answer.packedOffset = message.packedOffset
        answer.dataLength = message.dataLength
        if message.kind == .get, !message.countedByFence, message.dataLength >= WindowMessage.dataSentApart, access.runs.count == 1,
           let address = memory.address(of: access.runs[0]) {
            // A large contiguous get in a passive epoch is sent from the window itself when
            // the reply goes out: the origin's unlock or flush waits for it, and the target
            // touches the bytes only under a lock of its own, granted after that unlock
            // (in a fence epoch the target may write once its fence ends, before the
            // reply leaves: those copy).
            return send(answer.encoded(reservingData: 0), body: UnsafeRawBufferPointer(start: address, count: message.dataLength), to: origin)
        }
        // What the access reads goes straight into the reply, after its head.
        var reply = answer.encoded(reservingData: answer.dataLength)
        let applied = reply.withUnsafeMutableBytes { (bytes) -> MPIError? in
            do throws(MPIError) {
                try memory.apply(access, data: data, result: bytes.baseAddress! + bytes.count - answer.dataLength, owner: worldRank)
                return nil
            } catch {
                return error
            }
        }
        if applied != nil {
            // The target refused the access (memory not attached): a reply without data, flagged.
            answer.dataLength = 0
            answer.exclusive = true
            reply = answer.encoded(reservingData: 0)
        }
        send(reply, to: origin)
    }

    /// Sends a reply without data to `origin` (a lock's grant, an unlock's or a flush's end).
    private func reply(to origin: Sender, cookie: UInt64) {
        var answer = WindowMessage(kind: .reply)
        answer.cookie = cookie
        send(answer.encoded(reservingData: 0), to: origin)
    }

    /// Sends `bytes` to `origin` as deferred work, on the node the request came from:
    /// where threads move, the origin is there until it has its answer, though this node
    /// may not have heard yet that it moved there.
    private func send(_ bytes: [UInt8], body: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0), to origin: Sender) {
        engine.postpone { [engine, context, worldRank] in
            try engine.sendWindowReply(bytes, body: body, context: context, from: worldRank, to: origin.rank, onNode: origin.node)
        }
    }

    // MARK: Replies, as an origin

    /// Registers `reply` under a new cookie, which the messages that ask for it carry.
    func expect(_ reply: PendingReply) -> UInt64 {
        guardLock.withLock {
            defer { nextCookie += 1 }
            pending[nextCookie] = reply
            return nextCookie
        }
    }

    private func receiveReply(_ message: WindowMessage, data: UnsafeRawBufferPointer) throws(BrazosError) {
        let outcome = try guardLock.withLock { () throws(BrazosError) -> (PendingReply, complete: Bool) in
            guard let reply = pending[message.cookie] else { throw .malformed("window reply for unknown cookie \(message.cookie)") }
            if message.exclusive {  // the target refused the access
                pending[message.cookie] = nil
                return (reply, true)
            }
            guard message.packedOffset <= reply.expected - data.count, reply.received + data.count <= reply.expected else {
                throw .malformed("window reply of \(data.count) bytes at \(message.packedOffset), past the \(reply.expected) expected")
            }
            if data.count > 0 { (reply.destination! + message.packedOffset).copyMemory(from: data.baseAddress!, byteCount: data.count) }
            reply.received += data.count
            let complete = reply.received == reply.expected
            if complete { pending[message.cookie] = nil }
            return (reply, complete)
        }
        guard outcome.complete else { return }
        let reply = outcome.0
        reply.complete(failure: message.exclusive ? MPIError(.rmaRange, "rank \(reply.target) refused the access: no memory is attached there") : nil)
    }

    // MARK: Locks, fences, post and complete

    /// Asks for the passive-target lock; `grant` runs when `origin` holds it.
    func requestLock(origin: Int, exclusive: Bool, grant: @escaping () -> Void) {
        guardLock.withLock { lock.request(.init(origin: origin, exclusive: exclusive, grant: grant)) }
    }

    func releaseLock(origin: Int) -> Bool {
        guardLock.withLock { lock.release(origin) }
    }

    /// This rank's fence is complete (every access of the epoch it ends has been
    /// applied here): the accesses of the next epoch that came early are applied now.
    func completeFence() throws(MPIError) {
        let arrived = guardLock.withLock { () -> [(message: WindowMessage, data: [UInt8], origin: Sender)] in
            fencesCompleted += 1
            memory.part?.publish(fencesCompleted: fencesCompleted)
            defer { early.removeAll() }
            return early
        }
        for access in arrived {
            let failure = access.data.withUnsafeBytes { (data) -> BrazosError? in
                do throws(BrazosError) {
                    try handleAccess(access.message, data: data, from: access.origin)
                    return nil
                } catch {
                    return error
                }
            }
            if let failure { throw MPIError(.other, "\(failure)") }
        }
    }

    /// Whether this rank has completed `count` fences (an access of the epoch the
    /// `count`th fence opened may be applied).
    func hasCompleted(fences count: Int) -> Bool {
        guardLock.withLock { fencesCompleted >= count }
    }

    /// Takes `count` handled messages of the fence epoch `parity`, if that many arrived.
    func takeHandled(_ count: Int, parity: Int) -> Bool {
        guardLock.withLock {
            guard handledByFence[parity] >= count else { return false }
            handledByFence[parity] -= count
            return true
        }
    }

    func notePost(from origin: Int) { guardLock.withLock { postsFrom[origin, default: 0] += 1 } }
    func noteComplete(from origin: Int) { guardLock.withLock { completesFrom[origin, default: 0] += 1 } }

    /// Takes one post from each of `ranks` if all have posted, else takes nothing.
    func takePosts(from ranks: [Int]) -> Bool { guardLock.withLock { Self.takeOne(from: ranks, in: &postsFrom) } }
    func takeCompletes(from ranks: [Int]) -> Bool { guardLock.withLock { Self.takeOne(from: ranks, in: &completesFrom) } }

    private static func takeOne(from ranks: [Int], in counts: inout [Int: Int]) -> Bool {
        guard ranks.allSatisfy({ counts[$0, default: 0] > 0 }) else { return false }
        for rank in ranks {
            counts[rank]! -= 1
            if counts[rank] == 0 { counts[rank] = nil }
        }
        return true
    }
}
