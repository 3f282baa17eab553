import BrazosCore
import BrazosMPI
import CBrazos
import Checkpoint
import Checkpointing
import FoundationEssentials
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A node's part of the job's shared memory: the region, its allocator, the fault path
/// and the coherence service (docs/ARCHITECTURE.md).
///
/// ```swift
/// let job = try Brazos.join()
/// let shared = try SharedMemory.attach(to: job)
/// try job.run { thread in
///     let grid = try shared.allocate("grid", count: n * n, of: Double.self, pageAligned: true, by: thread)
///     grid[thread.rank] = 1
///     try shared.barrier(by: thread)      // every write before it is visible after it
/// }
/// ```
public final class SharedMemory: Sendable {
    /// This node's mapping of the shared region.
    public let region: SharedRegion
    /// Places allocations in the region, identically on every node.
    public let allocator: SharedAllocator
    let faults: FaultService
    let service: CoherenceService
    let job: Brazos
    /// For `nodeBarrier(by:)`: apart from the checkpoint's, so the two never mix.
    private let threadBarrier = NodeBarrier()
    /// How far this node's copies have followed the shared barriers.
    let clock = BarrierClock()
    /// The checkpoint directory's state, when there is one.
    let checkpoints: NodeCheckpoints?
    /// Shared memory's piece of each checkpoint: its home pages that changed.
    let pages: SharedPages?
    /// Once-per-node work: each allocation's pages are claimed (and restored), and the
    /// coherence services connected; the node's other threads wait until it is done.
    private let onceHere = OncePerName()
    /// Per rank hosted here, what shared memory knows of it (it moves with the rank).
    let ranks = Guarded<[Int: RankState]>([:])

    private init(job: Brazos, region: SharedRegion, faults: FaultService, service: CoherenceService, allocator: SharedAllocator,
                 checkpoints: NodeCheckpoints?) {
        self.job = job
        self.checkpoints = checkpoints
        pages = checkpoints.map { _ in SharedPages(region: region) }
        self.region = region
        self.faults = faults
        self.service = service
        self.allocator = allocator
    }

    /// Maps the region (at `BRAZOS_SHARED_BASE`, `BRAZOS_SHARED_BYTES` long), installs the
    /// fault handler and starts the coherence service. Call once per process, before `run`.
    public static func attach(to job: Brazos) throws -> SharedMemory {
        let environment = JobConfig.environment
        let base = environment("BRAZOS_SHARED_BASE").flatMap { UInt($0.hasPrefix("0x") ? String($0.dropFirst(2)) : $0, radix: 16) } ?? SharedRegion.defaultBase
        let size = environment("BRAZOS_SHARED_BYTES").flatMap { Int($0) } ?? SharedRegion.defaultSize
        let region = try SharedRegion(base: base, size: size / SharedRegion.pageSize * SharedRegion.pageSize)
        let faults = try FaultService(region: region)
        let node = job.node
        let table = try PageTable(region: region, me: node.id, nodes: node.nodeCount, nodeLimit: max(node.config.nodeLimit, node.nodeCount))
        let allocator = SharedAllocator(capacity: region.size, recordingHomesIn: table)
        let service = try CoherenceService(region: region, faults: faults, table: table, me: node.id, nodes: node.nodeCount,
                                           host: node.cards[node.id].address, secret: node.config.secret, lockManager: { lock in
            allocator.remaining(from: lock % node.nodeCount, nodes: node.nodeCount)
        })
        table.serveFaultsInHandler()
        let checkpoints = try NodeCheckpoints.attach(to: job)
        try checkpoints?.checkSavedPages(within: region.pageCount)
        let memory = SharedMemory(job: job, region: region, faults: faults, service: service, allocator: allocator, checkpoints: checkpoints)
        if let pages = memory.pages {
            pages.homePages = { [unowned memory] in memory.homePages() }
            checkpoints?.register(pages)
        }
        job.migrationParticipant = memory
        let clock = memory.clock
        node.reportsStatus { ["barriers": clock.barriersPassed] }
        if node.config.migratable {
            // Nodes that join later connect to this node's service through its listener.
            node.onLateConnection { joiner, socket in _ = try? service.perform(.adopt(node: joiner, socket: socket)) }
        }
        if node.config.joining {
            let others = node.initialMembers.filter { $0 != node.id }.map { (node: $0, host: node.cards[$0].address, port: Int(node.cards[$0].port)) }
            _ = try service.perform(.connectLate(others))
            service.mapPeers(hostPeers(of: node))
        }
        return memory
    }

