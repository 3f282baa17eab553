extension Communicator {
    /// `MPI_Comm_idup` (`info` nil) and `MPI_Comm_idup_with_info`: starts a duplicate
    /// and returns at once; `done` gets the new communicator when the request completes
    /// (in a wait or test of it). Until then the caller may go on with point-to-point
    /// traffic its peers need before they start theirs.
    public func idup(info: Info? = nil, done: @escaping (Communicator) -> Void) throws(MPIError) -> Request {
        let driver = NonblockingDuplicate(parent: self, info: (info ?? extras.info).duplicate(), done: done)
        let request = Request(engine: engine, translation: translation, driver: driver)
        request.communicator = self
        try driver.start()
        return request
    }
}

/// Moves an `MPI_Comm_idup` on: the group's rank 0 (of an intercommunicator, each
/// group's) gathers every member's proposed context; for an intercommunicator the two
/// leaders swap theirs; the leader sends back the largest, and each rank makes the
/// duplicate once it has that answer. The proposal is taken from the rank's allocator
/// when the operation starts (two ids for an intercommunicator), so communicators the
/// rank makes meanwhile cannot take it.
///
/// Unchecked: only the thread that waits for or tests the request (the program's
/// thread, one at a time as for every request) runs `start` and `advance`.
final class NonblockingDuplicate: RequestDriver, @unchecked Sendable {
    private enum State {
        /// Leader: receiving the other members' proposals.
        case gathering([Request])
        /// Leader of an intercommunicator's group: swapping proposals with the other leader.
        case exchanging(send: Request, receive: Request)
        /// Leader: sending the answer to the others.
        case answering([Request], context: UInt32)
        /// Other members: their proposal on its way, the answer to come.
        case awaitingAnswer(send: Request, answer: Request)
        case finished
    }

    private let parent: Communicator
    /// Where the proposals gather: the parent, or an intercommunicator's local side.
    private let members: Communicator
    private let local: LocalSide?
    private let info: Info
    private let done: (Communicator) -> Void
    private var state = State.finished
    /// Slot 0: this rank's proposal; at the leader, one per other member, then the
    /// answer, then the other leader's proposal. At other members slot 1 is the answer.
    private let values: UnsafeMutableBufferPointer<Int>

    init(parent: Communicator, info: Info, done: @escaping (Communicator) -> Void) {
        self.parent = parent
        local = parent.extras.local
        members = local?.communicator ?? parent
        self.info = info
        self.done = done
        values = .allocate(capacity: members.size + 2)
        values.initialize(repeating: 0)
    }

    deinit { values.deallocate() }

    private var tag: Int { Int(GroupExchange.nonblockingDuplicate) }
    private var answerSlot: Int { members.size }
    private var remoteSlot: Int { members.size + 1 }

    func start() throws(MPIError) {
        let proposal = parent.contexts.next
        parent.contexts.advance(past: local == nil ? proposal : proposal + 2)
        values[0] = Int(proposal)
        if members.rank == 0 {
            var receives: [Request] = []
            for source in 1..<max(members.size, 1) {
                let request = subrequest(of: members)
                try members.startReceive(request, into: slot(source), from: source, tag: tag, context: members.collectiveContext)
                receives.append(request)
            }
            state = .gathering(receives)
        } else {
            let send = subrequest(of: members), answer = subrequest(of: members)
            try members.startReceive(answer, into: slot(1), from: 0, tag: tag, context: members.collectiveContext)
            try members.startSend(send, bytes: UnsafeRawBufferPointer(slot(0)), to: 0, tag: tag, context: members.collectiveContext)
            state = .awaitingAnswer(send: send, answer: answer)
        }
    }

    func advance(_ request: Request) {
        do throws(MPIError) {
            switch state {
            case let .gathering(receives):
                guard receives.allSatisfy(\.isComplete) else { return }
                for receive in receives { try receive.wait() }
                values[0] = values[0..<members.size].max()!
                if local != nil {
                    // The other group's leader is rank 0 of the intercommunicator.
                    let send = subrequest(of: parent), receive = subrequest(of: parent)
                    try parent.startReceive(receive, into: slot(remoteSlot), from: 0, tag: tag, context: parent.collectiveContext)
                    try parent.startSend(send, bytes: UnsafeRawBufferPointer(slot(0)), to: 0, tag: tag, context: parent.collectiveContext)
                    state = .exchanging(send: send, receive: receive)
                } else {
                    try answer(UInt32(values[0]))
                }
                advance(request)
            case let .exchanging(send, receive):
                guard send.isComplete, receive.isComplete else { return }
                try send.wait()
                try receive.wait()
                try answer(UInt32(max(values[0], values[remoteSlot])))
                advance(request)
            case let .answering(sends, context):
                guard sends.allSatisfy(\.isComplete) else { return }
                for send in sends { try send.wait() }
                try finish(request, context: context)
            case let .awaitingAnswer(send, answer):
                guard send.isComplete, answer.isComplete else { return }
                try send.wait()
                try answer.wait()
                try finish(request, context: UInt32(values[1]))
            case .finished:
                return
            }
        } catch {
            state = .finished
            request.complete(.empty, failure: error)
        }
    }

    /// Leader: sends the agreed context to the other members.
    private func answer(_ context: UInt32) throws(MPIError) {
        values[answerSlot] = Int(context)
        var sends: [Request] = []
        for destination in 1..<members.size {
            let send = subrequest(of: members)
            try members.startSend(send, bytes: UnsafeRawBufferPointer(slot(answerSlot)), to: destination, tag: tag, context: members.collectiveContext)
            sends.append(send)
        }
        state = .answering(sends, context: context)
    }

    private func finish(_ request: Request, context: UInt32) throws(MPIError) {
        state = .finished
        let copy: Communicator
        if let local {
            parent.contexts.advance(past: context + 2)
            copy = Communicator.intercommunicator(engine: parent.engine, context: context, local: local.group, remote: parent.worldRanks,
                                                  me: parent.callerWorldRank, contexts: parent.contexts)
        } else {
            parent.contexts.advance(past: context)
            copy = Communicator(engine: parent.engine, context: context, translation: parent.translation, rank: parent.rank,
                                size: parent.size, contexts: parent.contexts, callerWorldRank: parent.callerWorldRank)
        }
        try parent.finishDuplicate(copy, info: info)
        done(copy)
        request.complete(.empty)
    }

    /// Slot `index` of `values` as the bytes of one Int.
    private func slot(_ index: Int) -> UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(start: values.baseAddress! + index, count: MemoryLayout<Int>.size)
    }

    private func subrequest(of communicator: Communicator) -> Request { Request(engine: parent.engine, translation: communicator.translation) }
}
