import BrazosCore
import BrazosMPI
import CBrazos
import Checkpoint
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The shared memory's side of checkpoints: the directory, the epoch counter, the
/// threads' states for the checkpoint in progress, and, after a restart, what was saved.
final class Checkpoints: @unchecked Sendable {
    let store: CheckpointStore
    /// The checkpoint the job restarted from: its manifest and every node's sections.
    let restored: (manifest: Manifest, parts: [[CheckpointSection]])?
    private var nextEpoch: Int
    private let states = Mutex<[Int: [UInt8]]>([:])
    /// Seconds between checkpoints at eligible barriers (`--checkpoint-every 30s`), if any.
    private let interval: Double?
    private var lastCheckpoint = monotonicSeconds()

    init(directory: String, restartEpoch: Int?, node: Int) throws {
        let store = try CheckpointStore(directory: directory)
        self.store = store
        interval = JobConfig.environment("BRAZOS_CHECKPOINT_INTERVAL").flatMap { Double($0) }.flatMap { $0 > 0 ? $0 : nil }
        brazos_checkpoint_signal_install()
        if let restartEpoch {
            guard case let .complete(manifest) = store.verify(restartEpoch) else {
                throw SharedMemoryError.malformed("node \(node): checkpoint epoch \(restartEpoch) in \(directory) does not verify")
            }
            restored = (manifest, try manifest.parts.map { try store.readPart(manifest, node: $0.node) })
            nextEpoch = restartEpoch + 1
        } else {
            restored = nil
            nextEpoch = (store.epochs().last ?? 0) + 1
        }
    }

    func deposit(_ state: [UInt8], rank: Int) { states.withLock { $0[rank] = state } }

    /// Whether this node wants a checkpoint at this barrier: its interval has passed, or
    /// a request came (SIGUSR1, forwarded by brazosrun; `brazosrun checkpoint JOB`).
    func isDue() -> Bool {
        let requested = brazos_checkpoint_request_take() != 0
        let elapsed = interval.map { monotonicSeconds() - lastCheckpoint >= $0 } ?? false
        return requested || elapsed
    }

    func resumeState(rank: Int) -> [UInt8]? {
        restored?.parts.lazy.flatMap { $0 }.first { $0.name == "thread \(rank)" }?.payload
    }

    /// Every saved run of pages of allocation `name`: (first page within it, bytes).
    func forEachSavedRun(of name: String, _ body: (Int, [UInt8]) -> Void) {
        guard let restored else { return }
        for sections in restored.parts {
            for section in sections where section.name == "pages \(name)" && section.payload.count >= 8 {
                let first = section.payload.withUnsafeBytes { Int(UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self))) }
                body(first, Array(section.payload.dropFirst(8)))
            }
        }
    }

    /// On a node's leader, inside a checkpointing barrier: writes this node's part, then
    /// the leaders agree on every part's size and checksum and the first writes the
    /// manifest; nobody goes on before it is durable.
    func save(pages: [(name: String, first: Int, bytes: [UInt8])], among leaders: Communicator, config: JobConfig) throws {
        let node = config.node, nodes = config.nodeCount
        let epoch = nextEpoch
        var sections = states.withLock { states in states.sorted { $0.key < $1.key }.map { CheckpointSection(name: "thread \($0.key)", payload: $0.value) } }
        for run in pages {
            var payload: [UInt8] = []
            withUnsafeBytes(of: UInt64(run.first).littleEndian) { payload += $0 }
            sections.append(CheckpointSection(name: "pages \(run.name)", payload: payload + run.bytes))
        }
        let part = try store.writePart(epoch: epoch, node: node, sections: sections)
        // Each leader's entry: node, size, and the digest as four words.
        let digestWords = stride(from: 0, to: 32, by: 8).map { offset in
            part.digest[offset..<(offset + 8)].reduce(Int64(0)) { $0 << 8 | Int64($1) }
        }
        let all = try leaders.allgather([Int64(part.node), Int64(part.size)] + digestWords)
        if leaders.rank == 0 {
            let parts = stride(from: 0, to: all.count, by: 6).map { start -> Manifest.Part in
                let digest = all[(start + 2)..<(start + 6)].flatMap { word in (0..<8).reversed().map { UInt8(truncatingIfNeeded: word >> ($0 * 8)) } }
                return Manifest.Part(node: Int(all[start]), file: "part-\(all[start]).bcp", size: Int(all[start + 1]), digest: digest)
            }
            let arguments = Array(CommandLine.arguments)
            try store.writeManifest(Manifest(epoch: epoch, job: config.jobID, program: arguments[0],
                                             arguments: Array(arguments.dropFirst()), threads: config.threadsPerNode * nodes, nodes: nodes,
                                             created: time(nil), parts: parts.sorted { $0.node < $1.node }))
            try store.prune(keeping: 2)
            diagnose("brazos: checkpoint epoch \(epoch) complete in \(store.directory)")
        }
        try leaders.barrier()
        states.withLock { $0.removeAll() }
        nextEpoch += 1
        lastCheckpoint = monotonicSeconds()
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
