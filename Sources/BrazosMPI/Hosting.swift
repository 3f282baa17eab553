import BrazosCore
import Synchronization

/// `Brazos.run` where threads move: every rank gets a thread of its own, started at the
/// beginning for the ranks placed here and on arrival for those that move here. The
/// calling thread drives progress meanwhile (a node may host no thread for a while) and
/// returns once every rank of the job has finished, wherever it ran.
final class Hosting: RankHost, @unchecked Sendable {
    private unowned let job: Brazos
    private let body: (BrazosThread) throws -> Void
    private let live = Mutex(0)

    init(job: Brazos, body: @escaping (BrazosThread) throws -> Void) {
        self.job = job
        self.body = body
    }

    /// Threads running on this node now.
    var liveThreads: Int { live.withLock { $0 } }

    func start(_ thread: BrazosThread) {
        live.withLock { $0 += 1 }
        NativeThread.spawnDetached { [self] in
            job.runReportingFailure(thread, body)
            live.withLock { $0 -= 1 }
            job.node.progress.notify()
        }
    }

    func arrived(_ record: MoveRecord) {
        start(BrazosThread(job: job, rank: record.rank, localIndex: -1, nextContext: record.nextContext, core: nil,
                           arrival: .init(fromNode: record.fromNode, state: record.state, carried: record.carried)))
    }

    func rankFinished() { job.node.progress.notify() }
}
