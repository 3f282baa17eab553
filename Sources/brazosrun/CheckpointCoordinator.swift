import BrazosCore
import Checkpoint
import Synchronization

/// The job's checkpoint coordinator, in brazosrun. Each node's writer reports the part
/// it made durable; once an epoch is complete (`EpochAssembly`), the coordinator writes
/// its manifest, which makes it a checkpoint, keeps the newest K, and says so. Its mutexes
/// guard the assembly and the newest checkpoint made.
final class CheckpointCoordinator: Sendable {
    private let store: CheckpointStore
    private let options: Options
    private let jobID: String
    private let assembly: Guarded<EpochAssembly>
    /// The newest checkpoint this coordinator made complete: its epoch, when (monotonic
    /// seconds) and how big (bytes).
    private let newest = Guarded<JobSnapshot.Checkpoint?>(nil)

    var newestComplete: JobSnapshot.Checkpoint? { newest.withLock { $0 } }
    var completed: Int? { newestComplete?.epoch }

    init(store: CheckpointStore, options: Options, jobID: String) {
        self.store = store
        self.options = options
        self.jobID = jobID
        assembly = Guarded(EpochAssembly(firstNodes: options.nodes, rankCount: options.rankPlacement.rankCount))
    }

    /// A node's part is durable.
    func partWritten(_ report: PartReport) throws {
        if let complete = assembly.withLock({ $0.add(report) }) { try write(complete) }
    }

    /// Node `node` was drained: checkpoints from now on are made without its part.
    func nodeLeft(_ node: Int) throws {
        for complete in assembly.withLock({ $0.nodeLeft(node) }) { try write(complete) }
    }

    /// A node could not write its part: the epoch will not complete; the job goes on.
    func partFailed(epoch: Int, node: Int, reason: String) {
        diagnose("brazosrun: node \(node) could not write its part of checkpoint \(epoch) \(node) \(reason); that checkpoint is incomplete, the previous one stands")
    }

    private func write(_ complete: CompleteEpoch) throws {
        let summary = try complete.makeCheckpoint(in: store, job: jobID, program: options.program[0], arguments: Array(options.program.dropFirst()),
                                                  threads: options.rankPlacement.rankCount, keeping: options.keepCheckpoints)
        newest.withLock { newest in
            if complete.epoch >= newest?.epoch ?? 0 { newest = .init(epoch: complete.epoch, time: monotonicSeconds(), bytes: summary.manifest.totalSize) }
        }
        diagnose("brazosrun: \(summary.line)", level: .info, metadata: summary.fields.mapValues { .string($0) })
    }
}
