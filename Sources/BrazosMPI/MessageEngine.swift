import BrazosCore
import CBrazos

/// One node's message matching and protocols: it receives every frame for the ranks the
/// node hosts, matches them against posted receives, and runs the eager and rendezvous
/// protocols over whatever link reaches the peer.
///
/// Eager: the bytes travel in the frame; an unmatched one is copied into the unexpected
/// queue. Rendezvous (above the link's eager limit): a request-to-send carries the
/// sender's buffer address; once matched, the receiver pulls the bytes itself when the
/// link can (memory, process_vm_readv: a single copy) and says done, or else asks the
/// sender to push them (clear-to-send, then data chunks). One lock guards the queues;
/// no frame is sent while it is held.
///
/// Unchecked: `queues`, `rendezvousSends`, `pushedReceives`, `deferred`,
/// `deferredNextPass` and `nextCookie` are guarded by `lock` (a no-op only where the
/// node's one rank thread is the only thread that enters: then `hostedRanks` answers
/// other threads from `placedRanks` instead); `deferredRunner` lets one thread at a time
/// run the deferred work. `nodeID`, `directory`, `links`, `progress`, `placedRanks`,
/// `hostProcesses`, `sendSequences` and `mobile` are set in init and never change; each link locks its
/// own sends, a row of `sendSequences` is used only by its rank's own thread (or before
/// that thread starts here), and `mobile`'s state is guarded by `lock` too.
final class MessageEngine: FrameSink, @unchecked Sendable {
    /// An unexpected message: the bytes of an eager one, or where a rendezvous one waits.
    enum Arrival {
        case eager(EagerBytes)
        case rendezvous(length: Int, node: Int, cookie: UInt64, address: UInt64)
    }

    /// Guards the queues and tables below; not needed when the node hosts one rank for
    /// good (its thread is then the only one that enters; see docs/ARCHITECTURE.md).
    let lock: FastLock
    /// Indexed by world rank; nil for ranks hosted elsewhere.
    var queues: [MatchQueues<Request, Arrival>?] = []
    var rendezvousSends: [UInt64: Request] = [:]
    private var pushedReceives: [UInt64: Request] = [:]
    private var deferred: [() throws -> Void] = []
    /// Work that could not be done now and waits for the next pass (not this one, which
    /// would only try it again at once).
    private var deferredNextPass: [() throws -> Void] = []
    private let deferredRunner = PthreadMutex()
    private var nextCookie: UInt64 = 1
    /// Fixed for the node's life, and `let`, so the hot paths read them without retains.
    let nodeID: Int
    let directory: RankDirectory
    let links: ContiguousArray<PeerLink>
    /// Each link's eager limit, read on the send path without a call through the link.
    private let eagerLimits: ContiguousArray<Int>
    /// The shared-memory links among `links`, borrowed on the eager path: reading an
    /// element of `links` (a protocol type) retains and releases it, two atomic operations
    /// on every small message's way. `links` keeps them alive.
    private let sharedMemoryLinks: ContiguousArray<Unmanaged<SharedMemoryLink>?>
    let progress: ProgressEngine
    /// Where threads move: the numbers of the messages each hosted rank sends, and the
    /// rest of the state that keeps messages in order and finds moved ranks.
    let sendSequences: SequenceTable?
    let mobile: MobileRanks?
    /// The ranks placed here at start, which stay here for good unless ranks move.
    let placedRanks: [Int]
    /// The window endpoints of the node's ranks, which window messages go to.
    let windows = WindowDirectory()
    /// The process of this node and of each node a shared-memory link reaches (nil for
    /// the others): windows map memory those processes made (`WindowFile`).
    let hostProcesses: [Int32?]

    /// Whether one thread at a time calls into this node's engine (one rank, which does
    /// not move, and no `MPI_THREAD_MULTIPLE`): its lock is then elided.
    var oneCallerAtATime: Bool { !lock.needed }