    /// Collective over every rank of the job, in the same order everywhere: `count` values
    /// of `T` under `name`, zero at first. The same name on the same node gives the same
    /// place back. A rank whose allocation differs from another's gets
    /// `SharedMemoryError.mismatchedAllocation`. Pages are homed as `placement` says (by
    /// default in blocks: node k of N is home of the k-th N-th of the allocation's pages),
    /// and then on the node that writes them alone.
    public func allocate<T: BitwiseCopyable>(_ name: String, count: Int, of type: T.Type = T.self, pageAligned: Bool = false,
                                             placement: SharedAllocator.Placement = .block,
                                             by thread: BrazosThread) throws -> SharedArray<T> {
        let bytes = try allocateBytes(name, size: count * MemoryLayout<T>.stride,
                                      alignment: pageAligned ? SharedRegion.pageSize : MemoryLayout<T>.alignment, placement: placement, by: thread)
        return SharedArray(base: bytes.bindMemory(to: T.self, capacity: count), count: count)
    }

    /// `allocate` for one value (zero at first), alone on its page when `pageAligned`.
    public func allocateValue<T: BitwiseCopyable>(_ name: String, of type: T.Type = T.self, pageAligned: Bool = false,
                                                  by thread: BrazosThread) throws -> SharedValue<T> {
        SharedValue(address: try allocate(name, count: 1, of: T.self, pageAligned: pageAligned, by: thread).base)
    }

    /// `allocate` for raw bytes.
    public func allocateBytes(_ name: String, size: Int, alignment: Int = 16, placement: SharedAllocator.Placement = .block,
                              by thread: BrazosThread) throws -> UnsafeMutableRawPointer {
        try attach(thread)
        if ranks.withLock({ $0[thread.rank]?.allocations.contains(name) == true }) {
            // A thread that moved here allocates again what it had: the place is known.
            guard let allocation = allocator.allocations.first(where: { $0.name == name }), allocation.size == size else {
                throw SharedMemoryError.malformed("rank \(thread.rank) moved to node \(job.node.id), which does not have its allocation '\(name)' of \(size) bytes")
            }
            return region.base + allocation.offset
        }
        let allocation = try allocator.place(name, size: size, alignment: alignment, placement: placement)
        try SharedAllocator.checkAgreement(allocation, on: thread.runtime)
        try onceHere.once(allocation.name) {
            _ = try service.perform(.claimHomes(allocation.pages))
            restore(allocation)
            pages?.prepare(allocation, homePages: homePages(of: allocation))
        }
        ranks.withLock { $0[thread.rank]!.allocations.append(name) }
        return region.base + allocation.offset
    }

    /// A barrier over every rank of the job that is also a release and an acquire: every
    /// write to shared memory before it, anywhere, is visible after it, everywhere.
    public func barrier(by thread: BrazosThread) throws {
        try attach(thread)
        _ = try synchronize(thread)
    }

