import BrazosCore
import CBrazos
import Synchronization
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
public final class Brazos: Sendable {
    /// This process's node: its configuration, links and progress engine.
    public let node: Node
    let engine: MessageEngine
    private let participant = Guarded<MigrationParticipant?>(nil)
    /// The rank of a program that adopted its calling thread (`MPI_Init`).
    private let adopted = Guarded<Int?>(nil)

    /// How freely a rank's threads may call (`MPI_Query_thread`): what `join` was asked
    /// for, but at most `.serialized` where threads move (a rank's messages are numbered
    /// by one thread at a time).
    public let threadLevel: ThreadLevel

    private init(node: Node, engine: MessageEngine, threadLevel: ThreadLevel) {
        self.node = node
        self.engine = engine
        self.threadLevel = threadLevel
    }

    /// Joins the job this process was started in: by `brazosrun`, by `mpirun` or `srun`
    /// (through PMIx), or alone (a job of one node). Each rank runs on its own thread
    /// (`run`), so `.serialized` is the default; `.multiple` lets several threads of a
    /// rank call at once, which makes the engine lock even where a node hosts one rank.
    public static func join(threadLevel: ThreadLevel = .serialized) throws -> Brazos {
        let node = try Node.start(threadsCallConcurrently: threadLevel == .multiple)
        let engine = MessageEngine(node: node)
        node.progress.attach(sink: engine)
        node.progress.reportFrameError = { error in diagnose("brazos: node \(node.id): dropped a frame: \(error)") }
        node.reportsStatus { ["threads": engine.hostedRanks.count, "arrivals": engine.arrivals] }
        let provided = node.config.migratable ? min(threadLevel, .serialized) : threadLevel
        return Brazos(node: node, engine: engine, threadLevel: provided)
    }

    /// Number of ranks in the job.
    public var worldSize: Int { node.config.rankCount }

    /// The world communicator as seen by `rank`, which must be hosted here. Call it once
    /// per rank: communicators made from it share its context allocator.
    public func world(rank: Int) -> Communicator {
        world(rank: rank, contexts: ContextAllocator())
    }

    func world(rank: Int, contexts: ContextAllocator) -> Communicator {
        Communicator(engine: engine, context: ContextAllocator.world, translation: nil, rank: rank, size: worldSize, contexts: contexts)
    }

    /// `MPI_COMM_SELF` for the rank whose world communicator is `world`.
    public func selfCommunicator(of world: Communicator) -> Communicator {
        Communicator(engine: engine, context: ContextAllocator.selfContext, translation: RankTranslation(worldRanks: [world.rank]),
                     rank: 0, size: 1, contexts: world.contexts)
    }

    /// Whether this job's threads may move between nodes (`brazosrun --migratable`).
    public var threadsMove: Bool { engine.mobile != nil }

    /// The ranks whose threads run on this node now.
    public var hostedRanks: [Int] { engine.hostedRanks }

    /// The nodes threads may move to: those in the job (nodes that joined too), less those
    /// drained or being drained.
    public var remainingNodes: [Int] { threadsMove ? engine.remainingNodes : Array(0..<node.nodeCount) }

    /// Node `node` has joined the job (every node says so at the same barrier): threads
    /// may move there. Tells it where every rank is, before any thread of this node moves.
    public func admit(node: Int) throws { try engine.admit(node: node) }

    /// Node `node` is being drained (every node says so at the same barrier): no thread
    /// moves there, and if it is this node, it leaves the job once its threads have gone.
    public func retire(node: Int) { engine.retire(node: node) }

    /// What moves with a thread besides its messages (shared memory's part); set by the
    /// layer above when it attaches.
    public var migrationParticipant: MigrationParticipant? {
        get { participant.withLock { $0 } }
        set { participant.withLock { $0 = newValue } }
    }

