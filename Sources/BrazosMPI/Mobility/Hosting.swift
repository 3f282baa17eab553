import BrazosCore
import Synchronization

/// `Brazos.run` where threads move: every rank gets a thread of its own, started at the
/// beginning for the ranks placed here and on arrival for those that move here. The
/// calling thread drives progress meanwhile (a node may host no thread for a while),
/// runs an arriving rank itself when it has nothing else to do (no thread to start: a
/// move costs less), and returns once every rank of the job has finished, wherever it ran.
final class Hosting: RankHost, Sendable {
    private unowned let job: Brazos
    private let body: @Sendable (BrazosThread) throws -> Void
    private struct State {
        /// Ranks running here, or handed to the calling thread and about to.
        var live = 0
        /// Whether the calling thread waits for work (it takes arrivals then).
        var callerIdle = false
        var handedToCaller: BrazosThread?
    }
    private let state = Guarded(State())

    init(job: Brazos, body: @escaping @Sendable (BrazosThread) throws -> Void) {
        self.job = job
        self.body = body
    }

    func start(_ thread: BrazosThread) {
        state.withLock { $0.live += 1 }
        NativeThread.spawn { [self] in
            job.runReportingFailure(thread, body)
            ended()
        }
    }

    func arrived(_ record: MoveRecord) {
        job.node.noteArrival(rank: record.rank, from: record.fromNode)
        let thread = BrazosThread(job: job, rank: record.rank, localIndex: -1, nextContext: record.nextContext, core: nil,
                                  arrival: .init(fromNode: record.fromNode, state: record.state, carried: record.carried))
        let handed = state.withLock { state -> Bool in
            guard state.callerIdle && state.handedToCaller == nil else { return false }
            state.live += 1
            state.handedToCaller = thread
            return true
        }
        if handed { job.node.progress.notify() } else { start(thread) }
    }

    func rankFinished() { job.node.progress.notify() }

    private func ended() {
        state.withLock { $0.live -= 1 }
        job.node.progress.notify()
    }

    /// On the calling thread: drives progress and runs the ranks handed to it until
    /// every rank of the job has finished and none runs here, or this node was drained
    /// and its threads have gone.
    func serve() throws {
        while true {
            state.withLock { $0.callerIdle = true }
            try job.engine.wait {
                let (handed, live) = state.withLock { ($0.handedToCaller != nil, $0.live) }
                return handed || (live == 0 && (job.engine.finishedRanks == job.worldSize || job.engine.isRetiring(job.node.id)))
            }
            let thread = state.withLock { state -> BrazosThread? in
                state.callerIdle = false
                defer { state.handedToCaller = nil }
                return state.handedToCaller
            }
            guard let thread else { return }
            job.runReportingFailure(thread, body)
            ended()
        }
    }
}