    /// The shared barrier: each thread releases its node's writes and contributes the
    /// notices (with its node) to an allgather over every rank; the first thread of each
    /// node to come out of it invalidates the pages written on other nodes, while the
    /// node's others wait (docs/ARCHITECTURE.md, "Shared barriers"). Each contribution
    /// also carries the node brazosrun asked to drain and the one it asked to admit, if
    /// any: every rank learns the same of them, and where every rank is.
    ///
    /// Homes follow their writers: each notice says whether its page was written off its
    /// home (bit 0 of `page << 1`); a page that one node alone wrote, off its home, is homed
    /// on that node from this barrier on. Every rank computes the same moves from the
    /// same contributions, and when there are any, one more barrier makes sure every node
    /// has switched before any thread asks a new home for a page.
    private func synchronize(_ thread: BrazosThread) throws -> BarrierNews {
        let notices = try service.perform(.release)
        let runtime = thread.runtime
        let me = job.node.id
        let mine = [Int64(me), Int64(job.node.drainRequested ?? -1), Int64(job.node.joinRequested ?? -1), Int64(notices.count)]
            + notices.map { Int64($0) << 1 | (service.home(of: $0) != me ? 1 : 0) }
        let counts = try runtime.allgather([Int64(mine.count)])
        var all = [Int64](repeating: 0, count: Int(counts.reduce(0, +)))
        let displacements = counts.indices.map { Int(counts[..<$0].reduce(0, +)) }
        try mine.withUnsafeBytes { input in
            try all.withUnsafeMutableBytes { output in
                try runtime.allgatherv(.memory(input.baseAddress), sendCount: mine.count, sendType: .int64, output.baseAddress,
                                       receiveCounts: counts.map { Int($0) }, displacements: displacements, receiveType: .int64)
            }
        }
        var written: [Int] = []
        var writers = WritersOfPages()
        for start in displacements {
            let node = Int(all[start]), count = Int(all[start + 3])
            for notice in all[(start + 4)..<(start + 4 + count)] {
                writers.note(page: Int(notice >> 1), writtenBy: node, offItsHome: notice & 1 == 1)
                if node != me { written.append(Int(notice >> 1)) }
            }
        }
        let moves = writers.homeMoves
        let number = ranks.withLock { $0[thread.rank]!.barriers } + 1
        try clock.catchUp(to: number) {
            _ = try service.perform(.invalidate(written))
            if !moves.isEmpty { try service.moveHomes(moves, in: allocator) }
        }
        if !moves.isEmpty { try runtime.barrier() }
        ranks.withLock { $0[thread.rank]!.barriers = number }
        let rankNodes = displacements.map { Int(all[$0]) }
        let drainWish = Int(displacements.map { all[$0 + 1] }.max() ?? -1)
        let joinWish = Int(displacements.map { all[$0 + 2] }.max() ?? -1)
        return BarrierNews(drain: drainWish >= 0 && rankNodes.contains(drainWish) ? drainWish : nil,
                           join: joinWish >= 0 && !rankNodes.contains(joinWish) ? joinWish : nil, rankNodes: rankNodes)
    }

    /// What every rank learned at a shared barrier: the node to drain (asked for, and
    /// hosting a thread now), the node to admit, and each rank's node.
    struct BarrierNews {
        var drain: Int?
        var join: Int?
        var rankNodes: [Int]
    }

    // MARK: Draining a node

    /// Inside a shared barrier that agreed to drain `node` (every page current at its
    /// home, every rank here): the node's pages go to their new homes (the next nodes
    /// that remain), every node switches to those homes, and the node's threads move to
    /// the remaining nodes in turn with `state`; the node then leaves the job.
    private func drain(_ node: Int, _ thread: BrazosThread, state: some Encodable) throws {
        let me = job.node.id, nodes = job.node.nodeCount
        let hosted = job.hostedRanks
        if me == node && thread.rank == hosted.min() {
            let pages = Array(Set(allocator.allocations.flatMap { $0.pages.filter { allocator.home(ofPage: $0, nodes: nodes) == node } })).sorted()
            let homes = pages.map { allocator.home(ofPage: $0, nodes: nodes, retiring: node) }
            _ = try service.perform(.handOver(pages: pages, homes: homes))
            diagnose("brazos: node \(node): draining: \(pages.count) home pages handed over, \(hosted.count) thread\(hosted.count == 1 ? "" : "s") moving")
        }
        // Every node takes the new homes once the pages are there, and before any of the
        // node's threads arrives anywhere (an arrival computes at once).
        try thread.runtime.barrier()
        allocator.retire(node)
        job.retire(node: node)
        job.node.drainDone(node)
        try thread.runtime.barrier()
        guard me == node else { return }
        let targets = job.remainingNodes
        guard !targets.isEmpty, let index = hosted.sorted().firstIndex(of: thread.rank) else {
            throw SharedMemoryError.malformed("node \(node) is drained but no node remains for rank \(thread.rank)")
        }
        try job.move(thread, to: targets[index % targets.count], state: Array(try JSONEncoder().encode(state)))
    }

    // MARK: Checkpoints

