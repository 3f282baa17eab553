import BrazosCore

/// What a node hosting ranks that may move learns of new arrivals and of ranks that end.
protocol RankHost: AnyObject, Sendable {
    /// Rank `record.rank` arrived; its thread is to start here from what it carried.
    func arrived(_ record: MoveRecord)
    /// A rank of the job, here or elsewhere, has finished.
    func rankFinished()
}

/// The message engine's state for ranks that move (docs/ARCHITECTURE.md, "Migration").
/// Guarded by the engine's lock.
///
/// Each message between two ranks carries its number in their pair's order and the
/// version of the destination's location that its sender knew. A node delivers a pair's
/// messages in number order, holding any that come early; a message for a rank that is
/// not here is forwarded to where this node knows it went, or held if the sender knew
/// of a move this node has not seen yet (the rank is on its way here).
///
/// Unchecked: every `var` here and the rows of `receiveSequences` are read and written
/// only under the message engine's `lock` (never a no-op where ranks move) or in the
/// engine's init, before it is shared; `sendGate` and `admission` are locks themselves.
final class MobileRanks: @unchecked Sendable {
    /// A frame kept for later, with a copy of its payload.
    struct HeldFrame {
        var header: FrameHeader
        var payload: [UInt8]
        var peer: Int
    }

    /// Per hosted rank: the number of the next message expected from each rank.
    let receiveSequences: SequenceTable
    /// Per hosted rank: messages that came before ones numbered earlier.
    var outOfOrder: [Int: [HeldFrame]] = [:]
    /// Per rank on its way here: messages that came before it, and the pieces of its
    /// record received so far.
    var early: [Int: [HeldFrame]] = [:]
    var incoming: [Int: [UInt8]] = [:]
    /// Per hosted rank: window messages accepted in order, not yet handled; and the ranks
    /// whose messages a thread is handling now (one thread at a time keeps their order).
    var windowInbox: [Int: [HeldFrame]] = [:]
    var handlingWindows: Set<Int> = []
    var finished: Set<Int> = []
    /// Ranks that arrived here, for `brazosrun status`.
    var arrivals = 0
    /// Held by every send from its lookup to its transmission, and taken alone by a node
    /// that hears of another's departure, so that nothing it sends after answering goes
    /// to the node that left.
    let sendGate = ReadWriteLock()
    /// Nodes being drained (no rank may move to them), and those gone (nothing is sent
    /// to them any more); on a drained node, the nodes that answered its departure.
    var retiring: Set<Int> = []
    var departed: Set<Int> = []
    var answeredLeaving: Set<Int> = []
    /// The nodes in the job as this node knows: those it started with or came in with,
    /// and those admitted since (nodes that left stay, in `departed`).
    var members: Set<Int>
    /// Held while this node tells a joining node where the ranks are, so that none of
    /// its threads moves there before that is sent.
    let admission = PthreadMutex()
    /// Set when the program runs its threads; arrivals before that wait in `unhosted`.
    fileprivate(set) var host: RankHost?
    fileprivate var unhosted: [MoveRecord] = []

    init(rankCount: Int, members: [Int]) {
        receiveSequences = SequenceTable(rankCount: rankCount)
        self.members = Set(members)
    }

    deinit { receiveSequences.deallocate() }
}

extension MessageEngine {
    // MARK: Messages in order

