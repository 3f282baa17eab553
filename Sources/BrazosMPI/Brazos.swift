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

    /// The world communicator as seen by `rank`, which must be hosted here. Call it once
    /// per rank: communicators made from it share its context allocator.
    public func world(rank: Int) -> Communicator {
        Communicator(engine: engine, context: ContextAllocator.world, translation: nil, rank: rank, size: worldSize, contexts: ContextAllocator())
    }

    /// `MPI_COMM_SELF` for the rank whose world communicator is `world`.
    public func selfCommunicator(of world: Communicator) -> Communicator {
        Communicator(engine: engine, context: ContextAllocator.selfContext, translation: RankTranslation(worldRanks: [world.rank]),
                     rank: 0, size: 1, contexts: world.contexts)
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

    /// For programs that are their node's one rank (C programs, `MPI_Init`): the calling
    /// thread becomes that rank, bound like `run`'s threads. Call `leave` at the end.
    public func adoptCallingThread() throws -> BrazosThread {
        let ranks = node.localRanks
        guard ranks.count == 1 else {
            throw MPIError(.other, "this node hosts \(ranks.count) ranks; a program that calls MPI_Init hosts one (run it with one thread per node)")
        }
        let thread = BrazosThread(rank: ranks[0], localIndex: 0, world: world(rank: ranks[0]), core: node.core(forThread: 0))
        thread.bind()
        return thread
    }

    /// Leaves the job together with the other nodes (`MPI_Finalize`).
    public func leave() throws { try node.finish() }

    /// Ends this node at once with `code` (`MPI_Abort`); the launcher then stops the job.
    public static func abort(code: Int32, reason: String) -> Never {
        fflush(nil)
        diagnose("brazos: \(reason)")
        _exit(code == 0 ? 1 : code)
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
