import BrazosCore
import CBrazos
#if canImport(Glibc)
import Glibc
#endif

/// The job as seen from one node: join it, run this node's threads (each a rank of the
/// world), and leave it together with the other nodes.
///
/// ```swift
/// let job = try Brazos.join()
/// try job.run { thread in
///     let world = thread.world
///     try world.send([thread.rank], to: (thread.rank + 1) % world.size, tag: 0)
/// }
/// ```
public final class Brazos: @unchecked Sendable {
    public let node: Node
    let engine: MessageEngine

    private init(node: Node, engine: MessageEngine) {
        self.node = node
        self.engine = engine
    }

    /// Joins the job this process was started in: by `brazosrun`, by `mpirun` or `srun`
    /// (through PMIx), or alone (a job of one node).
    public static func join() throws -> Brazos {
        let node = try Node.start()
        let engine = MessageEngine(node: node)
        node.progress.attach(sink: engine)
        node.progress.reportFrameError = { error in diagnose("brazos: node \(node.id): dropped a frame: \(error)") }
        return Brazos(node: node, engine: engine)
    }

    /// Number of ranks in the job.
    public var worldSize: Int { node.config.rankCount }

    /// The world communicator as seen by `rank`, which must be hosted here.
    public func world(rank: Int) -> Communicator {
        Communicator(engine: engine, context: 0, translation: nil, rank: rank, size: worldSize)
    }

    /// Runs `body` once for every rank this node hosts, each on its own thread (the
    /// calling thread when there is one), then leaves the job with the other nodes.
    /// A rank whose body throws ends the node with a message naming the rank and error.
    public func run(_ body: @escaping (BrazosThread) throws -> Void) throws {
        let ranks = node.localRanks
        let threads = ranks.enumerated().map { index, rank in
            BrazosThread(rank: rank, localIndex: index, world: world(rank: rank), core: node.core(forThread: index))
        }
        if threads.count == 1 {
            runReportingFailure(threads[0], body)
        } else {
            let handles = threads.map { thread in NativeThread.spawn { [self] in runReportingFailure(thread, body) } }
            for handle in handles { NativeThread.join(handle) }
        }
        try node.finish()
    }

    private func runReportingFailure(_ thread: BrazosThread, _ body: (BrazosThread) throws -> Void) {
        thread.bind()
        do {
            try body(thread)
        } catch {
            fflush(nil)
            diagnose("brazos: rank \(thread.rank) failed: \(error)")
            _exit(1)
        }
    }

    /// Seconds since an arbitrary moment, on a clock that never goes back (`MPI_Wtime`).
    public static func wtime() -> Double { monotonicSeconds() }
}

/// A compute thread of the job: one rank, hosted on this node.
public final class BrazosThread: @unchecked Sendable {
    public let rank: Int
    /// Index among the threads of this node.
    public let localIndex: Int
    public let world: Communicator
    let core: Int?

    init(rank: Int, localIndex: Int, world: Communicator, core: Int?) {
        self.rank = rank
        self.localIndex = localIndex
        self.world = world
        self.core = core
    }

    func bind() {
        guard let core else { return }
        if brazos_bind_to_core(Int32(core), 1) != 0 { diagnose("brazos: rank \(rank): cannot bind to core \(core)") }
    }
}
