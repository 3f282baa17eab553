import BrazosCore
import Checkpoint

/// `brazosrun restart --checkpoint-dir DIR -n N PROGRAM ARGS`: the newest complete
/// checkpoint in DIR, checked against what is to be started (same program and arguments),
/// then the job is started from it on N nodes. Without `-T` the checkpoint's threads are
/// spread over them (`RankPlacement(spreading:over:)`); with it, N x T must be as many.
enum Restart {
    static func prepare(_ options: inout Options) throws {
        guard let directory = options.checkpointDirectory else {
            throw BrazosError.configuration("restart needs --checkpoint-dir DIR")
        }
        let store = try CheckpointStore(existing: directory)
        guard let (manifest, skipped) = store.newestComplete() else {
            throw BrazosError.configuration("no complete checkpoint in \(directory) (brazosrun checkpoints verify \(directory) says why)")
        }
        for (epoch, reason) in skipped { diagnose("brazosrun: passing over checkpoint epoch \(epoch): \(reason)") }
        var differences: [String] = []
        if realPath(manifest.program) != realPath(options.program[0]) {
            differences.append("the program is \(options.program[0]), the checkpoint's \(manifest.program)")
        }
        if manifest.arguments != Array(options.program.dropFirst()) {
            differences.append("the arguments are '\(options.program.dropFirst().joined(separator: " "))', the checkpoint's '\(manifest.arguments.joined(separator: " "))'")
        }
        if let threadsPerNode = options.threadsPerNode {
            let threads = options.nodes * threadsPerNode
            if manifest.threads != threads {
                differences.append("-n \(options.nodes) -T \(threadsPerNode) makes \(threads) thread\(threads == 1 ? "" : "s"), the checkpoint has \(manifest.threads)"
                                   + " (without -T they are spread over the nodes)")
            }
        } else if options.nodes > manifest.threads {
            differences.append("-n \(options.nodes) is more nodes than the checkpoint's \(manifest.threads) thread\(manifest.threads == 1 ? "" : "s")"
                               + " (every node hosts at least one)")
        } else {
            options.spreadThreads = manifest.threads
        }
        guard differences.isEmpty else {
            throw BrazosError.configuration("refusing to restart from epoch \(manifest.epoch) in \(directory): " + differences.joined(separator: "; "))
        }
        options.restartEpoch = manifest.epoch
        let placement = options.rankPlacement
        let shape = placement.isUniform ? "" : " (threads per node \(placement.environmentValue))"
        diagnose("brazosrun: restarting from checkpoint epoch \(manifest.epoch) in \(directory) on \(options.nodes) node\(options.nodes == 1 ? "" : "s")\(shape)")
    }

    /// A job started (not restarted) in a checkpoint directory that holds a complete
    /// checkpoint: the same command run again continues from it, as VeloC's users restart
    /// (the same program, arguments and thread count); another job's checkpoints are
    /// refused before anything is written or pruned there.
    static func continueIfRanBefore(_ options: inout Options) throws {
        guard let directory = options.checkpointDirectory, let store = try? CheckpointStore(existing: directory),
              let (manifest, skipped) = store.newestComplete() else { return }
        var differences: [String] = []
        if realPath(manifest.program) != realPath(options.program[0]) {
            differences.append("the program is \(options.program[0]), the checkpoint's \(manifest.program)")
        }
        if manifest.arguments != Array(options.program.dropFirst()) {
            differences.append("the arguments are '\(options.program.dropFirst().joined(separator: " "))', the checkpoint's '\(manifest.arguments.joined(separator: " "))'")
        }
        let threads = options.rankPlacement.rankCount
        if manifest.threads != threads {
            differences.append("the job has \(threads) thread\(threads == 1 ? "" : "s"), the checkpoint \(manifest.threads) (brazosrun restart -n N spreads them over N nodes)")
        }
        guard differences.isEmpty else {
            throw BrazosError.configuration("\(directory) holds checkpoint epoch \(manifest.epoch) of another job (" + differences.joined(separator: "; ")
                                            + "): give this job a directory of its own")
        }
        for (epoch, reason) in skipped { diagnose("brazosrun: passing over checkpoint epoch \(epoch): \(reason)") }
        options.restartEpoch = manifest.epoch
        diagnose("brazosrun: continuing from checkpoint epoch \(manifest.epoch) in \(directory): this command ran there before (another directory starts afresh)")
    }
}