    init(node: Node) {
        placedRanks = node.localRanks
        nodeID = node.id
        directory = node.directory
        links = ContiguousArray(node.allLinks)
        eagerLimits = ContiguousArray(links.map(\.eagerLimit))
        sharedMemoryLinks = ContiguousArray(links.map { ($0 as? SharedMemoryLink).map { .passUnretained($0) } })
        progress = node.progress
        hostProcesses = sharedMemoryLinks.indices.map { [sharedMemoryLinks] index in
            (index == node.id || sharedMemoryLinks[index] != nil) && index < node.cards.count ? node.cards[index].pid : nil
        }
        lock = FastLock(needed: node.localRanks.count > 1 || node.config.migratable || node.config.threadsCallConcurrently)
        queues = Array(repeating: nil, count: node.config.rankCount)
        for rank in node.localRanks { queues[rank] = MatchQueues() }
        if node.config.migratable {
            let mobile = MobileRanks(rankCount: node.config.rankCount, members: node.initialMembers)
            let sendSequences = SequenceTable(rankCount: node.config.rankCount)
            // The node's own ranks, from its card: inside the job.
            for rank in node.localRanks {
                _ = mobile.receiveSequences.install(rank)
                _ = sendSequences.install(rank)
            }
            self.mobile = mobile
            self.sendSequences = sendSequences
        } else {
            mobile = nil
            sendSequences = nil
        }
    }

    deinit { sendSequences?.deallocate() }

    /// The nodes that share memory with this one (`hostProcesses`), known by the lowest
    /// number among them: the same on each of them.
    var sharedMemoryGroup: Int { hostProcesses.firstIndex { $0 != nil } ?? nodeID }

    /// The process hosting world rank `rank`, if it is this node's or that of a node a
    /// shared-memory link reaches.
    func hostProcess(ofRank rank: Int) -> Int32? {
        guard let node = directory.node(of: rank), node < hostProcesses.count else { return nil }
        return hostProcesses[node]
    }

    func newCookie() -> UInt64 {
        defer { nextCookie += 1 }
        return nextCookie
    }

    // MARK: Waiting

    func wait(until done: () -> Bool) throws(MPIError) {
        do {
            try progress.wait(until: done)
        } catch {
            throw MPIError(.other, "\(error)")
        }
    }

    func pollOnce() throws(MPIError) {
        do {
            try progress.poll()
        } catch {
            throw MPIError(.other, "\(error)")
        }
    }

    // MARK: Sending

    /// Sends `bytes` at once if they travel eagerly to `destination`'s node (the
    /// blocking send's fast path: no request is made); false if they need rendezvous.
    func sendEagerly(_ bytes: UnsafeRawBufferPointer, envelope: Envelope, to destination: Int) throws(MPIError) -> Bool {
        guard sendSequences == nil else {
            return try mobile!.sendGate.reading { () throws(MPIError) -> Bool in try sendEagerlyNow(bytes, envelope: envelope, to: destination) }
        }
        return try sendEagerlyNow(bytes, envelope: envelope, to: destination)
    }

    /// Where threads move, a send runs from the lookup of its destination to the
    /// transmission holding the send gate, which a node that hears of another's departure
    /// takes exclusively (see `RankMobility`).
    @inline(__always)
    private func sendEagerlyNow(_ bytes: UnsafeRawBufferPointer, envelope: Envelope, to destination: Int) throws(MPIError) -> Bool {
        guard let location = directory.location(of: destination) else {
            throw MPIError(.rank, "world rank \(destination) is not in the job")
        }
        guard bytes.count <= eagerLimits[location.node] else { return false }
        var header = FrameHeader(kind: .eager, context: envelope.context, source: envelope.source, destination: Int32(destination),
                                 tag: envelope.tag, sourceNode: UInt32(nodeID), messageLength: UInt64(bytes.count),
                                 payloadLength: UInt64(bytes.count))
        if sendSequences != nil { try number(&header, version: location.version) }
        try transmit(header, bytes, toNode: location.node)
        return true
    }

    /// Where threads move: gives a message its place in the order of its pair of ranks.
    private func number(_ header: inout FrameHeader, version: UInt32) throws(MPIError) {
        guard let sequence = sendSequences!.take(Int(header.source), Int(header.destination)) else {
            throw MPIError(.rank, "rank \(header.source) has moved off node \(nodeID); it cannot send from here")
        }
        header.sequence = sequence
        header.destinationVersion = version
    }