    /// Runs `body` once for every rank this node hosts, each on its own thread (the
    /// calling thread when there is one), then leaves the job with the other nodes.
    /// A rank whose body throws ends the node with a message naming the rank and error.
    /// Where threads move, the body also runs for every rank that arrives, and `run`
    /// returns once every rank of the job has finished.
    public func run(_ body: @escaping @Sendable (BrazosThread) throws -> Void) throws {
        let ranks = node.localRanks
        let threads = ranks.enumerated().map { index, rank in
            BrazosThread(job: self, rank: rank, localIndex: index, nextContext: nil, core: node.core(forThread: index), arrival: nil)
        }
        if threadsMove {
            let hosting = Hosting(job: self, body: body)
            engine.host(with: hosting)
            for thread in threads { hosting.start(thread) }
            try hosting.serve()
            if engine.isRetiring(node.id) {
                // Drained: the job goes on without this node.
                try engine.leave(toward: engine.remainingNodes)
                return try node.leaveDrained()
            }
        } else if threads.count == 1 {
            runReportingFailure(threads[0], body)
        } else {
            let handles = threads.map { thread in NativeThread.spawnJoinable { [self] in runReportingFailure(thread, body) } }
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
        let thread = BrazosThread(job: self, rank: ranks[0], localIndex: 0, nextContext: nil, core: node.core(forThread: 0), arrival: nil)
        thread.bind()
        adopted.withLock { $0 = thread.rank }
        return thread
    }

    /// Leaves the job together with the other nodes (`MPI_Finalize`).
    public func leave() throws {
        if threadsMove, let adopted = adopted.withLock({ $0 }) {
            try engine.announceFinished(rank: adopted)
            try engine.wait { engine.finishedRanks == worldSize }
        }
        try node.finish()
    }

    /// Ends this node at once with `code` (`MPI_Abort`); the launcher then stops the job.
    /// The exit status is the code's low byte, or 1 where that is 0 (codes such as 256, or
    /// the program's error classes from 0x4000 on), so an abort never looks like success.
    public static func abort(code: Int32, reason: String) -> Never {
        fflush(nil)
        diagnose("brazos: \(reason)")
        _exit(code & 0xff == 0 ? 1 : code)
    }

    /// Moves `thread` to `node` with `state` (see `BrazosThread.migrate` in Migration):
    /// throws `ThreadMoved` once it is on its way, or another error if it cannot go (then
    /// it stays here, as it was).
    public func move(_ thread: BrazosThread, to node: Int, state: [UInt8]) throws -> Never {
        guard threadsMove else { throw MPIError(.other, "threads of this job do not move: start it with brazosrun --migratable") }
        guard !thread.hasMoved else { throw MPIError(.other, "rank \(thread.rank) has moved off node \(self.node.id) already") }
        let participant = migrationParticipant
        let carried = try participant?.departing(thread, to: node) ?? []
        try engine.depart(rank: thread.rank, to: node, nextContext: thread.world.contexts.next, carried: carried, state: state)
        thread.hasMoved = true
        participant?.departed(thread)
        throw ThreadMoved(rank: thread.rank, node: node)
    }

    func runReportingFailure(_ thread: BrazosThread, _ body: (BrazosThread) throws -> Void) {
        thread.bind()
        do {
            if let arrival = thread.arrival { try migrationParticipant?.arriving(thread, carried: arrival.carried) }
            try body(thread)
            if threadsMove && !thread.hasMoved { try engine.announceFinished(rank: thread.rank) }
        } catch is ThreadMoved where thread.hasMoved {
            return
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
public final class BrazosThread: Sendable {
    /// The thread's world rank; it keeps it when it moves.
    public let rank: Int
    /// Index among the threads this node started with (-1 for one that arrived).
    public let localIndex: Int
    /// `MPI_COMM_WORLD` as this rank sees it.
    public let world: Communicator
    /// Every rank, like `world`, for the runtime's own collectives (shared memory's
    /// barriers, checkpoints): their messages never mix with the program's.
    public let runtime: Communicator
    /// The job on the node hosting the thread.
    public unowned let job: Brazos
    /// Set for a thread that moved here: where from, and what it brought.
    public let arrival: Arrival?
    /// Set once the thread is on its way to another node; it ends here.
    public internal(set) var hasMoved: Bool {
        get { moved.load(ordering: .relaxed) }
        set { moved.store(newValue, ordering: .relaxed) }
    }
    private let moved = Atomic<Bool>(false)
    let core: Int?

    /// What a thread that moved here brought with it.
    public struct Arrival: Sendable {
        /// The node it left.
        public let fromNode: Int
        /// The state it saved when it left (`migrate(to:saving:)`).
        public let state: [UInt8]
        /// What the layers above took along (see `MigrationParticipant`).
        public let carried: [UInt8]
    }

    init(job: Brazos, rank: Int, localIndex: Int, nextContext: UInt32?, core: Int?, arrival: Arrival?) {
        self.job = job
        self.rank = rank
        self.localIndex = localIndex
        let contexts = ContextAllocator(next: nextContext)
        self.world = job.world(rank: rank, contexts: contexts)
        self.runtime = Communicator(engine: job.engine, context: ContextAllocator.runtime, translation: nil, rank: rank, size: job.worldSize, contexts: contexts)
        self.core = core
        self.arrival = arrival
    }

    func bind() {
        guard let core else { return }
        if brazos_bind_to_core(Int32(core), 1) != 0 { diagnose("brazos: rank \(rank): cannot bind to core \(core)") }
    }
}

/// Thrown out of `Brazos.move` on the node a thread leaves: its body ends there (and
/// continues on the destination). Let it through; `run` takes it.
public struct ThreadMoved: Error, CustomStringConvertible {
    /// The world rank that moved.
    public let rank: Int
    /// The node it moved to.
    public let node: Int
    /// "rank R moved to node N".
    public var description: String { "rank \(rank) moved to node \(node)" }
}

/// What a layer above the messages takes along when a thread moves (shared memory: its
/// writes released, the files it had open). Calls come on the moving thread.
public protocol MigrationParticipant: AnyObject, Sendable {
    /// Before the move, on the old node: may refuse it (by throwing; nothing has changed
    /// yet), else returns what the thread takes along.
    func departing(_ thread: BrazosThread, to node: Int) throws -> [UInt8]
    /// The move is done: let go of what the thread held here.
    func departed(_ thread: BrazosThread)
    /// On the new node, before the thread's body runs again.
    func arriving(_ thread: BrazosThread, carried: [UInt8]) throws
}
