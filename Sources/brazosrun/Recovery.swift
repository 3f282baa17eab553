import BrazosCore
import Checkpoint
#if canImport(Glibc)
import Glibc
#endif

/// Runs a job and, when it has a checkpoint directory, recovers it by itself: a node that
/// dies (killed, or its connection lost) ends the attempt, and the job starts again from
/// the newest complete checkpoint, or from the beginning if it had none yet. A node that
/// exits with an error status is the program's own choice, and ends the job.
enum Recovery {
    /// Attempts after the first, at most: a failure that repeats is reported, not chased.
    static let maximumRecoveries = 5

    static func run(_ initial: Options) throws -> Int32 {
        var options = initial
        var recoveries = 0
        if let directory = options.checkpointDirectory {
            diagnose("brazosrun: job \(getpid()); checkpoints in \(directory) (brazosrun checkpoint \(getpid()) asks for one)")
        }
        while true {
            let supervisor = Supervisor(options: options)
            let status = try supervisor.run()
            guard status != 0, options.autoRecover, let directory = options.checkpointDirectory,
                  let failure = supervisor.failure, !failure.byTheProgram else { return status }
            guard recoveries < maximumRecoveries else {
                diagnose("brazosrun: giving up after \(recoveries) recoveries")
                return status
            }
            recoveries += 1
            let newest = try CheckpointStore(directory: directory).newestComplete()
            options.restartEpoch = newest?.manifest.epoch
            if let epoch = newest?.manifest.epoch {
                diagnose("brazosrun: node \(failure.node) failed (\(failure.reason)); recovering from checkpoint epoch \(epoch) in \(directory) (recovery \(recoveries))")
            } else {
                diagnose("brazosrun: node \(failure.node) failed (\(failure.reason)) before the first checkpoint; starting the job again (recovery \(recoveries))")
            }
        }
    }
}