    /// Starts sending `bytes` to world rank `destination`. Eager sends complete at once.
    /// A `synchronous` send always takes the rendezvous path, whose completion waits for
    /// the receiver to have matched it (`MPI_Ssend`).
    func send(_ request: Request, bytes: UnsafeRawBufferPointer, envelope: Envelope, to destination: Int, synchronous: Bool = false) throws(MPIError) {
        guard sendSequences == nil else {
            return try mobile!.sendGate.reading { () throws(MPIError) in
                try sendNow(request, bytes: bytes, envelope: envelope, to: destination, synchronous: synchronous)
            }
        }
        try sendNow(request, bytes: bytes, envelope: envelope, to: destination, synchronous: synchronous)
    }

    private func sendNow(_ request: Request, bytes: UnsafeRawBufferPointer, envelope: Envelope, to destination: Int, synchronous: Bool) throws(MPIError) {
        guard let location = directory.location(of: destination) else {
            throw MPIError(.rank, "world rank \(destination) is not in the job")
        }
        let link = links[location.node]
        var header = FrameHeader(kind: .eager, context: envelope.context, source: envelope.source,
                                 destination: Int32(destination), tag: envelope.tag, sourceNode: UInt32(nodeID),
                                 messageLength: UInt64(bytes.count), payloadLength: UInt64(bytes.count))
        if sendSequences != nil { try number(&header, version: location.version) }
        request.begin()
        if bytes.count <= link.eagerLimit && !synchronous {
            try transmit(header, bytes, on: link)
            request.complete(Status(source: Int(envelope.source), tag: Int(envelope.tag), byteCount: bytes.count))
            return
        }
        request.payload = bytes
        request.envelope = envelope
        request.destinationRank = destination
        let cookie = lock.withLock { () -> UInt64 in
            let cookie = newCookie()
            rendezvousSends[cookie] = request
            return cookie
        }
        header.kind = .requestToSend
        header.payloadLength = 0
        header.cookie = cookie
        header.address = UInt64(UInt(bitPattern: bytes.baseAddress))
        try transmit(header, UnsafeRawBufferPointer(start: nil, count: 0), on: link)
    }

