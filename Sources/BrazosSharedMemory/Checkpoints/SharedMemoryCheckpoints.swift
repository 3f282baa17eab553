import BrazosCore
import BrazosMPI
import Checkpoint
import FoundationEssentials
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The shared memory's side of checkpoints: the epoch counter, what the threads deposit
/// at a checkpointing barrier, the launcher's requests, the leader's part of saving, and,
/// after a restart, what was saved (docs/ARCHITECTURE.md, "Checkpoints").
///
/// Unchecked: `savedPages`, `deposits` and `requests` are mutexes. `snapshot` is used by
/// one thread at a time, in an order the collectives around it give: `prepare` (under
/// `onceHere`, inside a collective allocation) and the node's saver inside a
/// checkpointing barrier. `nextEpoch` and `lastCheckpoint` are atomics. The rest is set in
/// init and never changes. (A thread that moves at the barrier that saved may still read
/// the epoch before the saver's increment, and take it to a joining node: see
/// docs/ARCHITECTURE.md, "Not yet built".)
final class SharedMemoryCheckpoints: @unchecked Sendable {
    /// The checkpoint the job restarted from, decoded: its manifest and every rank's
    /// state, files and messages (its pages are in `savedPages`).
    let restored: RestoredCheckpoint?
    /// Per allocation, its saved runs of pages from every epoch of the chain, oldest
    /// first. Each is dropped once restored.
    private let savedPages = Guarded<[String: [RestoredCheckpoint.PageRun]]>([:])
    /// Every `fullEvery`-th checkpoint of a run saves every page, so a restart reads at
    /// most that many epochs; the others save only pages changed since the one before
    /// (unless half of them changed: then it is full too).
    static let fullEvery = 4
    private let node: Node
    private let snapshot = PageSnapshot()
    private let writer: CheckpointWriter
    private let firstEpoch: Int
    /// The epoch the next checkpoint gets, and when the last was taken: written by the
    /// saver, read by the node's other threads (and by a thread leaving at the barrier
    /// that saved), so both are atomics.
    private let nextEpochValue = Atomic<Int>(0)
    private let lastCheckpointBits = Atomic<UInt64>(monotonicSeconds().bitPattern)
    var nextEpoch: Int { nextEpochValue.load(ordering: .acquiring) }
    private var lastCheckpoint: Double { Double(bitPattern: lastCheckpointBits.load(ordering: .relaxed)) }
    private let deposits = Guarded<[Int: (state: [UInt8], files: [CheckpointedFile.Record], messages: [QueuedMessage])]>([:])
    /// What the launcher asked for: a checkpoint at the next eligible barrier, a planned
    /// stop after one, and the interval (seconds) between checkpoints.
    private let requests: Guarded<(checkpoint: Bool, stop: Bool, interval: Double?)>

