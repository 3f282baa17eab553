import BrazosCore
import Checkpoint
#if canImport(Glibc)
import Glibc
#endif

/// The checkpoint coordinator of a job that no brazosrun started (mpirun, srun): every
/// node writes its part report beside its part (`CheckpointStore.writeReport`), and node 0
/// collects them in an `EpochAssembly`, as brazosrun's `CheckpointCoordinator` does from
/// its control connections, writes each complete epoch's manifest and keeps the newest
/// `keep`. Node 0 learns of an epoch from its own writer's report; a thread of its own
/// then looks for the others' reports, less often the longer it waits.
///
/// Unchecked: `state` is guarded by `mutex`, which `condition` waits with; the rest is set
/// in init and never changes.
final class InJobCoordinator: @unchecked Sendable {
    private let store: CheckpointStore
    private let node: Int
    private let nodes: Int
    private let keep: Int
    private let job: String
    private let program: String
    private let arguments: [String]
    private let threads: Int
    private let mutex = PthreadMutex()
    private let condition = PthreadCondition()
    /// Node 0's epochs reported by its own writer and not yet complete, and the assembly.
    private var pending: Set<Int> = []
    private var assembly: EpochAssembly
    private var started = false

    /// How many complete epochs a job without brazosrun keeps (`BRAZOS_KEEP_CHECKPOINTS`,
    /// 2 by default, as `brazosrun --keep-checkpoints`).
    static var keepFromEnvironment: Int {
        JobConfig.environment("BRAZOS_KEEP_CHECKPOINTS").flatMap { Int($0) }.map { max(1, $0) } ?? 2
    }

    init(store: CheckpointStore, config: JobConfig, keep: Int, program: String, arguments: [String]) {
        self.store = store
        node = config.node
        nodes = config.nodeCount
        self.keep = keep
        job = config.jobID
        self.program = program
        self.arguments = arguments
        threads = config.rankCount
        assembly = EpochAssembly(firstNodes: config.nodeCount, rankCount: config.rankCount)
    }

    /// This node's part of `report.epoch` is durable: its report goes beside it, and node 0
    /// looks for the others'.
    func partWritten(_ report: PartReport) throws {
        try store.writeReport(report)
        guard node == 0 else { return }
        mutex.withLock {
            pending.insert(report.epoch)
            if !started {
                started = true
                NativeThread.spawn { [self] in collect() }
            }
            condition.broadcast()
        }
    }

    func partFailed(epoch: Int, reason: String) {
        diagnose("brazos: node \(node) could not write its part of checkpoint \(epoch): \(reason); that checkpoint is incomplete, the previous one stands")
    }

    /// On node 0, before the job ends: waits (at most `seconds`) until the epochs its
    /// writer reported are complete, so that the last checkpoint gets its manifest.
    func finish(waitingAtMost seconds: Double) {
        guard node == 0 else { return }
        let deadline = monotonicSeconds() + seconds
        mutex.withLock {
            while !pending.isEmpty && monotonicSeconds() < deadline { condition.wait(mutex, seconds: 0.05) }
        }
        let left = mutex.withLock { pending.sorted() }
        if let oldest = left.first {
            diagnose("brazos: node 0: checkpoint epoch \(oldest) did not complete before the job ended: not every node reported its part")
        }
    }

    private func collect() {
        var delay = 0.002
        while true {
            let epochs: [Int] = mutex.withLock {
                while pending.isEmpty { condition.wait(mutex, seconds: 3600) }
                return pending.sorted()
            }
            var progressed = false
            for epoch in epochs {
                let reports = store.reports(of: epoch, nodes: nodes)
                let complete: CompleteEpoch? = mutex.withLock {
                    var found: CompleteEpoch?
                    for report in reports { found = assembly.add(report) ?? found }
                    return found
                }
                guard let complete else { continue }
                progressed = true
                write(complete)
                mutex.withLock {
                    // An older epoch still open will not be wanted once a newer one is complete.
                    pending = pending.filter { $0 > complete.epoch }
                    condition.broadcast()
                }
            }
            delay = progressed ? 0.002 : min(delay * 2, 0.25)
            usleep(UInt32(delay * 1e6))
        }
    }

    private func write(_ complete: CompleteEpoch) {
        do {
            let summary = try complete.makeCheckpoint(in: store, job: job, program: program, arguments: arguments, threads: threads, keeping: keep)
            diagnose("brazos: \(summary.line)", level: .info, metadata: summary.fields.mapValues { .string($0) })
        } catch {
            diagnose("brazos: node 0 could not complete checkpoint epoch \(complete.epoch): \(error); the previous one stands")
        }
    }
}
