extension Communicator {
    /// `MPI_Comm_idup` (`info` nil) and `MPI_Comm_idup_with_info`: starts a duplicate
    /// and returns at once; `done` gets the new communicator when the request completes
    /// (in a wait or test of it). Until then the caller may go on with point-to-point
    /// traffic its peers need before they start theirs. On an intercommunicator the
    /// duplicate is made at once (blocking), and the request is complete from the start.
    public func idup(info: Info? = nil, done: @escaping (Communicator) -> Void) throws(MPIError) -> Request {
        let hints = info ?? extras.info
        if isIntercommunicator {
            let copy = try dup(info: hints)
            let request = Request(engine: engine, translation: translation)
            request.communicator = self
            request.begin()
            request.complete(.empty)
            done(copy)
            return request
        }
        let driver = NonblockingDuplicate(parent: self, info: hints.duplicate(), done: done)
        let request = Request(engine: engine, translation: translation, driver: driver)
        request.communicator = self
        try driver.start()
        return request
    }
}

/// Moves an `MPI_Comm_idup` on: rank 0 gathers every rank's proposed context and sends
/// back the largest; each rank makes the duplicate once it has that answer. The proposal
/// is taken from the rank's allocator when the operation starts, so communicators the
/// rank makes meanwhile cannot take it.
///
/// Unchecked: only the thread that waits for or tests the request (the program's
/// thread, one at a time as for every request) runs `start` and `advance`.
final class NonblockingDuplicate: RequestDriver, @unchecked Sendable {
    private enum State {
        /// Rank 0: receiving the other ranks' proposals.
        case gathering([Request])
        /// Rank 0: sending the answer to the others.
        case answering([Request], context: UInt32)
        /// Other ranks: their proposal on its way, the answer to come.
        case awaitingAnswer(send: Request, answer: Request)
        case finished
    }

    private let parent: Communicator
    private let info: Info
    private let done: (Communicator) -> Void
    private var state = State.finished
    /// Slot 0: this rank's proposal; then, at rank 0, one per other rank, then the answer.
    private let values: UnsafeMutableBufferPointer<Int>

    init(parent: Communicator, info: Info, done: @escaping (Communicator) -> Void) {
        self.parent = parent
        self.info = info
        self.done = done
        values = .allocate(capacity: parent.size + 1)
        values.initialize(repeating: 0)
    }

    deinit { values.deallocate() }

    private var tag: Int { Int(GroupExchange.nonblockingDuplicate) }

    func start() throws(MPIError) {
        let proposal = parent.contexts.next
        parent.contexts.advance(past: proposal)
        values[0] = Int(proposal)
        if parent.rank == 0 {
            var receives: [Request] = []
            for source in 1..<max(parent.size, 1) {
                let request = subrequest()
                try parent.startReceive(request, into: UnsafeMutableRawBufferPointer(start: values.baseAddress! + source, count: MemoryLayout<Int>.size),
                                        from: source, tag: tag, context: parent.collectiveContext)
                receives.append(request)
            }
            state = .gathering(receives)
        } else {
            let send = subrequest(), answer = subrequest()
            try parent.startReceive(answer, into: UnsafeMutableRawBufferPointer(start: values.baseAddress! + 1, count: MemoryLayout<Int>.size),
                                    from: 0, tag: tag, context: parent.collectiveContext)
            try parent.startSend(send, bytes: UnsafeRawBufferPointer(start: values.baseAddress!, count: MemoryLayout<Int>.size),
                                 to: 0, tag: tag, context: parent.collectiveContext)
            state = .awaitingAnswer(send: send, answer: answer)
        }
    }

    func advance(_ request: Request) {
        do throws(MPIError) {
            switch state {
            case let .gathering(receives):
                guard receives.allSatisfy(\.isComplete) else { return }
                for receive in receives { try receive.wait() }
                let context = UInt32(values[0..<parent.size].max()!)
                let answerSlot = parent.size
                values[answerSlot] = Int(context)
                var sends: [Request] = []
                for destination in 1..<parent.size {
                    let send = subrequest()
                    try parent.startSend(send, bytes: UnsafeRawBufferPointer(start: values.baseAddress! + answerSlot, count: MemoryLayout<Int>.size),
                                         to: destination, tag: tag, context: parent.collectiveContext)
                    sends.append(send)
                }
                state = .answering(sends, context: context)
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

    private func finish(_ request: Request, context: UInt32) throws(MPIError) {
        state = .finished
        parent.contexts.advance(past: context)
        let copy = Communicator(engine: parent.engine, context: context, translation: parent.translation, rank: parent.rank,
                                size: parent.size, contexts: parent.contexts, callerWorldRank: parent.callerWorldRank)
        try parent.finishDuplicate(copy, info: info)
        done(copy)
        request.complete(.empty)
    }

    private func subrequest() -> Request { Request(engine: parent.engine, translation: parent.translation) }
}