    /// Collective over every rank: a shared barrier that also saves a checkpoint in
    /// `BRAZOS_CHECKPOINT_DIR` (brazosrun --checkpoint-dir): the pages of every allocation,
    /// every thread's `state`, the messages sent and not yet received, and the files
    /// opened with `openFile`. A restart (`brazosrun restart`, or brazosrun's own recovery)
    /// gives each thread its `state` back through `resumeState`.
    public func checkpoint(by thread: BrazosThread, state: some Encodable) throws {
        guard checkpoints != nil else { throw SharedMemoryError.checkpoint("no checkpoint directory (brazosrun --checkpoint-dir)") }
        try checkpointingBarrier(thread, state: state, always: true)
    }

    /// A shared barrier at which a checkpoint may be taken: when the interval of
    /// `brazosrun --checkpoint-every` has passed, or one was asked for (`brazosrun
    /// checkpoint JOB`, SIGUSR1 to brazosrun, or a planned stop: SIGTERM to brazosrun,
    /// after which the job ends). Every rank takes part in the decision, so all take it
    /// or none. Without a checkpoint directory, a plain shared barrier.
    public func barrier(by thread: BrazosThread, saving state: @autoclosure () -> some Encodable) throws {
        guard checkpoints != nil else {
            try attach(thread)
            let news = try synchronize(thread)
            return try changeNodes(news, thread, state: state())
        }
        try checkpointingBarrier(thread, state: state(), always: false)
    }

    /// At an eligible barrier: admits the node the ranks agreed to admit, or drains the
    /// one they agreed to drain (brazosrun asks for one change at a time).
    private func changeNodes(_ news: BarrierNews, _ thread: BrazosThread, state: some Encodable) throws {
        if let joiner = news.join { try admit(joiner, thread, rankNodes: news.rankNodes, state: state) }
        if let node = news.drain { try drain(node, thread, state: state) }
    }

    private func checkpointingBarrier(_ thread: BrazosThread, state: some Encodable, always: Bool) throws {
        guard let checkpoints else { return }
        try attach(thread)
        try checkpoints.checkNothingPending(thread)
        let files = try ranks.withLock { $0[thread.rank]!.files.compactMap(\.file).filter(\.isOpen) }.map { try $0.checkpointRecord() }
        let encoded = Array(try JSONEncoder().encode(state))
        let news = try synchronize(thread)
        let decision = try checkpoints.decide(thread, always: always)
        if decision.save {
            try checkpoints.save(thread, state: encoded, files: files)
            if decision.stop { try checkpoints.stop(thread) }
        }
        try changeNodes(news, thread, state: state)
    }

    /// Whether the job saves checkpoints (it has a checkpoint directory).
    public var takesCheckpoints: Bool { checkpoints != nil }

    /// The state this rank saved when it moved here (`migrate(to:saving:)`), or at the
    /// checkpoint the job restarted from; nil when it starts afresh.
    public func resumeState<State: Decodable>(_ type: State.Type, by thread: BrazosThread) throws -> State? {
        guard let bytes = thread.arrival?.state ?? checkpoints?.resumeState(rank: thread.rank) else { return nil }
        do {
            return try JSONDecoder().decode(State.self, from: Data(bytes))
        } catch {
            throw SharedMemoryError.checkpoint("rank \(thread.rank)'s saved state is not a \(State.self): \(error)")
        }
    }

    /// The epoch the job restarted from, if it did.
    public var restartedEpoch: Int? { checkpoints?.restartedEpoch }

    /// Opens a file whose place checkpoints and moves keep (see `CheckpointedFile`):
    /// opened again by the same rank after a restart, or after its thread moved, it is
    /// as it was then. Open it where the program starts (before its first checkpointing
    /// barrier), like an allocation.
    public func openFile(_ path: String, mode: CheckpointedFile.Mode, flushesAtCheckpoint: Bool = true,
                         by thread: BrazosThread) throws -> CheckpointedFile {
        let carried = ranks.withLock { $0[thread.rank]?.carriedFiles.first { $0.path == path } }
        let saved = carried ?? checkpoints?.fileRecords(rank: thread.rank).first { $0.path == path }
        let file = try CheckpointedFile(path: path, mode: mode, flushesAtCheckpoint: flushesAtCheckpoint, restoring: saved)
        ranks.withLock { $0[thread.rank, default: RankState()].files.append(WeakFile(file: file)) }
        return file
    }

