/// A collective operation as a schedule: steps run in order, each either a set of
/// transfers (non-blocking sends and receives on the communicator's collective context,
/// all posted at once, the step done when all have completed) or a local action
/// (packing, combining, unpacking). The request it drives moves it on each time the
/// program tests or waits for it: no helper thread, as a C program runs on one.
///
/// Every transfer of one schedule carries the schedule's own tag, taken from the
/// communicator's collective sequence when the operation was made (`CollectiveSequence`),
/// so that outstanding collectives on one communicator, and the blocking collectives
/// (whose tags lie below), never match each other's messages; within a schedule,
/// messages between two ranks match in the order they were posted.
///
/// Every collective here is one step of transfers, then local steps: a schedule moves
/// on only when its own request is tested or waited for, and with every send posted at
/// the start, other ranks never wait on this rank's next step while it blocks in some
/// other call (MPI's progress rule). The steps model allows more (trees, rings) where
/// that rule is met some other way.
///
/// A persistent collective keeps its schedule and runs it again at each start; the
/// buffers it owns (packed copies, incoming contributions) live as long as it does.
final class CollectiveSchedule: RequestDriver {
    enum Step {
        case transfers([Transfer])
        case local(() throws(MPIError) -> Void)
    }

    /// One send or receive of packed bytes with a communicator rank (or `MPI_PROC_NULL`).
    struct Transfer {
        enum Direction {
            case send(UnsafeRawBufferPointer)
            case receive(UnsafeMutableRawBufferPointer)
        }
        let direction: Direction
        let peer: Int
    }

    /// `running`: the index of the next step, and the transfers of the step before it
    /// still to complete.
    private enum State {
        case idle
        case running(next: Int, pending: [Request])
    }

    private let communicator: Communicator
    let tag: Int
    let steps: [Step]
    private let owned: [PackedBuffer]
    private var state = State.idle

    init(communicator: Communicator, tag: Int, steps: [Step], owned: [PackedBuffer]) {
        self.communicator = communicator
        self.tag = tag
        self.steps = steps
        self.owned = owned
    }

    deinit {
        for buffer in owned { buffer.release() }
    }

    /// A request running this schedule once, started now (the immediate forms).
    func startedRequest() -> Request {
        let request = Request(engine: communicator.engine, translation: communicator.translation, driver: self)
        request.communicator = communicator
        request.begin()
        start(request)
        return request
    }

    /// An inactive persistent request that runs this schedule at each start.
    func persistentRequest() -> Request {
        let request = Request(engine: communicator.engine, translation: communicator.translation,
                              persistent: .driven(start: { [self] (request) throws(MPIError) in start(request) }), driver: self)
        request.communicator = communicator
        return request
    }

    private func start(_ request: Request) {
        state = .running(next: 0, pending: [])
        advance(request)
    }

    /// Runs steps until one waits on transfers not yet complete, or the schedule ends
    /// (the request completes, with the first failure if a step failed).
    func advance(_ request: Request) {
        guard case .running(var next, var pending) = state else { return }
        do throws(MPIError) {
            while true {
                if pending.contains(where: { !$0.isComplete }) {
                    state = .running(next: next, pending: pending)
                    return
                }
                for transfer in pending { _ = try transfer.finish() }
                pending = []
                guard next < steps.count else { break }
                switch steps[next] {
                case let .local(action): try action()
                case let .transfers(transfers): pending = try post(transfers)
                }
                next += 1
            }
            state = .idle
            request.complete(.empty)
        } catch {
            // Transfers still posted are left to complete unobserved.
            state = .idle
            request.complete(.empty, failure: error)
        }
    }

    /// Receives first, so that a peer's send finds its receive already posted.
    private func post(_ transfers: [Transfer]) throws(MPIError) -> [Request] {
        var started: [Request] = []
        started.reserveCapacity(transfers.count)
        for transfer in transfers {
            guard case let .receive(buffer) = transfer.direction else { continue }
            let request = Request(engine: communicator.engine, translation: communicator.translation)
            try communicator.startReceive(request, into: buffer, from: transfer.peer, tag: tag, context: communicator.collectiveContext)
            started.append(request)
        }
        for transfer in transfers {
            guard case let .send(bytes) = transfer.direction else { continue }
            let request = Request(engine: communicator.engine, translation: communicator.translation)
            try communicator.startSend(request, bytes: bytes, to: transfer.peer, tag: tag, context: communicator.collectiveContext)
            started.append(request)
        }
        return started
    }
}
