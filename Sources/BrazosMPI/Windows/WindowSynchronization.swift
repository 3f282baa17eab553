import Synchronization

/// The synchronisations of a window: fences, passive-target locks and flushes,
/// post-start-complete-wait. See docs/ARCHITECTURE.md, *One-sided windows*.
extension Window {
    // MARK: Fence

    /// `MPI_Win_fence`: completes every access made since the last fence, by and to the
    /// caller, and opens the next fence epoch (none after `noSucceed`).
    public func fence(_ assertions: Assertions = []) throws(MPIError) {
        try checkUsable()
        guard accessEpoch.isOpenFence || isFenceEpoch else { throw MPIError(.rmaSync, "MPI_Win_fence inside \(accessEpoch)") }
        guard case .none = exposureEpoch else { throw MPIError(.rmaSync, "MPI_Win_fence inside an exposure epoch of MPI_Win_post") }
        try sendHeldAccess()
        // Every member learns how many counted messages were sent to it.
        let sent = try communicator.allreduce(sentInEpoch, op: .sum)
        let parity = fenceEpoch & 1
        let expected = sent[communicator.rank]
        try communicator.engine.wait { endpoint.takeHandled(expected, parity: parity) }
        try waitForOutstanding()
        try endpoint.completeFence()
        for index in sentInEpoch.indices { sentInEpoch[index] = 0 }
        unflushed.removeAll()
        fenceEpoch += 1
        accessEpoch = assertions.contains(.noSucceed) ? .none : .fence(accessed: false)
    }

    private var isFenceEpoch: Bool {
        if case .fence = accessEpoch { return true }
        return false
    }

    // MARK: Passive target

    /// `MPI_Win_lock`: returns once the caller holds `type` on member `rank`'s memory
    /// (at once with `noCheck`: the program promises nobody else holds a conflicting lock).
    public func lock(_ type: LockType, rank: Int, assertions: Assertions = []) throws(MPIError) {
        try checkUsable()
        try checkTarget(rank)
        guard rank != MPI.procNull else { return }
        var targets = LockedTargets()
        switch accessEpoch {
        case let .locked(held):
            guard held[rank] == nil else { throw MPIError(.rmaSync, "rank \(rank) is locked already") }
            targets = held
        case .none, .fence(accessed: false):
            break
        default:
            throw MPIError(.rmaSync, "MPI_Win_lock inside \(accessEpoch)")
        }
        let acquired = !assertions.contains(.noCheck)
        if acquired { try acquire(type, of: [rank]) }
        targets[rank] = acquired
        accessEpoch = .locked(targets)
    }

    /// `MPI_Win_unlock`: completes the caller's accesses to `rank`, there and here, and
    /// lets go of its lock.
    public func unlock(rank: Int) throws(MPIError) {
        try checkUsable()
        try checkTarget(rank)
        guard rank != MPI.procNull else { return }
        guard case var .locked(held) = accessEpoch, let acquired = held[rank] else {
            throw MPIError(.rmaSync, "MPI_Win_unlock of rank \(rank), which the caller has not locked")
        }
        try release([rank], acquired: acquired)
        held[rank] = nil
        accessEpoch = held.isEmpty ? .none : .locked(held)
    }

    /// `MPI_Win_lock_all`: a shared lock on every member.
    public func lockAll(assertions: Assertions = []) throws(MPIError) {
        try checkUsable()
        guard accessEpoch.isOpenFence else { throw MPIError(.rmaSync, "MPI_Win_lock_all inside \(accessEpoch)") }
        let acquired = !assertions.contains(.noCheck)
        if acquired { try acquire(.shared, of: Array(peers.indices)) }
        accessEpoch = .lockedAll(acquired: acquired)
    }

    /// `MPI_Win_unlock_all`.
    public func unlockAll() throws(MPIError) {
        try checkUsable()
        guard case let .lockedAll(acquired) = accessEpoch else { throw MPIError(.rmaSync, "MPI_Win_unlock_all without MPI_Win_lock_all") }
        try release(Array(peers.indices), acquired: acquired)
        accessEpoch = .none
    }