    /// Per allocation, the pages homed here.
    func homePages() -> [(SharedAllocator.Allocation, homePages: [Int])] {
        allocator.allocations.map { ($0, homePages(of: $0)) }
    }

    private func homePages(of allocation: SharedAllocator.Allocation) -> [Int] {
        let nodes = job.node.nodeCount, me = job.node.id
        return allocation.pages.filter { allocator.home(ofPage: $0, nodes: nodes) == me }
    }

    /// After a restart: fills this node's home pages of `allocation` from the checkpoint.
    private func restore(_ allocation: SharedAllocator.Allocation) {
        guard let checkpoints else { return }
        let pageSize = SharedRegion.pageSize
        let firstPage = allocation.pages.lowerBound
        let nodes = job.node.nodeCount, me = job.node.id
        checkpoints.forEachSavedRun(of: allocation.name) { first, bytes in
            for index in 0..<(bytes.count / pageSize) where allocator.home(ofPage: firstPage + first + index, nodes: nodes) == me {
                let page = firstPage + first + index
                guard page < region.pageCount else { continue }
                let start = bytes.startIndex + index * pageSize
                bytes[start..<(start + pageSize)].withUnsafeBytes { region.servicePage(page).copyMemory(from: $0) }
            }
        }
    }

    /// How much a lock's release tells its next acquirer.
    public enum Consistency: Sendable {
        /// Release consistency: every write this node made since the last barrier, and
        /// those it learned of from other locks' grants (transitively).
        case release
        /// Scope consistency: only the writes this node made since the last barrier (an
        /// acquirer of this lock sees them, not writes released under other locks).
        case scope
    }

    /// Acquires distributed lock `id` (>= 0; managed by node `id % nodes`), first come first
    /// served. An acquire: writes made before the lock's last release, anywhere, are
    /// visible after it. Allocate before using locks.
    public func lock(_ id: Int, by thread: BrazosThread) throws {
        try checkLock(id, thread)
        _ = try service.perform(.acquireLock(id))
        ranks.withLock { _ = $0[thread.rank]!.locks.insert(id) }
    }

    /// Releases lock `id`: this node's writes go to their homes first.
    public func unlock(_ id: Int, consistency: Consistency = .release, by thread: BrazosThread) throws {
        try checkLock(id, thread)
        _ = try service.perform(.releaseLock(id, scope: consistency == .scope))
        ranks.withLock { _ = $0[thread.rank]!.locks.remove(id) }
    }

    /// Runs `body` between `lock` and `unlock` of lock `id`; the lock is released whether
    /// `body` returns or throws (the error then goes on).
    public func withLock<Result>(_ id: Int, consistency: Consistency = .release, by thread: BrazosThread, _ body: () throws -> Result) throws -> Result {
        try lock(id, by: thread)
        let result: Result
        do {
            result = try body()
        } catch {
            try unlock(id, consistency: consistency, by: thread)
            throw error
        }
        try unlock(id, consistency: consistency, by: thread)
        return result
    }

    /// Sends `values` as a release: whatever this node wrote to shared memory before (and
    /// learned of through locks and messages) is visible to the receiver once its
    /// matching `receive` returns. Plain messages order nothing in shared memory.
    /// (Two messages travel: the write notices, then the values, on `communicator`, the
    /// world by default, with `tag`.)
    public func send<T: BitwiseCopyable>(_ values: [T], to destination: Int, tag: Int, by thread: BrazosThread,
                                         on communicator: Communicator? = nil) throws {
        try checkLock(0, thread)
        let comm = communicator ?? thread.world
        let notices = try service.perform(.releaseForMessage)
        try comm.send(notices.map { Int64($0) }, to: destination, tag: tag)
        try comm.send(values, to: destination, tag: tag)
    }