    /// Sends a window message (`WindowMessage`) from world rank `source`, on its own
    /// thread, to world rank `destination`, eagerly whatever its size: the window cut it
    /// to fit the link. Where threads move it takes its place in the pair's order. The
    /// frame carries `bytes`, then `body` where it lies (a large access's data).
    func sendWindowMessage(_ bytes: [UInt8], body: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0),
                           context: UInt32, from source: Int, to destination: Int) throws(MPIError) {
        guard let mobile else { return try sendWindowFrame(bytes, body, tag: WindowMessage.tag, context: context, from: source, to: destination, onNode: nil) }
        try mobile.sendGate.reading { () throws(MPIError) in
            try sendWindowFrame(bytes, body, tag: WindowMessage.tag, context: context, from: source, to: destination, onNode: nil)
        }
    }

    /// Sends a window reply on target `source`'s behalf to rank `destination` on `node`,
    /// the node its request came from; unnumbered (see `WindowMessage.replyTag`).
    func sendWindowReply(_ bytes: [UInt8], body: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0),
                         context: UInt32, from source: Int, to destination: Int, onNode node: Int) throws(MPIError) {
        guard let mobile else { return try sendWindowFrame(bytes, body, tag: WindowMessage.replyTag, context: context, from: source, to: destination, onNode: node) }
        try mobile.sendGate.reading { () throws(MPIError) in
            try sendWindowFrame(bytes, body, tag: WindowMessage.replyTag, context: context, from: source, to: destination, onNode: node)
        }
    }

    private func sendWindowFrame(_ bytes: [UInt8], _ body: UnsafeRawBufferPointer, tag: Int32, context: UInt32, from source: Int, to destination: Int,
                                 onNode node: Int?) throws(MPIError) {
        guard let location = directory.location(of: destination) else {
            throw MPIError(.rank, "world rank \(destination) is not in the job")
        }
        let length = UInt64(bytes.count + body.count)
        var header = FrameHeader(kind: .eager, context: context, source: Int32(source), destination: Int32(destination),
                                 tag: tag, sourceNode: UInt32(nodeID), messageLength: length, payloadLength: length)
        if sendSequences != nil && node == nil { try number(&header, version: location.version) }
        let head = UnsafeRawBufferPointer(start: bytes.withUnsafeBytes { $0.baseAddress }, count: bytes.count)
        try withExtendedLifetime(bytes) { () throws(MPIError) in
            guard body.count > 0 else { return try transmit(header, head, toNode: node ?? location.node) }
            let link: PeerLink = sharedMemoryLinks[node ?? location.node]?.takeUnretainedValue() ?? links[node ?? location.node]
            do {
                try link.send(header, head: head, body: body)
            } catch let error as MPIError {
                throw error
            } catch {
                throw MPIError(.other, "sending to node \(node ?? location.node): \(error)")
            }
        }
    }

    /// The largest window message sent to world rank `destination`: what one frame of its
    /// link holds, and at most 64 KiB through a shared-memory ring, so that the pieces of
    /// a large access pipeline through it instead of each waiting for it to empty (a 1 MiB
    /// put took 88 us in 1 MiB pieces, 36 us in 64 KiB ones); 256 KiB over TCP, where each
    /// frame costs a system call and a wake-up (a 1 MiB get across namespace hosts took
    /// 1365 us in 64 KiB pieces, 1040-1140 in 256 KiB ones, bandwidths best there).
    func windowMessageLimit(to destination: Int) -> Int {
        guard let node = directory.node(of: destination) else { return 0 }
        return min(links[node].maximumFramePayload, sharedMemoryLinks[node] == nil ? 1 << 18 : 1 << 16)
    }

    /// `transmit(_:_:on:)` on the link to `node`, borrowing it when it is a shared-memory link.
    @inline(__always)
    private func transmit(_ header: FrameHeader, _ payload: UnsafeRawBufferPointer, toNode node: Int) throws(MPIError) {
        guard let link = sharedMemoryLinks[node] else { return try transmit(header, payload, on: links[node]) }
        do {
            try link._withUnsafeGuaranteedRef { try $0.send(header, payload: payload) }
        } catch let error as MPIError {
            throw error
        } catch {
            throw MPIError(.other, "sending to node \(node): \(error)")
        }
    }

    func transmit(_ header: FrameHeader, _ payload: UnsafeRawBufferPointer, on link: PeerLink) throws(MPIError) {
        do {
            try link.send(header, payload: payload)
        } catch let error as MPIError {
            throw error
        } catch {
            throw MPIError(.other, "sending to node \(link.peerNode): \(error)")
        }
    }

    // MARK: Receiving

    /// Posts a receive for world rank `rank`; completes it now if a message waits.
    func receive(_ request: Request, pattern: MatchPattern, rank: Int) throws(MPIError) {
        request.begin()
        let matched = try lock.withLock { () throws(MPIError) -> (envelope: Envelope, item: Arrival)? in
            guard queues[rank] != nil else { throw MPIError(.rank, "rank \(rank) is not hosted on node \(nodeID) (it has moved)") }
            return queues[rank]!.post(pattern, request)
        }
        guard let (envelope, arrival) = matched else { return }
        try accept(arrival, envelope: envelope, into: request)
    }

    /// Takes back a posted receive of world rank `rank` that has not matched yet and
    /// completes it as cancelled; false if it matched already (it then completes as usual).
    func cancelReceive(_ request: Request, rank: Int) -> Bool {
        let withdrawn = lock.withLock { () -> Bool in
            guard queues.indices.contains(rank), queues[rank] != nil else { return false }
            return queues[rank]!.withdraw { $0 === request }
        }
        if withdrawn {
            var status = Status.empty
            status.isCancelled = true
            request.complete(status)
        }
        return withdrawn
    }

    /// Takes the first message that `pattern` matches for `rank` out of the unexpected
    /// queue (a matched probe): no receive can match it any more; `accept` receives it.
    func take(pattern: MatchPattern, rank: Int) -> (envelope: Envelope, arrival: Arrival)? {
        lock.withLock {
            guard queues.indices.contains(rank), let (envelope, arrival) = queues[rank]?.take(pattern) else { return nil }
            return (envelope, arrival)
        }
    }

    /// The bytes a message waiting as `arrival` carries.
    static func length(of arrival: Arrival) -> Int {
        switch arrival {
        case let .eager(bytes): return bytes.count
        case let .rendezvous(total, _, _, _): return total
        }
    }

    /// The first message that `pattern` matches for `rank`, without receiving it.
    func probe(pattern: MatchPattern, rank: Int) -> Status? {
        lock.withLock {
            guard let (envelope, arrival) = queues[rank]?.peek(pattern) else { return nil }
            return Status(source: Int(envelope.source), tag: Int(envelope.tag), byteCount: Self.length(of: arrival))
        }
    }

    /// A matched message goes into the request's buffer.
    func accept(_ arrival: Arrival, envelope: Envelope, into request: Request) throws(MPIError) {
        switch arrival {
        case let .eager(bytes):
            bytes.withUnsafeBytes { deliverEager($0, envelope: envelope, into: request) }
        case let .rendezvous(length, node, cookie, address):
            try fetch(length: length, fromNode: node, cookie: cookie, address: address, envelope: envelope, into: request)
        }
    }

    func deliverEager(_ bytes: UnsafeRawBufferPointer, envelope: Envelope, into request: Request) {
        let capacity = request.buffer.count
        let copied = min(bytes.count, capacity)
        if copied > 0 { brazos_copy(request.buffer.baseAddress!, bytes.baseAddress!, copied) }
        finishReceive(request, envelope: envelope, received: copied, sent: bytes.count)
    }

    private func finishReceive(_ request: Request, envelope: Envelope, received: Int, sent: Int) {
        var status = Status(source: request.translation?.rank(ofWorld: Int(envelope.source)) ?? Int(envelope.source), tag: Int(envelope.tag), byteCount: received)
        var failure: MPIError?
        if sent > received {
            status.error = .truncate
            failure = MPIError(.truncate, "message of \(sent) bytes from rank \(status.source) (tag \(status.tag)) does not fit a receive buffer of \(request.buffer.count) bytes")
        }
        request.complete(status, failure: failure)
    }

    /// Rendezvous, receiver side: pull the bytes if the link allows, else ask for a push.
    private func fetch(length: Int, fromNode peer: Int, cookie: UInt64, address: UInt64, envelope: Envelope, into request: Request) throws(MPIError) {
        let link = links[peer]
        let wanted = min(length, request.buffer.count)
        if link.canPull {
            do {
                if wanted > 0 { try link.pull(from: address, count: wanted, into: request.buffer.baseAddress!) }
                try transmit(FrameHeader(kind: .rendezvousDone, destination: envelope.source, sourceNode: UInt32(nodeID), cookie: cookie), UnsafeRawBufferPointer(start: nil, count: 0), on: link)
                finishReceive(request, envelope: envelope, received: wanted, sent: length)
                return
            } catch let error as MPIError {
                throw error
            } catch {
                // The link refuses reads now (canPull turned false): push instead.
            }
        }
        request.envelope = envelope
        request.expectedBytes = wanted
        request.truncatedFrom = length
        let receiveCookie = lock.withLock { () -> UInt64 in
            let receiveCookie = newCookie()
            pushedReceives[receiveCookie] = request
            return receiveCookie
        }
        try transmit(FrameHeader(kind: .clearToSend, destination: envelope.source, sourceNode: UInt32(nodeID),
                                 messageLength: UInt64(wanted), cookie: cookie, address: receiveCookie),
                     UnsafeRawBufferPointer(start: nil, count: 0), on: link)
        if wanted == 0 { completePushed(receiveCookie) }
    }

    private func completePushed(_ receiveCookie: UInt64) {
        guard let request = lock.withLock({ pushedReceives.removeValue(forKey: receiveCookie) }) else { return }
        finishReceive(request, envelope: request.envelope, received: request.expectedBytes, sent: request.truncatedFrom ?? request.expectedBytes)
    }

    /// Operations of world rank `rank` still in progress: posted receives not yet matched
    /// and rendezvous sends not yet taken (what a checkpoint could not capture).
    func pendingOperations(rank: Int) -> Int {
        lock.withLock { pendingOperationsLocked(rank: rank) }
    }

    /// `pendingOperations`, the lock held.
    func pendingOperationsLocked(rank: Int) -> Int {
        let receives = queues.indices.contains(rank) ? (queues[rank]?.posted.count ?? 0) : 0
        return receives + rendezvousSends.values.filter { Int($0.envelope.source) == rank }.count
    }

    /// What waits in rank `rank`'s unexpected queue, in arrival order (for checkpoints).
    func unexpectedMessages(rank: Int) -> [(Envelope, Arrival)] {
        lock.withLock { queues.indices.contains(rank) ? (queues[rank]?.unexpected.map { ($0.envelope, $0.item) } ?? []) : [] }
    }

    /// A saved eager message arrives again for `rank` (at a restart).
    func requeue(_ bytes: UnsafeRawBufferPointer, envelope: Envelope, for rank: Int) throws(MPIError) {
        do {
            if let request = try arrive(envelope, for: Int32(rank), .eager(EagerBytes(bytes))) { deliverEager(bytes, envelope: envelope, into: request) }
        } catch {
            throw MPIError(.rank, "\(error)")
        }
    }

    // MARK: Frames from the transports

    /// Every frame a transport hands over; the header decoded (its lengths and offsets fit
    /// an `Int`), and checked here against the job's ranks and nodes before anything is
    /// looked up with them. What does not fit is thrown as `malformed` (reported, skipped).
    func deliver(_ header: FrameHeader, payload: UnsafeRawBufferPointer, fromNode peer: Int) throws {
        try header.check(ranks: directory.rankCount, nodes: links.count)
        let envelope = Envelope(context: header.context, source: header.source, tag: header.tag)
        switch header.kind {
        case .eager where header.tag == WindowMessage.replyTag:
            try windows.deliver(header, payload: payload)
        case .eager where mobile != nil, .requestToSend where mobile != nil:
            try deliverInOrder(header, payload: payload, fromNode: peer)
        case .move, .moved, .finished, .leaving, .left, .locations:
            try deliverMobility(header, payload: payload, fromNode: peer)
        case .eager where header.tag == WindowMessage.tag:
            try windows.deliver(header, payload: payload)
        case .eager:
            if let request = try arrive(envelope, for: header.destination, .eager(EagerBytes(payload))) { deliverEager(payload, envelope: envelope, into: request) }
        case .requestToSend where header.tag == WindowMessage.tag || header.tag == WindowMessage.replyTag:
            throw BrazosError.malformed("window message announced for rendezvous from node \(peer): they travel eagerly")
        case .requestToSend:
            // The sender's node, not the link's: a forwarded announcement comes from elsewhere.
            let arrival = Arrival.rendezvous(length: Int(header.messageLength), node: Int(header.sourceNode), cookie: header.cookie, address: header.address)
            if let request = try arrive(envelope, for: header.destination, arrival) {
                // Answering may wait on the peer: not while this thread holds the poller role.
                postpone { [self] in try accept(arrival, envelope: envelope, into: request) }
            }
        case .clearToSend:
            guard let request = lock.withLock({ rendezvousSends.removeValue(forKey: header.cookie) }) else {
                throw BrazosError.malformed("clear-to-send for unknown send \(header.cookie) from node \(peer)")
            }
            let count = min(Int(header.messageLength), request.payload.count)
            postpone { [self] in try push(request, count: count, receiveCookie: header.address, toNode: peer) }
        case .rendezvousData:
            let request = try lock.withLock { () throws(BrazosError) -> Request in
                guard let request = pushedReceives[header.cookie] else {
                    throw .malformed("rendezvous data for unknown receive \(header.cookie) from node \(peer)")
                }
                guard Int(header.address) + payload.count <= request.expectedBytes else {
                    throw .malformed("rendezvous data past the \(request.expectedBytes) bytes expected")
                }
                return request
            }
            let destination = request.buffer.baseAddress.map { $0 + Int(header.address) }
            if payload.count > 0, UnsafeRawPointer(destination) != payload.baseAddress {
                destination!.copyMemory(from: payload.baseAddress!, byteCount: payload.count)
            }
            let complete = lock.withLock { () -> Bool in
                request.pushedBytes += payload.count
                return request.pushedBytes == request.expectedBytes
            }
            if complete { completePushed(header.cookie) }
        case .rendezvousDone:
            guard let request = lock.withLock({ rendezvousSends.removeValue(forKey: header.cookie) }) else {
                throw BrazosError.malformed("rendezvous done for unknown send \(header.cookie) from node \(peer)")
            }
            completeSend(request)
        case .goodbye:
            break
        }
    }

    /// Matches an arriving message against `rank`'s posted receives, or queues it.
    private func arrive(_ envelope: Envelope, for rank: Int32, _ arrival: @autoclosure () -> Arrival) throws(BrazosError) -> Request? {
        try lock.withLock { () throws(BrazosError) -> Request? in
            guard Int(rank) < queues.count, queues[Int(rank)] != nil else {
                throw .malformed("frame for rank \(rank), which node \(nodeID) does not host")
            }
            return queues[Int(rank)]!.arrive(envelope, arrival())
        }
    }

    func destination(forPayloadOf header: FrameHeader) -> UnsafeMutableRawPointer? {
        lock.withLock {
            guard header.kind == .rendezvousData, let request = pushedReceives[header.cookie],
                  Int(header.address) + Int(header.payloadLength) <= request.expectedBytes else { return nil }
            return request.buffer.baseAddress.map { $0 + Int(header.address) }
        }
    }

    private func push(_ request: Request, count: Int, receiveCookie: UInt64, toNode peer: Int) throws {
        let link = links[peer]
        var offset = 0
        while offset < count {
            let chunk = min(count - offset, link.pushFragment)
            let header = FrameHeader(kind: .rendezvousData, destination: Int32(request.destinationRank), sourceNode: UInt32(nodeID),
                                     messageLength: UInt64(count), cookie: receiveCookie, address: UInt64(offset),
                                     payloadLength: UInt64(chunk))
            try link.send(header, payload: UnsafeRawBufferPointer(rebasing: request.payload[offset..<(offset + chunk)]))
            offset += chunk
        }
        completeSend(request)
    }

    private func completeSend(_ request: Request) {
        request.complete(Status(source: Int(request.envelope.source), tag: Int(request.envelope.tag), byteCount: request.payload.count))
    }

    func postpone(_ work: @escaping () throws -> Void) {
        lock.withLock { deferred.append(work) }
        progress.noteDeferredWork()
    }

    /// Postpones `work` to the next pass of deferred work.
    func postponeToNextPass(_ work: @escaping () throws -> Void) {
        lock.withLock { deferredNextPass.append(work) }
    }

    /// Whether deferred work waits (for a node that must finish it before it leaves).
    var hasDeferredWork: Bool { lock.withLock { !deferred.isEmpty || !deferredNextPass.isEmpty } }

    /// Runs the deferred work, one thread at a time. A thread already running it (a push
    /// waiting for room polls, and polling lands here again) skips it: re-entering would
    /// take a link's send lock twice.
    func performDeferredWork() throws {
        guard deferredRunner.tryLock() else {
            progress.noteDeferredWork()  // the running thread may have taken its list already
            return
        }
        defer { deferredRunner.unlock() }
        while true {
            let work = lock.withLock { () -> [() throws -> Void] in
                defer { deferred.removeAll() }
                return deferred
            }
            if work.isEmpty { break }
            for item in work { try item() }
            // What the work completed may belong to a thread waiting elsewhere.
            progress.notify()
        }
        if lock.withLock({ () -> Bool in
            defer { deferred += deferredNextPass; deferredNextPass.removeAll() }
            return !deferredNextPass.isEmpty
        }) {
            progress.noteDeferredWork()
        }
    }
}