    /// Asks each target's lock at once, then waits until all are granted.
    private func acquire(_ type: LockType, of targets: [Int]) throws(MPIError) {
        try communicator.engine.pollOnce()
        var replies: [PendingReply] = []
        for target in targets {
            let peer = peers[target]
            let reply = PendingReply(expecting: 0, into: nil, target: target)
            replies.append(reply)
            if let local = peer.local {
                local.requestLock(origin: communicator.callerWorldRank, exclusive: type == .exclusive) { reply.complete() }
            } else {
                var message = WindowMessage(kind: .lock)
                message.exclusive = type == .exclusive
                message.cookie = endpoint.expect(reply)
                try send(message, to: target)
            }
        }
        try communicator.engine.wait { replies.allSatisfy(\.isDone) }
    }

    /// Unlocks each target once the caller's accesses to it are complete there; a lock
    /// never asked for (`noCheck`) is only flushed.
    private func release(_ targets: [Int], acquired: Bool) throws(MPIError) {
        guard acquired else { return try flush(targets) }
        for target in targets {
            if let local = peers[target].local { _ = local.releaseLock(origin: communicator.callerWorldRank) }
        }
        try ask(.unlock, of: targets.filter { peers[$0].local == nil })
    }

    /// Sends `kind` to each of `targets` (on other nodes), behind the caller's accesses to
    /// it, and waits for every answer, then for the caller's gets from them.
    private func ask(_ kind: WindowMessage.Kind, of targets: [Int]) throws(MPIError) {
        // Every flush and unlock drives progress, even one with nothing to wait for: a
        // program that polls a target of its own node in a loop serves the others here.
        // One that asks something waits, which polls; it sends first.
        guard !targets.isEmpty else { return try communicator.engine.pollOnce() }
        var replies: [PendingReply] = []
        for target in targets { replies.append(try request(kind, of: target)) }
        try communicator.engine.wait { replies.allSatisfy { $0.isDone } }
        try waitForOutstanding { targets.contains($0) }
    }

    /// `ask` of one target, without the collections: a flush after each small put is
    /// the common case, and its round trip is what a program waits for.
    private func ask(_ kind: WindowMessage.Kind, of target: Int) throws(MPIError) {
        let reply = try request(kind, of: target)
        try communicator.engine.wait { reply.isDone }
        try waitForOutstanding { $0 == target }
    }

    /// Sends `kind` to `target` behind the caller's accesses to it; its answer completes
    /// the reply returned.
    private func request(_ kind: WindowMessage.Kind, of target: Int) throws(MPIError) -> PendingReply {
        let reply = PendingReply(expecting: 0, into: nil, target: target)
        if kind == .flush, heldAccess?.target == target {
            // The held access asks for the answer itself: one frame, not two.
            try sendHeldAccess(cookie: endpoint.expect(reply))
        } else {
            var message = WindowMessage(kind: kind)
            message.cookie = endpoint.expect(reply)
            try send(message, to: target)
        }
        unflushed.remove(target)
        return reply
    }

    // MARK: Flush

    /// `MPI_Win_flush`: the caller's accesses to `rank` are complete there and here.
    public func flush(rank: Int) throws(MPIError) {
        // A member in `directReach` is valid and in a passive epoch: with nothing sent and
        // no answer awaited, only the occasional poll is left (after an 8-byte put the
        // argument checks cost more than the put).
        if directReach.span(of: rank) != nil, unflushed.isEmpty, outstanding.isEmpty, heldAccess == nil { return try pollWhenIdle() }
        try checkPassive("MPI_Win_flush")
        try checkTarget(rank)
        guard rank != MPI.procNull else { return }
        guard !unflushed.isEmpty, unflushed.contains(rank) else {
            if outstanding.isEmpty { return try pollWhenIdle() }
            try communicator.engine.pollOnce()
            return try waitForOutstanding { $0 == rank }
        }
        try ask(.flush, of: rank)
    }

    /// `MPI_Win_flush_all`.
    public func flushAll() throws(MPIError) {
        try checkPassive("MPI_Win_flush_all")
        try flush(Array(unflushed))
        try waitForOutstanding()
    }