    /// Checkpoints in `directory` for `node`, whose shared region has `regionPages` pages;
    /// with `restartEpoch`, that epoch is read and decoded first. An epoch whose bytes
    /// verify but do not decode is refused and marked so in the store: a recovery or a
    /// restart then passes over it, as over a corrupt part.
    init(directory: String, localDirectory: String?, restartEpoch: Int?, node: Node, regionPages: Int) throws {
        guard node.hasLauncher else {
            throw SharedMemoryError.checkpoint("checkpoints need brazosrun, which coordinates them (BRAZOS_CHECKPOINT_DIR is set without it)")
        }
        self.node = node
        let store = try CheckpointStore(directory: directory)
        writer = CheckpointWriter(store: store, local: try localDirectory.map { try CheckpointStore(directory: "\($0)/node-\(node.id)") }, node: node)
        let interval = JobConfig.environment("BRAZOS_CHECKPOINT_INTERVAL").flatMap { Double($0) }.flatMap { $0 > 0 ? $0 : nil }
        requests = Guarded((false, false, interval))
        if let restartEpoch {
            InjectedFault.restoring(node: node.id)
            let start = monotonicSeconds()
            var reported = start
            let chain: [(manifest: Manifest, parts: [[CheckpointSection]])]
            do {
                chain = try store.read(restartEpoch) { read, total in
                    // Node 0 speaks for every node: they all read the same chain.
                    let now = monotonicSeconds()
                    guard node.id == 0, read < total, now - reported >= JobConfig.progressInterval else { return }
                    reported = now
                    diagnose("brazos: node 0: reading checkpoint epoch \(restartEpoch): \(read) of \(total) bytes (\(read * 100 / max(total, 1))%) in \(Int((now - start) * 1000)) ms")
                }
            } catch {
                throw SharedMemoryError.checkpoint("node \(node.id): epoch \(restartEpoch) in \(directory) does not verify: \(error)")
            }
            var checkpoint: RestoredCheckpoint
            do {
                checkpoint = try RestoredCheckpoint(chain, ranks: node.config.rankCount, regionPages: regionPages)
            } catch {
                // Every node decodes the same chain and refuses it alike, and marks it so
                // (the same words): the first to fail ends the attempt, and its mark is
                // there before the launcher picks the epoch to recover from.
                try? store.refuse(error.epoch ?? restartEpoch, reason: "\(error)")
                throw SharedMemoryError.checkpoint("node \(node.id): refusing epoch \(restartEpoch) in \(directory): \(error)")
            }
            savedPages.withLock { $0 = checkpoint.takePages() }
            restored = checkpoint
            let bytes = chain.reduce(0) { $0 + $1.manifest.totalSize }
            let milliseconds = (monotonicSeconds() - start) * 1000
            if node.id == 0 {
                diagnose("brazos: node 0 read checkpoint epoch \(restartEpoch) (\(chain.count) epoch\(chain.count == 1 ? "" : "s"), \(bytes) bytes) in \(Int(milliseconds)) ms")
            }
            // A launcher that is gone ends this node through its control connection anyway.
            try? node.tellLauncher(.restored(epoch: restartEpoch, bytes: bytes, milliseconds: milliseconds))
        } else {
            restored = nil
        }
        firstEpoch = max(restartEpoch ?? 0, store.epochs().last ?? 0) + 1
        nextEpochValue.store(firstEpoch, ordering: .releasing)
        node.onLauncherRequest { [unowned self] request in handle(request) }
        node.beforeFinishing { [writer] in writer.waitUntilIdle() }
    }

    private func handle(_ request: LauncherRequest) {
        requests.withLock { requests in
            switch request {
            case .checkpoint: requests.checkpoint = true
            case .plannedStop: requests.stop = true
            case let .interval(seconds): requests.interval = seconds
            }
        }
    }

    // MARK: Taking checkpoints

    /// A new allocation: its home pages' copies are made now, not at the first checkpoint.
    func prepare(_ allocation: SharedAllocator.Allocation, homePages: [Int], region: SharedRegion) {
        _ = snapshot.update(allocation, homePages: homePages, region: region)
    }

    /// What this node would do at an eligible barrier: checkpoint (its interval passed,
    /// or a checkpoint or stop was asked for) and stop after it.
    func wishes() -> (checkpoint: Bool, stop: Bool) {
        requests.withLock { requests in
            let elapsed = requests.interval.map { monotonicSeconds() - lastCheckpoint >= $0 } ?? false
            return (requests.checkpoint || requests.stop || elapsed, requests.stop)
        }
    }