    /// A message (eager or announced) where ranks move: forwarded, held, or matched in its
    /// pair's order, with any held ones it lets through.
    func deliverInOrder(_ header: FrameHeader, payload: UnsafeRawBufferPointer, fromNode peer: Int) throws {
        let mobile = mobile!
        let rank = Int(header.destination), source = Int(header.source)
        guard header.kind == .eager || header.tag != WindowMessage.tag else {
            throw BrazosError.malformed("window message announced for rendezvous from node \(peer): they travel eagerly")
        }
        enum Outcome {
            case held
            case forward(node: Int, version: UInt32)
            case accepted([(header: FrameHeader, payload: [UInt8]?, request: Request?)])
        }
        let outcome = try lock.withLock { () throws(BrazosError) -> Outcome in
            guard rank < queues.count, source < queues.count else {
                throw .malformed("message from rank \(source) to rank \(rank): the job has \(queues.count) ranks")
            }
            guard queues[rank] != nil else {
                guard let known = directory.location(of: rank) else { throw .malformed("message for rank \(rank), which is nowhere") }
                if header.destinationVersion > known.version || known.node == nodeID {
                    mobile.early[rank, default: []].append(.init(header: header, payload: Array(payload), peer: peer))
                    return .held
                }
                return .forward(node: known.node, version: known.version)
            }
            guard let expected = mobile.receiveSequences.value(rank, source) else {
                throw .malformed("message from rank \(source) to rank \(rank), which has no order here")
            }
            guard header.sequence == expected else {
                guard header.sequence &- expected < UInt32.max / 2 else {
                    throw .malformed("message \(header.sequence) from rank \(source) to rank \(rank) came again (expected \(expected))")
                }
                mobile.outOfOrder[rank, default: []].append(.init(header: header, payload: Array(payload), peer: peer))
                return .held
            }
            var accepted = [(header, nil as [UInt8]?, matchLocked(header, payload))]
            while let index = mobile.outOfOrder[rank]?.firstIndex(where: {
                $0.header.source == header.source && $0.header.sequence == mobile.receiveSequences.value(rank, source)
            }) {
                let next = mobile.outOfOrder[rank]!.remove(at: index)
                let request = next.payload.withUnsafeBytes { matchLocked(next.header, $0) }
                accepted.append((next.header, next.payload, request))
            }
            if mobile.outOfOrder[rank]?.isEmpty == true { mobile.outOfOrder[rank] = nil }
            return .accepted(accepted)
        }
        switch outcome {
        case .held:
            return
        case let .forward(node, version):
            let copy = Array(payload)
            postpone { [self] in try forward(header, copy, to: node, version: version) }
        case let .accepted(frames):
            for (header, held, request) in frames {
                guard let request else { continue }
                if let held {
                    try held.withUnsafeBytes { try take(header, $0, into: request) }
                } else {
                    try take(header, payload, into: request)
                }
            }
            if frames.contains(where: { $0.header.tag == WindowMessage.tag }) { try handleWindowMessages(of: rank) }
        }
    }

    /// Under the lock: counts the message in its pair's order, then matches or queues it
    /// (a window message in the rank's window inbox).
    private func matchLocked(_ header: FrameHeader, _ payload: UnsafeRawBufferPointer) -> Request? {
        let rank = Int(header.destination)
        _ = mobile!.receiveSequences.take(rank, Int(header.source))
        if header.tag == WindowMessage.tag {
            mobile!.windowInbox[rank, default: []].append(.init(header: header, payload: Array(payload), peer: Int(header.sourceNode)))
            return nil
        }
        let envelope = Envelope(context: header.context, source: header.source, tag: header.tag)
        return queues[rank]!.arrive(envelope, Self.arrival(of: header, payload))
    }

    /// Handles the window messages accepted for `rank`, in their order, one thread at a
    /// time: a thread that finds another at it leaves them to that one, which looks again
    /// before it stops. A rank departs only when none waits or is being handled, so what
    /// it carries holds every access accepted before it left.
    private func handleWindowMessages(of rank: Int) throws {
        let mobile = mobile!
        var failure: Error?
        while true {
            let frames = lock.withLock { () -> [MobileRanks.HeldFrame] in
                guard !mobile.handlingWindows.contains(rank), let frames = mobile.windowInbox.removeValue(forKey: rank) else { return [] }
                mobile.handlingWindows.insert(rank)
                return frames
            }
            guard !frames.isEmpty else { break }
            for frame in frames {
                // One malformed message is reported; the others are still handled.
                do {
                    try frame.payload.withUnsafeBytes { try windows.deliver(frame.header, payload: $0) }
                } catch {
                    failure = failure ?? error
                }
            }
            lock.withLock { _ = mobile.handlingWindows.remove(rank) }
        }
        if let failure { throw failure }
    }

    /// Whether window messages for `rank` wait or are being handled (under the lock).
    private func windowMessagesInFlightLocked(for rank: Int) -> Bool {
        mobile!.windowInbox[rank] != nil || mobile!.handlingWindows.contains(rank)
    }