    /// `MPI_Win_flush_local`: the caller's buffers of accesses to `rank` may be reused.
    /// Puts and accumulates copy their data as they are made, so only gets are waited for.
    public func flushLocal(rank: Int) throws(MPIError) {
        try checkPassive("MPI_Win_flush_local")
        try checkTarget(rank)
        try communicator.engine.pollOnce()
        try waitForOutstanding { $0 == rank }
    }

    /// `MPI_Win_flush_local_all`.
    public func flushLocalAll() throws(MPIError) {
        try checkPassive("MPI_Win_flush_local_all")
        try communicator.engine.pollOnce()
        try waitForOutstanding()
    }

    /// `MPI_Win_sync`: the program's loads and stores and the accesses applied here are
    /// ordered by the locks that apply them; this is a full memory fence on top, and a
    /// step of progress (a program that waits for a flag in its window calls it in a loop).
    public func sync() throws(MPIError) {
        try checkUsable()
        try communicator.engine.pollOnce()
        atomicMemoryFence(ordering: .sequentiallyConsistent)
    }

    private func flush(_ targets: [Int]) throws(MPIError) {
        // Accesses applied at once (this node's members, mapped memory) are complete.
        guard !unflushed.isEmpty || !outstanding.isEmpty else { return try pollWhenIdle() }
        try ask(.flush, of: targets.filter { unflushed.contains($0) })
        try waitForOutstanding { targets.contains($0) }
    }

    /// A flush with nothing to wait for still drives progress, so that a program polling
    /// memory reached here in a loop of flushes serves the others' messages; one call in
    /// `Window.idlePollInterval` polls, since a poll costs several 8-byte puts.
    private func pollWhenIdle() throws(MPIError) {
        idleFlushes &+= 1
        guard idleFlushes % Window.idlePollInterval == 0 else { return }
        try communicator.engine.pollOnce()
    }

    private func checkPassive(_ call: String) throws(MPIError) {
        try checkUsable()
        switch accessEpoch {
        case .locked, .lockedAll: return
        default: throw MPIError(.rmaSync, "\(call) outside a passive-target epoch (MPI_Win_lock or MPI_Win_lock_all)")
        }
    }

    // MARK: Post, start, complete, wait

    /// `MPI_Win_post`: exposes the caller's memory to the members of `group`.
    public func post(_ group: Group, assertions: Assertions = []) throws(MPIError) {
        try checkUsable()
        guard case .none = exposureEpoch else { throw MPIError(.rmaSync, "MPI_Win_post inside an exposure epoch") }
        let origins = try ranks(of: group)
        for origin in origins {
            if let local = peers[origin].local {
                local.notePost(from: communicator.callerWorldRank)
            } else {
                try send(WindowMessage(kind: .post), to: origin)
            }
        }
        exposureEpoch = .posted(origins)
    }

    /// `MPI_Win_start`: begins accesses to the members of `group`, once each has posted
    /// (at once with `noCheck`: the program promises they have).
    public func start(_ group: Group, assertions: Assertions = []) throws(MPIError) {
        try checkUsable()
        guard accessEpoch.isOpenFence else { throw MPIError(.rmaSync, "MPI_Win_start inside \(accessEpoch)") }
        let targets = try ranks(of: group)
        if !assertions.contains(.noCheck) {
            let worlds = targets.map { peers[$0].worldRank }
            try communicator.engine.wait { endpoint.takePosts(from: worlds) }
        }
        accessEpoch = .started(targets)
    }

    /// `MPI_Win_complete`: the caller's accesses since `start` are complete at their
    /// targets (each learns it behind them) and here.
    public func complete() throws(MPIError) {
        try checkUsable()
        guard case let .started(targets) = accessEpoch else { throw MPIError(.rmaSync, "MPI_Win_complete without MPI_Win_start") }
        for target in targets {
            if let local = peers[target].local {
                local.noteComplete(from: communicator.callerWorldRank)
            } else {
                try send(WindowMessage(kind: .complete), to: target)
            }
            unflushed.remove(target)
        }
        try waitForOutstanding()
        accessEpoch = .none
    }