    /// On every rank, inside a checkpointing barrier that decided to save: makes sure
    /// every message sent to it before has arrived, and deposits its state, its open
    /// files and its messages not yet received. The node's saver (its lowest rank), once
    /// every thread of the node has deposited, copies the home pages that changed; after
    /// an allreduce over every rank it hands the node's part to the writer. The barrier
    /// is held only for the flush, the compare, the copy and two collectives.
    func save(_ thread: BrazosThread, state: [UInt8], files: [CheckpointedFile.Record],
              allocations: [(SharedAllocator.Allocation, homePages: [Int])], region: SharedRegion, memory: SharedMemory) throws {
        let start = monotonicSeconds()
        let runtime = thread.runtime
        try runtime.flushChannels(tag: Self.flushTag)
        let messages = try memory.job.queuedMessages(for: thread.rank, except: runtime)
        deposits.withLock { $0[thread.rank] = (state, files, messages) }
        let hosted = memory.job.hostedRanks
        let saver = thread.rank == hosted.min()
        var changed = 0, homePages = 0
        try memory.nodeBarrier.wait(threads: hosted.count, isLeader: saver) {
            // The writer reads the copies of the last checkpoint until it is done with them.
            writer.waitUntilIdle()
            for (allocation, pages) in allocations {
                changed += snapshot.update(allocation, homePages: pages, region: region)
                homePages += pages.count
            }
        }
        // The nodes agree whether this one is full: every `fullEvery`-th of the nodes that
        // started the run (a node that joined counts from elsewhere, and does not vote),
        // or when half the pages changed anyway (then a chain would only make restarts
        // read more). Being collective, it also keeps every node here until all have
        // their copies, so no node's next-phase diffs or messages reach a node that has
        // not captured yet.
        let epoch = nextEpoch
        let due = !node.config.joining && (epoch - firstEpoch) % Self.fullEvery == 0
        let totals = try runtime.allreduce([Int64(changed), Int64(homePages), due ? 1 : 0], op: .sum)
        guard saver else { return }
        let full = totals[2] > 0 || 2 * totals[0] >= totals[1]
        var sections: [CheckpointSection] = []
        for (rank, deposit) in deposits.withLock({ $0.sorted { $0.key < $1.key } }) {
            sections.append(CheckpointSection(name: "thread \(rank)", payload: deposit.state))
            sections.append(CheckpointSection(name: "files \(rank)", payload: Array(try JSONEncoder().encode(deposit.files))))
            sections.append(CheckpointSection(name: "messages \(rank)", payload: SavedSection.encode(deposit.messages)))
        }
        let runs = allocations.flatMap { snapshot.runs(of: $0.0, full: full) }
        writer.submit(CheckpointWriter.Part(epoch: epoch, base: full ? nil : epoch - 1, sections: sections, runs: runs,
                                            changedPages: changed, homePages: homePages, stall: Int((monotonicSeconds() - start) * 1e6),
                                            ranks: hosted.count))
        deposits.withLock { $0.removeAll() }
        requests.withLock { $0.checkpoint = false }
        nextEpochValue.add(1, ordering: .releasing)
        lastCheckpointBits.store(monotonicSeconds().bitPattern, ordering: .relaxed)
    }

    /// After a planned-stop checkpoint: once its part is written, the node's saver tells
    /// the launcher, which ends every node when all have said so; the threads wait for it.
    func stop(_ thread: BrazosThread, memory: SharedMemory) throws -> Never {
        if thread.rank == memory.job.hostedRanks.min() {
            writer.waitUntilIdle()
            try node.tellLauncher(.stopping(epoch: lastSavedEpoch))
        }
        while true { pause() }
    }

    var lastSavedEpoch: Int { nextEpoch - 1 }

    /// On a node that joined the job: a thread arrived from nodes whose next checkpoint
    /// is `epoch`, and so is this node's.
    func catchUp(toEpoch epoch: Int) {
        _ = nextEpochValue.max(epoch, ordering: .acquiringAndReleasing)
    }

    private static let flushTag = 7_700

    // MARK: After a restart

    var restartedEpoch: Int? { restored?.manifest.epoch }

    func resumeState(rank: Int) -> [UInt8]? { restored?.states[rank] }

    func fileRecords(rank: Int) -> [CheckpointedFile.Record] { restored?.files[rank] ?? [] }

    func queuedMessages(rank: Int) -> [QueuedMessage] { restored?.messages[rank] ?? [] }

    /// Every saved run of pages of allocation `name`, oldest epoch first, so later copies
    /// of a page replace earlier ones: (first page within it, bytes). Once per allocation:
    /// the runs are let go after.
    func forEachSavedRun(of name: String, _ body: (Int, ArraySlice<UInt8>) -> Void) {
        for run in savedPages.withLock({ $0.removeValue(forKey: name) ?? [] }) { body(run.first, run.bytes) }
    }
}

/// Runs a body once per name; callers for a name being run wait for it.
///
/// Unchecked: `done` is guarded by `mutex`, which is held while the body runs so that
/// the other callers wait for it.
final class OncePerName: @unchecked Sendable {
    private let mutex = PthreadMutex()
    private var done: Set<String> = []

    func once(_ name: String, _ body: () throws -> Void) throws {
        mutex.lock()
        defer { mutex.unlock() }
        guard !done.contains(name) else { return }
        try body()
        done.insert(name)
    }
}