    static func arrival(of header: FrameHeader, _ payload: UnsafeRawBufferPointer) -> Arrival {
        header.kind == .eager
            ? .eager(EagerBytes(payload))
            : .rendezvous(length: Int(header.messageLength), node: Int(header.sourceNode), cookie: header.cookie, address: header.address)
    }

    /// A matched message goes to its receive (a large one is fetched later, off the poller).
    private func take(_ header: FrameHeader, _ payload: UnsafeRawBufferPointer, into request: Request) throws {
        let envelope = Envelope(context: header.context, source: header.source, tag: header.tag)
        if header.kind == .eager {
            deliverEager(payload, envelope: envelope, into: request)
        } else {
            let arrival = Self.arrival(of: header, payload)
            postpone { [self] in try accept(arrival, envelope: envelope, into: request) }
        }
    }

    private func forward(_ header: FrameHeader, _ payload: [UInt8], to node: Int, version: UInt32) throws {
        var header = header
        header.destinationVersion = version
        try payload.withUnsafeBytes { bytes in try transmit(header, bytes, on: links[node]) }
    }

    /// Frames about ranks rather than messages: an arrival, news of one, an end.
    func deliverMobility(_ header: FrameHeader, payload: UnsafeRawBufferPointer, fromNode peer: Int) throws {
        guard let mobile else { throw BrazosError.malformed("\(header.kind) frame from node \(peer) in a job whose threads do not move") }
        let rank = Int(header.destination)
        // The job's ranks from the directory, not `queues.count`: `queues` is read only under the lock.
        let ranks = directory.rankCount
        guard rank < ranks, Int(header.source) < ranks else { throw BrazosError.malformed("\(header.kind) frame for rank \(rank) of \(ranks)") }
        switch header.kind {
        case .move:
            let whole = try lock.withLock { () throws(BrazosError) -> [UInt8]? in
                var pieces = mobile.incoming.removeValue(forKey: rank) ?? []
                guard header.address == UInt64(pieces.count) else {
                    throw .malformed("piece at \(header.address) of rank \(rank)'s move from node \(peer), after \(pieces.count) bytes")
                }
                pieces += UnsafeRawBufferPointer(payload)
                guard UInt64(pieces.count) == header.messageLength else {
                    mobile.incoming[rank] = pieces
                    return nil
                }
                return pieces
            }
            guard let whole else { return }
            let record = try MoveRecord(decoding: whole, ranks: ranks, nodes: links.count)
            guard record.rank == rank else { throw BrazosError.malformed("the move of rank \(rank) from node \(peer) carries rank \(record.rank)") }
            try arrive(record, from: peer)
        case .moved:
            _ = lock.withLock { directory.move(rank: rank, to: Int(header.sourceNode), version: UInt32(truncatingIfNeeded: header.cookie)) }
        case .leaving:
            // Answered from deferred work: only once no send of this node is under way.
            let locations = try Self.rankLocations(decoding: Array(payload), ranks: ranks, nodes: links.count)
            postpone { [self] in try acknowledgeLeaving(of: peer, locations: locations) }
        case .locations:
            let locations = try Self.rankLocations(decoding: Array(payload), ranks: ranks, nodes: links.count)
            lock.withLock { learn(locations) }
        case .left:
            lock.withLock { _ = mobile.answeredLeaving.insert(peer) }
        case .finished:
            let host = lock.withLock { () -> RankHost? in
                mobile.finished.insert(Int(header.source))
                return mobile.host
            }
            host?.rankFinished()
        default:
            throw BrazosError.malformed("\(header.kind) frame taken for a mobility frame")
        }
    }

    // MARK: Moving a rank

