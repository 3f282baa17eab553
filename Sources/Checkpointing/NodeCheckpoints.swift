import BrazosCore
import BrazosMPI
import Checkpoint
import FoundationEssentials
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// This node's side of checkpoints, one per process whatever the program uses (shared
/// memory, the message-passing `Checkpoints`, VeloC's API): the epoch counter, what the
/// threads deposit at a checkpoint, the layers that add their pieces (`PartContributor`),
/// the launcher's requests, the saver's part of saving, and, after a restart, what was
/// saved (docs/ARCHITECTURE.md, "Checkpoints").
///
/// Unchecked: `deposits`, `requests`, `contributors` and `chain` are guarded. `nextEpoch` and
/// `lastCheckpoint` are atomics. The rest is set in init and never changes. (A thread
/// that moves at the checkpoint that saved may still read the epoch before the saver's
/// increment, and take it to a joining node: see docs/ARCHITECTURE.md, "Not yet built".)
package final class NodeCheckpoints: @unchecked Sendable {
    /// The checkpoint the job restarted from, decoded: its manifest and every rank's
    /// state, files, messages and protected buffers (its pages are in `savedPages`).
    package let restored: RestoredCheckpoint?
    /// Per allocation, its saved runs of pages from every epoch of the chain, oldest
    /// first. Each is dropped once restored.
    private let savedPages = Guarded<[String: [RestoredCheckpoint.PageRun]]>([:])
    /// A restart reads at most this many epochs: a full one and the incremental ones
    /// after it (see `save`).
    static let longestChain = 8
    /// Since the last full checkpoint: the incremental ones after it, and the pages they
    /// saved (summed over the nodes). The same on every node that votes; updated by the
    /// saver inside a checkpoint, read by the node's threads in the next.
    private let chain = Guarded<(length: Int, changed: Int64)>((0, 0))
    /// The buffers the ranks protect, always a contributor.
    package let protectedMemory = ProtectedMemory()
    /// The files the ranks route into their next checkpoint, always a contributor.
    package let routedFiles = RoutedFiles()
    /// For a checkpoint's saving, among the threads of this node.
    package let nodeBarrier = NodeBarrier()
    private let node: Node
    private let job: Brazos
    private let store: CheckpointStore
    private let writer: CheckpointWriter
    private let firstEpoch: Int
    private let contributors: Guarded<[any PartContributor]>
    /// The epoch the next checkpoint gets, and when the last was taken: written by the
    /// saver, read by the node's other threads (and by a thread leaving at the checkpoint
    /// that saved), so both are atomics.
    private let nextEpochValue = Atomic<Int>(0)
    private let lastCheckpointBits = Atomic<UInt64>(monotonicSeconds().bitPattern)
    package var nextEpoch: Int { nextEpochValue.load(ordering: .acquiring) }
    private var lastCheckpoint: Double { Double(bitPattern: lastCheckpointBits.load(ordering: .relaxed)) }
    private let deposits = Guarded<[Int: (state: [UInt8], files: [FileRecord], messages: [QueuedMessage])]>([:])
    /// What the launcher asked for: a checkpoint at the next eligible point, a planned
    /// stop after one, and the interval (seconds) between checkpoints.
    private let requests: Guarded<(checkpoint: Bool, stop: Bool, interval: Double?)>

    private static let attached = Guarded<NodeCheckpoints?>(nil)

    /// This process's checkpoints for `job`, made by the first layer that asks: nil when
    /// the job has no checkpoint directory (`BRAZOS_CHECKPOINT_DIR`). A restart
    /// (`BRAZOS_RESTART_EPOCH`, or in a job no brazosrun started, a directory holding a
    /// complete checkpoint of the same command) reads and decodes the epoch first, and
    /// puts each hosted rank's saved messages back in its queue: attach before `run`,
    /// before anything is sent.
    package static func attach(to job: Brazos) throws -> NodeCheckpoints? {
        let environment = JobConfig.environment
        guard let directory = environment("BRAZOS_CHECKPOINT_DIR") else { return nil }
        return try attached.withLock { attached in
            if let attached { return attached }
            let made = try NodeCheckpoints(directory: directory, localDirectory: environment("BRAZOS_LOCAL_CHECKPOINT_DIR"),
                                           restartEpoch: environment("BRAZOS_RESTART_EPOCH").flatMap { Int($0) }, job: job)
            attached = made
            return made
        }
    }

    /// Checkpoints in `directory` for `job`'s node; with `restartEpoch`, that epoch is read
    /// and decoded first. An epoch whose bytes verify but do not decode is refused and
    /// marked so in the store: a recovery or a restart then passes over it, as over a
    /// corrupt part.
    private init(directory: String, localDirectory: String?, restartEpoch: Int?, job: Brazos) throws {
        let node = job.node
        self.node = node
        self.job = job
        store = try CheckpointStore(directory: directory)
        var restartEpoch = restartEpoch
        let coordinator: PartCoordinator
        if node.hasLauncher {
            coordinator = .launcher(node)
        } else {
            let command = CommandLine.arguments
            let program = realPath(command.first ?? "")
            let inJob = InJobCoordinator(store: store, config: node.config, keep: InJobCoordinator.keepFromEnvironment,
                                         program: program, arguments: Array(command.dropFirst()))
            coordinator = .inJob(inJob)
            node.beforeFinishing { inJob.finish(waitingAtMost: 60) }
            if restartEpoch == nil {
                restartEpoch = try Self.sameCommandsCheckpoint(in: store, program: program, arguments: Array(command.dropFirst()), node: node)
            }
        }
        writer = CheckpointWriter(store: store, local: try localDirectory.map { try CheckpointStore(directory: "\($0)/node-\(node.id)") },
                                  node: node.id, coordinator: coordinator)
        contributors = Guarded([protectedMemory, routedFiles])
        let interval = JobConfig.environment("BRAZOS_CHECKPOINT_INTERVAL").flatMap { Double($0) }.flatMap { $0 > 0 ? $0 : nil }
        requests = Guarded((false, false, interval))
        if let restartEpoch {
            var checkpoint = try Self.read(restartEpoch, from: store, directory: directory, node: node)
            savedPages.withLock { $0 = checkpoint.takePages() }
            restored = checkpoint
        } else {
            restored = nil
        }
        firstEpoch = max(restartEpoch ?? 0, store.epochs().last ?? 0) + 1
        nextEpochValue.store(firstEpoch, ordering: .releasing)
        node.onLauncherRequest { [unowned self] request in handle(request) }
        node.beforeFinishing { [writer] in writer.waitUntilIdle() }
        // Messages that were sent before the checkpoint and not yet received arrive again,
        // ahead of anything sent after the restart.
        if let restored {
            for rank in node.localRanks { try job.requeue(restored.messages[rank] ?? [], for: rank) }
        }
        job.keepWindowMemory(with: WindowMemoryCheckpoints(node: self))
    }

    /// In a job no brazosrun started, running the same command again continues it: the
    /// newest complete checkpoint in the directory, if any, must be of this program, with
    /// these arguments and as many ranks, and the job restarts from it. A directory holding
    /// another job's checkpoints is refused (their pruning would lose them).
    private static func sameCommandsCheckpoint(in store: CheckpointStore, program: String, arguments: [String], node: Node) throws -> Int? {
        guard let (manifest, skipped) = store.newestComplete() else { return nil }
        var differences: [String] = []
        if realPath(manifest.program) != program { differences.append("the program is \(program), the checkpoint's \(manifest.program)") }
        if manifest.arguments != arguments {
            differences.append("the arguments are '\(arguments.joined(separator: " "))', the checkpoint's '\(manifest.arguments.joined(separator: " "))'")
        }
        if manifest.threads != node.config.rankCount {
            differences.append("the job has \(node.config.rankCount) ranks, the checkpoint \(manifest.threads)")
        }
        guard differences.isEmpty else {
            throw CheckpointingError("\(store.directory) holds checkpoint epoch \(manifest.epoch) of another job (\(differences.joined(separator: "; "))): "
                                     + "give this job a directory of its own")
        }
        if node.id == 0 {
            for (epoch, reason) in skipped { diagnose("brazos: passing over checkpoint epoch \(epoch): \(reason)") }
            diagnose("brazos: continuing from checkpoint epoch \(manifest.epoch) in \(store.directory): this command ran there before")
        }
        return manifest.epoch
    }

    private static func read(_ epoch: Int, from store: CheckpointStore, directory: String, node: Node) throws -> RestoredCheckpoint {
        InjectedFault.restoring(node: node.id)
        let start = monotonicSeconds()
        var reported = start
        let chain: [(manifest: Manifest, parts: [[CheckpointSection]])]
        // The node reads the sections of the ranks it hosts and every shared page (a home
        // page may be in any part), and seeks past the rest.
        let hosted = Set(node.localRanks)
        do {
            chain = try store.read(epoch, wanting: { SavedSection.isWanted($0, byNodeHosting: hosted) }) { read, total in
                // Node 0 speaks for every node: they all read the same chain.
                let now = monotonicSeconds()
                guard node.id == 0, read < total, now - reported >= JobConfig.progressInterval else { return }
                reported = now
                diagnose("brazos: node 0: reading checkpoint epoch \(epoch): \(read) of \(total) bytes (\(read * 100 / max(total, 1))%) in \(Int((now - start) * 1000)) ms")
            }
        } catch {
            // The launcher chose the epoch without reading every byte (`verifyQuickly`): a
            // part that does not verify is refused, as one that does not decode, so that
            // the recovery that follows passes over it.
            if case .invalid = error { try? store.refuse(epoch, reason: "\(error)") }
            throw CheckpointingError("node \(node.id): epoch \(epoch) in \(directory) does not verify: \(error)")
        }
        let checkpoint: RestoredCheckpoint
        do {
            checkpoint = try RestoredCheckpoint(chain, ranks: node.config.rankCount)
        } catch {
            throw refusal(error, epoch: epoch, store: store, directory: directory, node: node)
        }
        let bytes = chain.reduce(0) { $0 + $1.manifest.totalSize }
        let milliseconds = (monotonicSeconds() - start) * 1000
        if node.id == 0 {
            diagnose("brazos: node 0 read checkpoint epoch \(epoch) (\(chain.count) epoch\(chain.count == 1 ? "" : "s"), \(bytes) bytes) in \(Int(milliseconds)) ms")
        }
        // A launcher that is gone ends this node through its control connection anyway.
        if node.hasLauncher { try? node.tellLauncher(.restored(epoch: epoch, bytes: bytes, milliseconds: milliseconds)) }
        return checkpoint
    }

    /// Every node decodes the same chain and refuses it alike, and marks it so (the same
    /// words): the first to fail ends the attempt, and its mark is there before the
    /// launcher picks the epoch to recover from.
    private static func refusal(_ error: UnusableSection, epoch: Int, store: CheckpointStore, directory: String, node: Node) -> CheckpointingError {
        try? store.refuse(error.epoch ?? epoch, reason: "\(error)")
        return CheckpointingError("node \(node.id): refusing epoch \(epoch) in \(directory): \(error)")
    }

    /// Shared memory, attached after the chain was decoded, refuses pages past its region
    /// as the decoding would have, before any page is restored.
    package func checkSavedPages(within regionPages: Int) throws {
        guard let epoch = restored?.manifest.epoch else { return }
        for (allocation, runs) in savedPages.withLock({ $0 }) {
            for run in runs where run.first > regionPages || run.bytes.count / SavedSection.pageSize > regionPages - run.first {
                let pages = run.bytes.count / SavedSection.pageSize
                throw Self.refusal(UnusableSection(epoch: epoch, section: SavedSection.pagesPrefix + allocation,
                                                   reason: "\(pages) pages from page \(run.first) lie past the region's \(regionPages)"),
                                   epoch: epoch, store: store, directory: store.directory, node: node)
            }
        }
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

    /// A layer whose pieces every checkpoint of this node saves from now on.
    package func register(_ contributor: any PartContributor) {
        contributors.withLock { $0.append(contributor) }
    }

    // MARK: Taking checkpoints

    /// Collective over every rank, at a point where a checkpoint may be taken: whether
    /// the ranks take one now (`always`, or any node's interval passed or a checkpoint or
    /// stop was asked for), and whether the job stops after it.
    package func decide(_ thread: BrazosThread, always: Bool) throws -> (save: Bool, stop: Bool) {
        let wishes = requests.withLock { requests in
            let elapsed = requests.interval.map { monotonicSeconds() - lastCheckpoint >= $0 } ?? false
            return (checkpoint: requests.checkpoint || requests.stop || elapsed, stop: requests.stop)
        }
        let agreed = try thread.runtime.allreduce([Int32(always || wishes.checkpoint ? 1 : 0), Int32(wishes.stop ? 1 : 0)], op: .max)
        return (agreed[0] == 1, agreed[1] == 1)
    }

    /// A checkpoint saves no request in progress: a thread that brings one to a
    /// checkpoint is told so (before any other thread waits on it).
    package func checkNothingPending(_ thread: BrazosThread) throws {
        let pending = thread.world.pendingOperations
        guard pending == 0 else {
            throw CheckpointingError("rank \(thread.rank) reached a checkpoint with \(pending) non-blocking operation\(pending == 1 ? "" : "s") in progress; wait for them first")
        }
        let windows = thread.world.windowsInEpoch
        guard windows == 0 else {
            throw CheckpointingError("rank \(thread.rank) reached a checkpoint with \(windows) window\(windows == 1 ? "" : "s") inside an epoch (a lock, a post or start, or accesses since the last fence); end it first")
        }
    }

    /// On every rank, inside a checkpoint the ranks agreed on: makes sure every message
    /// sent to it before has arrived, and deposits its state, its open files and its
    /// messages not yet received. The node's saver (its lowest rank), once every thread
    /// of the node has deposited, has each layer find what changed; an allreduce over
    /// every rank decides full or incremental; the saver then has each layer copy what
    /// the part needs and hands it to the writer, and a barrier over every rank keeps
    /// every node from going on (sending shared pages' diffs to a node still copying)
    /// until all have their copies. The checkpoint holds the threads for the flush, the
    /// compare, the copy and three collectives, never for the disk.
    package func save(_ thread: BrazosThread, state: [UInt8], files: [FileRecord]) throws {
        let start = monotonicSeconds()
        let runtime = thread.runtime
        try runtime.flushChannels(tag: Self.flushTag)
        let messages = try job.queuedMessages(for: thread.rank, except: runtime)
        deposits.withLock { $0[thread.rank] = (state, files, messages) }
        let hosted = job.hostedRanks
        let saver = thread.rank == hosted.min()
        let layers = contributors.withLock { $0 }
        var changed = 0, total = 0
        try nodeBarrier.wait(threads: hosted.count, isLeader: saver) {
            // The layers compare with what the writer saved last: it must be done.
            writer.waitUntilIdle()
            for layer in layers {
                let counts = try layer.capture()
                changed += counts.changed
                total += counts.total
            }
        }
        // The nodes agree whether this one is full: the first of the run; or one after
        // `longestChain` - 1 incremental ones; or when the pages changed since the last
        // full one, these included, make half of all pages (a restart would then read
        // as much as one more full checkpoint). A node that joined knows no chain, and
        // does not vote: the others' chains are the same, so their sum over the voters
        // gives it.
        let epoch = nextEpoch
        let votes = !node.config.joining
        let since = chain.withLock { $0 }
        let totals = try runtime.allreduce([Int64(changed), Int64(total), votes && epoch == firstEpoch ? 1 : 0, votes ? 1 : 0,
                                            votes ? Int64(since.length) : 0, votes ? since.changed : 0], op: .sum)
        let voters = max(totals[3], 1)
        let full = totals[2] > 0 || totals[3] == 0 || totals[4] / voters >= Int64(Self.longestChain - 1)
            || 2 * (totals[5] / voters + totals[0]) >= totals[1]
        // The node's threads wait while the saver copies: protected buffers are the
        // program's own memory, which they would change.
        try nodeBarrier.wait(threads: hosted.count, isLeader: saver) {
            var sections: [CheckpointSection] = []
            let lists = protectedMemory.lists(for: hosted)
            for (rank, deposit) in deposits.withLock({ $0.sorted { $0.key < $1.key } }) {
                sections.append(CheckpointSection(name: "thread \(rank)", payload: deposit.state))
                sections.append(CheckpointSection(name: "files \(rank)", payload: Array(try JSONEncoder().encode(deposit.files))))
                sections.append(CheckpointSection(name: "messages \(rank)", payload: SavedSection.encode(deposit.messages)))
                sections.append(CheckpointSection(name: "protected \(rank)", payload: SavedSection.encode(buffers: lists[rank] ?? [])))
            }
            writer.submit(CheckpointWriter.Part(epoch: epoch, base: full ? nil : epoch - 1, sections: sections, pieces: layers.map { $0.seal(full: full) },
                                                stall: Int((monotonicSeconds() - start) * 1e6), ranks: hosted.count))
            chain.withLock { $0 = full ? (0, 0) : ($0.length + 1, $0.changed + totals[0]) }
            deposits.withLock { $0.removeAll() }
            requests.withLock { $0.checkpoint = false }
            nextEpochValue.add(1, ordering: .releasing)
            lastCheckpointBits.store(monotonicSeconds().bitPattern, ordering: .relaxed)
        }
        try runtime.barrier()
    }

    /// After a planned-stop checkpoint: once its part is written, the node's saver tells
    /// the launcher, which ends every node when all have said so; the threads wait for it.
    package func stop(_ thread: BrazosThread) throws -> Never {
        if thread.rank == job.hostedRanks.min() {
            writer.waitUntilIdle()
            try node.tellLauncher(.stopping(epoch: lastSavedEpoch))
        }
        while true { pause() }
    }

    package var lastSavedEpoch: Int { nextEpoch - 1 }

    /// Returns once this node's last part is written (or failed, which was reported).
    package func waitUntilWritten() { writer.waitUntilIdle() }

    /// Whether this node's last part is written (or failed), without waiting.
    package var isWritten: Bool { writer.isIdle }

    /// On a node that joined the job: a thread arrived from nodes whose next checkpoint
    /// is `epoch`, and so is this node's.
    package func catchUp(toEpoch epoch: Int) {
        _ = nextEpochValue.max(epoch, ordering: .acquiringAndReleasing)
    }

    private static let flushTag = 7_700

    // MARK: After a restart

    package var restartedEpoch: Int? { restored?.manifest.epoch }

    package func resumeState(rank: Int) -> [UInt8]? { restored?.states[rank] }

    package func fileRecords(rank: Int) -> [FileRecord] { restored?.files[rank] ?? [] }

    package func routedFiles(rank: Int) -> [RoutedFile] { restored?.routedFiles[rank] ?? [] }

    /// Every saved run of pages of allocation `name`, oldest epoch first, so later copies
    /// of a page replace earlier ones: (first page within it, bytes). Once per allocation:
    /// the runs are let go after.
    package func forEachSavedRun(of name: String, _ body: (Int, ArraySlice<UInt8>) -> Void) {
        for run in savedPages.withLock({ $0.removeValue(forKey: name) ?? [] }) { body(run.first, run.bytes) }
    }
}

/// A checkpoint that cannot be taken or restored, and why.
public struct CheckpointingError: Error, CustomStringConvertible {
    public let detail: String
    package init(_ detail: String) { self.detail = detail }
    public var description: String { "checkpoint: \(detail)" }
}