    /// `MPI_Win_wait`: returns once every origin of `post` has completed.
    public func wait() throws(MPIError) {
        try checkUsable()
        guard case let .posted(origins) = exposureEpoch else { throw MPIError(.rmaSync, "MPI_Win_wait without MPI_Win_post") }
        let worlds = origins.map { peers[$0].worldRank }
        try communicator.engine.wait { endpoint.takeCompletes(from: worlds) }
        exposureEpoch = .none
    }

    /// `MPI_Win_test`: `wait` if every origin has completed, else false at once.
    public func test() throws(MPIError) -> Bool {
        try checkUsable()
        guard case let .posted(origins) = exposureEpoch else { throw MPIError(.rmaSync, "MPI_Win_test without MPI_Win_post") }
        try communicator.engine.pollOnce()
        guard endpoint.takeCompletes(from: origins.map { peers[$0].worldRank }) else { return false }
        exposureEpoch = .none
        return true
    }

    /// The communicator ranks of `group`'s members, which must all be members.
    private func ranks(of group: Group) throws(MPIError) -> [Int] {
        var ranks: [Int] = []
        for world in group.worldRanks {
            guard let rank = peers.firstIndex(where: { $0.worldRank == world }) else {
                throw MPIError(.group, "world rank \(world) of the group is not a member of the window")
            }
            ranks.append(rank)
        }
        return ranks
    }

    // MARK: Shared by the operations

    func checkTarget(_ rank: Int) throws(MPIError) {
        guard rank == MPI.procNull || peers.indices.contains(rank) else {
            throw MPIError(.rank, "rank \(rank) is not in a window of \(peers.count) members")
        }
    }

    /// Sends `message` to member `target`, on another node, behind the held access.
    func send(_ message: WindowMessage, data: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0), to target: Int) throws(MPIError) {
        try sendHeldAccess()
        try transmit(message, data: data, to: target)
    }

    /// Keeps a put or accumulate back, encoded behind those held for the same target;
    /// what is held for another target, or would not fit one frame with it, goes first.
    func hold(_ message: WindowMessage, data: UnsafeRawBufferPointer, to target: Int) throws(MPIError) {
        if let held = heldAccess,
           held.target != target || held.bytes.count + message.encodedLength(data: data.count) > communicator.engine.windowMessageLimit(to: peers[target].worldRank) {
            try sendHeldAccess()
        }
        if heldAccess == nil { heldAccess = HeldAccess(target: target) }
        heldAccess!.append(message, data: data)
    }

    /// Sends the held accesses, if any, in one frame; the last with a flush's `cookie`,
    /// which the target answers once it has applied them.
    func sendHeldAccess(cookie: UInt64 = 0) throws(MPIError) {
        guard var held = heldAccess else { return }
        heldAccess = nil
        if cookie != 0 { held.setCookie(cookie) }
        try transmit(held.bytes, to: held.target)
    }

    private func transmit(_ message: WindowMessage, data: UnsafeRawBufferPointer, to target: Int) throws(MPIError) {
        guard data.count >= WindowMessage.dataSentApart else { return try transmit(message.encoded(data: data), to: target) }
        try communicator.engine.sendWindowMessage(message.encoded(reservingData: 0), body: data, context: communicator.context,
                                                  from: communicator.callerWorldRank, to: peers[target].worldRank)
    }

    private func transmit(_ bytes: [UInt8], to target: Int) throws(MPIError) {
        try communicator.engine.sendWindowMessage(bytes, context: communicator.context, from: communicator.callerWorldRank, to: peers[target].worldRank)
    }

    /// Waits for the replies of the caller's gets (to the targets `isWaited` picks, or all),
    /// and reports the first that failed.
    func waitForOutstanding(where isWaited: (Int) -> Bool = { _ in true }) throws(MPIError) {
        guard !outstanding.isEmpty else { return }
        let waited = outstanding.filter { isWaited($0.target) }
        guard !waited.isEmpty else { return }
        try communicator.engine.wait { waited.allSatisfy(\.isDone) }
        outstanding.removeAll { $0.isDone }
        if let failure = waited.lazy.compactMap(\.failure).first { throw failure }
    }
}