    /// On the rank's node, from its own thread: hands rank `rank` with what it carries to
    /// `node`. Its unreceived messages and its place in every pair's order go along;
    /// messages for it that come here later are forwarded. Refused (and nothing changes)
    /// while it has operations in progress or more to carry than one frame holds.
    func depart(rank: Int, to node: Int, nextContext: UInt32, carried: [UInt8], state: [UInt8]) throws(MPIError) {
        guard let mobile, let sendSequences else { throw MPIError(.other, "threads of this job do not move (start it with brazosrun --migratable)") }
        let (member, leaving) = lock.withLock { (mobile.members.contains(node), mobile.retiring.contains(node) || mobile.departed.contains(node)) }
        guard member else {
            throw MPIError(.rank, "node \(node) is not in the job (its nodes are \(remainingNodes.map(String.init).joined(separator: ",")))")
        }
        guard node != nodeID else { throw MPIError(.rank, "rank \(rank) is on node \(node) already") }
        guard !leaving else { throw MPIError(.rank, "node \(node) is drained (or being drained): no thread moves there") }
        let link = links[node]
        var departure: (record: [UInt8], stashed: [MobileRanks.HeldFrame], windowIDs: [Int])?
        while departure == nil {
            // What its windows carry must hold every window message accepted for it.
            try wait { lock.withLock { !windowMessagesInFlightLocked(for: rank) } }
            departure = try departLocked(rank: rank, to: node, nextContext: nextContext, carried: carried, state: state)
        }
        let (record, stashed, windowIDs) = departure!
        for id in windowIDs { windows.keeper?.forget(rank: rank, id: id) }
        _ = sendSequences.remove(rank)
        let version = directory.location(of: rank)!.version
        // In pieces of at most a frame, one after the other on the link to `node`.
        // `withUnsafeBytes` rethrows untyped errors; the typed one crosses in a Result.
        try record.withUnsafeBytes { bytes in
            Result { () throws(MPIError) in
                var offset = 0
                repeat {
                    let count = min(bytes.count - offset, link.maximumFramePayload)
                    try transmit(FrameHeader(kind: .move, destination: Int32(rank), sourceNode: UInt32(nodeID), messageLength: UInt64(bytes.count),
                                             cookie: UInt64(version), address: UInt64(offset), payloadLength: UInt64(count)),
                                 UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)]), on: link)
                    offset += count
                } while offset < bytes.count
            }
        }.get()
        for held in stashed { postpone { [self] in try forward(held.header, held.payload, to: node, version: version) } }
    }

    /// Under the lock, the departure itself: refused (nothing changed) while the rank has
    /// operations in progress or a window not at rest; nil, nothing changed, if a window
    /// message for it came in since the caller looked (it is handled first).
    private func departLocked(rank: Int, to node: Int, nextContext: UInt32, carried: [UInt8], state: [UInt8]) throws(MPIError)
        -> (record: [UInt8], stashed: [MobileRanks.HeldFrame], windowIDs: [Int])? {
        let mobile = mobile!
        return try lock.withLock { () throws(MPIError) -> (record: [UInt8], stashed: [MobileRanks.HeldFrame], windowIDs: [Int])? in
            guard let queue = queues[rank] else { throw MPIError(.rank, "rank \(rank) is not hosted on node \(nodeID)") }
            let pending = pendingOperationsLocked(rank: rank)
            guard pending == 0 else {
                throw MPIError(.pending, "rank \(rank) cannot move with \(pending) operation\(pending == 1 ? "" : "s") in progress; wait for them first")
            }
            guard !windowMessagesInFlightLocked(for: rank) else { return nil }
            // Its windows' state, taken out of the directory: nothing can change after this.
            let (windowRecord, windowIDs) = try windows.departing(rank: rank)
            let version = directory.location(of: rank)!.version &+ 1
            let messages = queue.unexpected.map { item -> MoveRecord.Message in
                let envelope = item.envelope
                switch item.item {
                case let .eager(bytes):
                    return .init(context: envelope.context, source: envelope.source, tag: envelope.tag, bytes: bytes.withUnsafeBytes { Array($0) })
                case let .rendezvous(length, sender, cookie, address):
                    return .init(context: envelope.context, source: envelope.source, tag: envelope.tag, bytes: [],
                                 rendezvous: .init(length: UInt64(length), node: UInt32(sender), cookie: cookie, address: address))
                }
            }
            let record = MoveRecord(rank: rank, version: version, fromNode: nodeID, nextContext: nextContext,
                                    // Both rows exist: the rank is hosted here.
                                    receiveSequences: (0..<queues.count).map { mobile.receiveSequences.value(rank, $0) ?? 0 },
                                    sendSequences: (0..<queues.count).map { sendSequences!.value(rank, $0) ?? 0 },
                                    messages: messages, windows: windowRecord, carried: carried, state: state).encoded()
            queues[rank] = nil
            _ = mobile.receiveSequences.remove(rank)
            directory.move(rank: rank, to: node, version: version)
            defer { mobile.outOfOrder[rank] = nil }
            return (record, mobile.outOfOrder[rank] ?? [], windowIDs)
        }
    }

    /// On the destination: the rank's queues and order are set up as they were, the
    /// messages that came before it are let through, every other node learns where it is,
    /// and the host starts its thread.
    private func arrive(_ record: MoveRecord, from peer: Int) throws {
        let mobile = mobile!, sendSequences = sendSequences!
        let rank = record.rank
        // Its windows first: a message for it may be handled as soon as its queues are set.
        windows.arriving(rank: rank, windows: try CarriedWindow.decode(record.windows, ranks: directory.rankCount, nodes: links.count), engine: self)
        let early = try lock.withLock { () throws(BrazosError) -> [MobileRanks.HeldFrame] in
            guard queues[rank] == nil else { throw .malformed("rank \(rank) arrived from node \(peer) but is here already") }
            var queue = MatchQueues<Request, Arrival>()
            for message in record.messages {
                let envelope = Envelope(context: message.context, source: message.source, tag: message.tag)
                let arrival: Arrival = message.rendezvous.map {
                    .rendezvous(length: Int($0.length), node: Int($0.node), cookie: $0.cookie, address: $0.address)
                } ?? .eager(message.bytes.withUnsafeBytes { EagerBytes($0) })
                _ = queue.arrive(envelope, arrival)
            }
            queues[rank] = queue
            mobile.arrivals += 1
            // The record was decoded for this job: its rank is in range.
            _ = mobile.receiveSequences.install(rank, record.receiveSequences)
            directory.move(rank: rank, to: nodeID, version: record.version)
            return mobile.early.removeValue(forKey: rank) ?? []
        }
        _ = sendSequences.install(rank, record.sendSequences)
        for held in early { try held.payload.withUnsafeBytes { try deliverInOrder(held.header, payload: $0, fromNode: held.peer) } }
        let news = FrameHeader(kind: .moved, destination: Int32(rank), sourceNode: UInt32(nodeID), cookie: UInt64(record.version))
        postpone { [self] in try broadcast(news, except: [nodeID, record.fromNode]) }
        if let host = lock.withLock({ () -> RankHost? in
            if mobile.host == nil { mobile.unhosted.append(record) }
            return mobile.host
        }) {
            host.arrived(record)
        }
    }

    /// Where arriving ranks start from now on; those that came before start at once.
    func host(with host: RankHost) {
        guard let mobile else { return }
        let waiting = lock.withLock { () -> [MoveRecord] in
            mobile.host = host
            defer { mobile.unhosted = [] }
            return mobile.unhosted
        }
        for record in waiting { host.arrived(record) }
    }

    // MARK: Ending

    /// Tells every node (this one too) that `rank` has finished.
    func announceFinished(rank: Int) throws(MPIError) {
        try broadcast(FrameHeader(kind: .finished, source: Int32(rank), sourceNode: UInt32(nodeID)))
    }

    /// Sends a frame without payload to every node that has not left, but those in `skipped`.
    private func broadcast(_ header: FrameHeader, except skipped: Set<Int> = []) throws(MPIError) {
        let mobile = mobile!
        try mobile.sendGate.reading { () throws(MPIError) in
            let reached = lock.withLock { mobile.members.subtracting(mobile.departed).subtracting(skipped) }
            for node in reached.sorted() {
                try transmit(header, UnsafeRawBufferPointer(start: nil, count: 0), on: links[node])
            }
        }
    }

    // MARK: Nodes that leave

    /// Node `node` is being drained: no rank may move there any more.
    func retire(node: Int) {
        lock.withLock { _ = mobile?.retiring.insert(node) }
    }

    func isRetiring(_ node: Int) -> Bool { lock.withLock { mobile?.retiring.contains(node) ?? false } }

    /// The nodes in the job that are neither drained nor being drained.
    var remainingNodes: [Int] {
        lock.withLock { mobile.map { $0.members.subtracting($0.retiring).subtracting($0.departed).sorted() } ?? [] }
    }

    // MARK: Nodes that join

    /// Node `node` has joined: threads may move there, and what is told to every node goes
    /// there too. The first of this node's threads to call this tells it where every rank
    /// is; the others wait until that is sent (a move sent before would reach it first).
    func admit(node: Int) throws(MPIError) {
        let mobile = mobile!
        try mobile.admission.withLock { () throws(MPIError) in
            guard lock.withLock({ mobile.members.insert(node).inserted }) else { return }
            let locations = rankLocations()
            try locations.withUnsafeBytes { bytes in
                Result { () throws(MPIError) in
                    try transmit(FrameHeader(kind: .locations, sourceNode: UInt32(nodeID), messageLength: UInt64(bytes.count),
                                             payloadLength: UInt64(bytes.count)), bytes, on: links[node])
                }
            }.get()
        }
    }

    /// Where this node knows every rank to be: per rank, its node and location version.
    private func rankLocations() -> [UInt8] {
        var writer = ByteWriter()
        for rank in 0..<directory.rankCount {
            let location = directory.location(of: rank)!
            writer.put(UInt32(location.node))
            writer.put(location.version)
        }
        return writer.bytes
    }

    /// On a drained node once its ranks have gone: tells `nodes` where every rank is, waits
    /// until each has answered (after which it sends nothing here), and forwards what came
    /// before the answers.
    func leave(toward nodes: [Int]) throws {
        let mobile = mobile!
        let locations = rankLocations()
        for node in nodes {
            try locations.withUnsafeBytes { bytes in
                try transmit(FrameHeader(kind: .leaving, sourceNode: UInt32(nodeID), messageLength: UInt64(bytes.count), payloadLength: UInt64(bytes.count)),
                             bytes, on: links[node])
            }
        }
        try wait { lock.withLock { mobile.answeredLeaving.isSuperset(of: nodes) } }
        while hasDeferredWork { try performDeferredWork() }
    }

    /// Where node `node`, leaving, knows the ranks to be: news of each (as with `moved`),
    /// then the answer, once no send of this node is under way (else on the next pass).
    private func acknowledgeLeaving(of node: Int, locations: [(node: Int, version: UInt32)]) throws {
        let mobile = mobile!
        let applied = mobile.sendGate.writingIfFree {
            lock.withLock {
                learn(locations)
                _ = mobile.departed.insert(node)
            }
        }
        guard applied != nil else {
            postponeToNextPass { [self] in try acknowledgeLeaving(of: node, locations: locations) }
            return
        }
        try transmit(FrameHeader(kind: .left, sourceNode: UInt32(nodeID)), UnsafeRawBufferPointer(start: nil, count: 0), on: links[node])
    }

    /// Under the lock: another node's view of where every rank is; only newer news counts.
    private func learn(_ locations: [(node: Int, version: UInt32)]) {
        for (rank, location) in locations.enumerated() { directory.move(rank: rank, to: location.node, version: location.version) }
    }

    /// Decodes what `rankLocations()` wrote, for a job of `ranks` ranks and `nodes` nodes;
    /// throws `malformed` for a node outside the job or a count that is not `ranks`.
    static func rankLocations(decoding bytes: [UInt8], ranks: Int, nodes: Int) throws(BrazosError) -> [(node: Int, version: UInt32)] {
        var reader = ByteReader(bytes, what: "a leaving node's rank locations")
        var locations: [(node: Int, version: UInt32)] = []
        for rank in 0..<ranks {
            let node = Int(try reader.take(UInt32.self)), version = try reader.take(UInt32.self)
            guard node < nodes else { throw .malformed("a leaving node puts rank \(rank) on node \(node) of \(nodes)") }
            locations.append((node, version))
        }
        guard reader.isAtEnd else { throw .malformed("a leaving node's rank locations have bytes past \(ranks) ranks") }
        return locations
    }

    /// How many ranks arrived here (moves to this node).
    var arrivals: Int { lock.withLock { mobile?.arrivals ?? 0 } }

    /// How many ranks of the job have finished, as far as this node has heard.
    var finishedRanks: Int { lock.withLock { mobile?.finished.count ?? 0 } }

    /// The ranks hosted here now. Without moves that is the ranks placed here; the queues
    /// are not looked at then, since with one rank their lock is no lock and the heartbeat
    /// thread asks while the rank's thread changes them (ThreadSanitizer saw this race).
    var hostedRanks: [Int] {
        guard mobile != nil else { return placedRanks }
        return lock.withLock { queues.indices.filter { queues[$0] != nil } }
    }
}
