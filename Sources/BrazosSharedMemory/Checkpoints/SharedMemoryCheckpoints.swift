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
final class SharedMemoryCheckpoints: @unchecked Sendable {
    /// The checkpoint the job restarted from: its manifest and the sections other than
    /// pages (states, files, messages) of every node.
    let restored: (manifest: Manifest, sections: [CheckpointSection])?
    /// Per allocation, its saved runs of pages from every epoch of the chain, oldest
    /// first: (first page within the allocation, bytes). Each is dropped once restored.
    private let savedPages = Mutex<[String: [(first: Int, bytes: ArraySlice<UInt8>)]]>([:])
    /// Every `fullEvery`-th checkpoint of a run saves every page, so a restart reads at
    /// most that many epochs; the others save only pages changed since the one before
    /// (unless half of them changed: then it is full too).
    static let fullEvery = 4
    private let node: Node
    private let snapshot = PageSnapshot()
    private let writer: CheckpointWriter
    private let firstEpoch: Int
    private(set) var nextEpoch: Int
    private var lastCheckpoint = monotonicSeconds()
    private let deposits = Mutex<[Int: (state: [UInt8], files: [CheckpointedFile.Record], messages: [QueuedMessage])]>([:])
    /// What the launcher asked for: a checkpoint at the next eligible barrier, a planned
    /// stop after one, and the interval (seconds) between checkpoints.
    private let requests: Mutex<(checkpoint: Bool, stop: Bool, interval: Double?)>

    init(directory: String, localDirectory: String?, restartEpoch: Int?, node: Node) throws {
        guard node.hasLauncher else {
            throw SharedMemoryError.checkpoint("checkpoints need brazosrun, which coordinates them (BRAZOS_CHECKPOINT_DIR is set without it)")
        }
        self.node = node
        let store = try CheckpointStore(directory: directory)
        writer = CheckpointWriter(store: store, local: try localDirectory.map { try CheckpointStore(directory: "\($0)/node-\(node.id)") }, node: node)
        let interval = JobConfig.environment("BRAZOS_CHECKPOINT_INTERVAL").flatMap { Double($0) }.flatMap { $0 > 0 ? $0 : nil }
        requests = Mutex((false, false, interval))
        if let restartEpoch {
            InjectedFault.restoring(node: node.id)
            do {
                let start = monotonicSeconds()
                var reported = start
                let chain = try store.read(restartEpoch) { read, total in
                    // Node 0 speaks for every node: they all read the same chain.
                    let now = monotonicSeconds()
                    guard node.id == 0, read < total, now - reported >= JobConfig.progressInterval else { return }
                    reported = now
                    diagnose("brazos: node 0: reading checkpoint epoch \(restartEpoch): \(read) of \(total) bytes (\(read * 100 / max(total, 1))%) in \(Int((now - start) * 1000)) ms")
                }
                var pages: [String: [(first: Int, bytes: ArraySlice<UInt8>)]] = [:]
                for (_, parts) in chain {
                    for section in parts.joined() where section.name.hasPrefix("pages ") && section.payload.count >= 8 {
                        let first = section.payload.withUnsafeBytes { Int(UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self))) }
                        pages[String(section.name.dropFirst("pages ".count)), default: []].append((first, section.payload.dropFirst(8)))
                    }
                }
                savedPages.withLock { $0 = pages }
                restored = (chain.last!.manifest, chain.last!.parts.joined().filter { !$0.name.hasPrefix("pages ") })
                let bytes = chain.reduce(0) { $0 + $1.manifest.totalSize }
                let milliseconds = (monotonicSeconds() - start) * 1000
                if node.id == 0 {
                    diagnose("brazos: node 0 read checkpoint epoch \(restartEpoch) (\(chain.count) epoch\(chain.count == 1 ? "" : "s"), \(bytes) bytes) in \(Int(milliseconds)) ms")
                }
                // A launcher that is gone ends this node through its control connection anyway.
                try? node.tellLauncher(.restored(epoch: restartEpoch, bytes: bytes, milliseconds: milliseconds))
            } catch {
                throw SharedMemoryError.checkpoint("node \(node.id): epoch \(restartEpoch) in \(directory) does not verify: \(error)")
            }
        } else {
            restored = nil
        }
        firstEpoch = max(restartEpoch ?? 0, store.epochs().last ?? 0) + 1
        nextEpoch = firstEpoch
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
            sections.append(CheckpointSection(name: "messages \(rank)", payload: Self.encode(deposit.messages)))
        }
        let runs = allocations.flatMap { snapshot.runs(of: $0.0, full: full) }
        writer.submit(CheckpointWriter.Part(epoch: epoch, base: full ? nil : epoch - 1, sections: sections, runs: runs,
                                            changedPages: changed, homePages: homePages, stall: Int((monotonicSeconds() - start) * 1e6),
                                            ranks: hosted.count))
        deposits.withLock { $0.removeAll() }
        requests.withLock { $0.checkpoint = false }
        nextEpoch += 1
        lastCheckpoint = monotonicSeconds()
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
        if epoch > nextEpoch { nextEpoch = epoch }
    }

    private static let flushTag = 7_700

    // MARK: After a restart

    var restartedEpoch: Int? { restored?.manifest.epoch }

    /// A section of the newest epoch, from whichever node saved it.
    private func newestSection(_ name: String) -> [UInt8]? {
        restored?.sections.first { $0.name == name }?.payload
    }

    func resumeState(rank: Int) -> [UInt8]? { newestSection("thread \(rank)") }

    func fileRecords(rank: Int) throws -> [CheckpointedFile.Record] {
        guard let payload = newestSection("files \(rank)") else { return [] }
        return try JSONDecoder().decode([CheckpointedFile.Record].self, from: Data(payload))
    }

    func queuedMessages(rank: Int) throws -> [QueuedMessage] {
        try newestSection("messages \(rank)").map(Self.decode) ?? []
    }

    /// Every saved run of pages of allocation `name`, oldest epoch first, so later copies
    /// of a page replace earlier ones: (first page within it, bytes). Once per allocation:
    /// the runs are let go after.
    func forEachSavedRun(of name: String, _ body: (Int, ArraySlice<UInt8>) -> Void) {
        for run in savedPages.withLock({ $0.removeValue(forKey: name) ?? [] }) { body(run.first, run.bytes) }
    }

    // MARK: Messages as bytes

    /// `u32 count`, then per message `u32 context, i32 source, i32 tag, u32 length, bytes`.
    static func encode(_ messages: [QueuedMessage]) -> [UInt8] {
        var writer = ByteWriter()
        writer.put(UInt32(messages.count))
        for message in messages {
            writer.put(message.context)
            writer.put(message.source)
            writer.put(message.tag)
            writer.put(bytes: message.bytes)
        }
        return writer.bytes
    }

    static func decode(_ bytes: [UInt8]) throws -> [QueuedMessage] {
        var reader = ByteReader(bytes, what: "saved messages")
        do {
            return try (0..<Int(reader.take(UInt32.self))).map { _ in
                QueuedMessage(context: try reader.take(), source: try reader.take(), tag: try reader.take(), bytes: try reader.takeBytes())
            }
        } catch {
            throw SharedMemoryError.checkpoint("\(error)")
        }
    }
}

/// Runs a body once per name; callers for a name being run wait for it.
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