    /// Receives what a `send` sent as an acquire (see there); at most `capacity` values.
    public func receive<T: BitwiseCopyable>(_ type: T.Type, capacity: Int, from source: Int = MPI.anySource, tag: Int = MPI.anyTag,
                                            by thread: BrazosThread, on communicator: Communicator? = nil) throws -> (values: [T], status: Status) {
        try checkLock(0, thread)
        let comm = communicator ?? thread.world
        let announced = try comm.probe(from: source, tag: tag)
        var notices = [Int64](repeating: 0, count: announced.byteCount / 8)
        let noticeStatus = try comm.recv(into: &notices, from: announced.source, tag: announced.tag)
        _ = try service.perform(.acquireFromMessage(notices.map { Int($0) }))
        var values = [T](unsafeUninitializedCapacity: capacity) { buffer, count in
            UnsafeMutableRawBufferPointer(buffer).initializeMemory(as: UInt8.self, repeating: 0)
            count = capacity
        }
        let status = try comm.recv(into: &values, from: noticeStatus.source, tag: noticeStatus.tag)
        return (Array(values.prefix(status.byteCount / max(MemoryLayout<T>.stride, 1))), status)
    }

    /// The diff of a page against its twin, as the protocol makes it (for benchmarks).
    public func makeDiff(page: UnsafeRawPointer, twin: UnsafeRawPointer) -> [UInt8] { PageDiff.make(page: page, twin: twin) }

    /// Applies a diff as a home does (for benchmarks).
    public func applyDiff(_ diff: [UInt8], to page: UnsafeMutableRawPointer) throws { try PageDiff.apply(diff, to: page) }

    /// A barrier among the threads of this node only: no protocol, the hardware keeps
    /// their view of the node's pages coherent.
    public func nodeBarrier(by thread: BrazosThread) throws {
        try threadBarrier.wait(threads: job.hostedRanks.count, isLeader: false)
    }

    private func checkLock(_ id: Int, _ thread: BrazosThread) throws {
        guard id >= 0 else { throw SharedMemoryError.malformed("lock id \(id) is negative") }
        guard ranks.withLock({ $0[thread.rank]?.attached == true }) else {
            throw SharedMemoryError.malformed("rank \(thread.rank) used a lock before any shared allocation")
        }
    }

    /// The other nodes of this host, whose pages faults copy from their regions; none
    /// under `--transport tcp`, which keeps every page on the service threads' TCP.
    private static func hostPeers(of node: Node) -> [(node: Int, pid: Int32)] {
        guard !node.config.forceTCP else { return [] }
        let me = node.cards[node.id]
        return node.cards.filter { $0.node != me.node && $0.hostKey == me.hostKey }.map { ($0.node, $0.pid) }
    }

    /// The rank's first collective call (its first allocation): its thread may fault on
    /// the region from now on, and, once per node, the coherence services connect.
    private func attach(_ thread: BrazosThread) throws {
        if ranks.withLock({ $0[thread.rank]?.attached == true }) { return }
        faults.registerCurrentThread()
        let ports = try thread.runtime.allgather([Int64(job.node.id), Int64(service.port)])
        try onceHere.once("\u{0}connect") {
            var byNode = [Int](repeating: 0, count: job.node.nodeCount)
            for index in stride(from: 0, to: ports.count, by: 2) { byNode[Int(ports[index])] = Int(ports[index + 1]) }
            service.hosts = job.node.cards.map(\.address)
            _ = try service.perform(.connect(ports: byNode))
            // Every node's region exists now (each made it before the allgather).
            service.mapPeers(Self.hostPeers(of: job.node))
        }
        ranks.withLock { $0[thread.rank, default: RankState()].attached = true }
    }
}

/// What shared memory keeps per rank; it moves with the rank's thread.
struct RankState {
    /// Made its first collective call (connected, registered for faults).
    var attached = false
    /// Shared barriers passed.
    var barriers = 0
    /// Names of the allocations it made, in order.
    var allocations: [String] = []
    /// Locks it holds now.
    var locks: Set<Int> = []
    /// The files it opened through `openFile`.
    var files: [WeakFile] = []
    /// The files it had open where it came from, to be opened again here.
    var carriedFiles: [CheckpointedFile.Record] = []
}

/// An open file as the registry of a rank's files holds it: closed or dropped, it is
/// no longer recorded.
struct WeakFile {
    weak var file: CheckpointedFile?
}
