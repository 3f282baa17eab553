import BrazosCore
import Checkpoint
#if canImport(Glibc)
import Glibc
#endif

/// Runs a job and, when it has a checkpoint directory, recovers it by itself: a node that
/// dies (killed, hung, its connection lost) ends the attempt, and the job starts again
/// from the newest complete checkpoint, or from the beginning if it had none yet, with
/// the failed host's nodes on a spare host or else on the surviving hosts. A node that
/// exits with an error status is the program's own choice, and ends the job. A node
/// that got SIGTERM or SIGPWR from outside is not a failure: the job stops after a
/// checkpoint and continues from it at once, that node's host replaced the same way.
enum Recovery {
    /// Attempts after the first, at most: a failure that repeats is reported, not chased.
    static let maximumRecoveries = 5

    static func run(_ initial: Options) throws -> Int32 {
        var options = initial
        var recoveries = 0
        var stopRequested = false
        var recovery: RecoveryProgress?
        let jobStarted = monotonicSeconds()
        if let timeout = options.timeout { Timeout.start(after: timeout, setting: options.timeoutSetting) { JobControl.attempt } }
        JobControl.serve()
        if let directory = options.checkpointDirectory {
            diagnose("brazosrun: job \(getpid()); checkpoints in \(directory) (brazosrun checkpoint \(getpid()) asks for one)")
        }
        while true {
            let supervisor = try Supervisor(options: options, stopRequested: stopRequested, recoveries: recoveries, jobStarted: jobStarted,
                                            recovery: recovery)
            Signals.deliver(to: supervisor)
            JobControl.attach(supervisor)
            let outcome = try supervisor.run()
            JobControl.attach(nil)
            Signals.deliver(to: nil)
            if Timeout.hasExpired { return 124 }
            stopRequested = outcome.stopRequested
            // What the configuration file said while the job ran holds for the next attempt.
            options.checkpointInterval = outcome.interval
            options.configVersion = outcome.configVersion
            if let epoch = outcome.plannedStop, let evacuated = outcome.evacuated {
                let placement = replaceHost(of: evacuated.node, in: &options)
                options.restartEpoch = epoch
                stopRequested = false
                recovery = nil
                diagnose("brazosrun: continuing from checkpoint epoch \(epoch) after node \(evacuated.node)'s \(signalName(evacuated.signal))"
                         + (placement.isEmpty ? " (no other host to move to: on the same hosts)" : placement))
                continue
            }
            if let epoch = outcome.plannedStop {
                diagnose("brazosrun: job stopped after checkpoint epoch \(epoch); continue it with: brazosrun restart --checkpoint-dir "
                         + "\(options.checkpointDirectory ?? "?") -n \(options.nodes)\(options.threadsPerNode.map { " -T \($0)" } ?? "") \(options.program.joined(separator: " "))")
                return 0
            }
            let status = outcome.status
            guard status != 0, options.autoRecover, !outcome.interrupted, let directory = options.checkpointDirectory,
                  let failure = outcome.failure, !failure.isTheProgramsChoice else { return status }
            guard recoveries < maximumRecoveries else {
                diagnose("brazosrun: giving up after \(recoveries) recoveries", level: .error)
                return status
            }
            recoveries += 1
            let placement = replaceHost(of: failure.node, in: &options)
            let newest = try CheckpointStore(directory: directory).newestComplete()
            options.restartEpoch = newest?.manifest.epoch
            let reached = outcome.lastCheckpoint.map { "after checkpoint epoch \($0)" } ?? "before its first checkpoint"
            let stopped = "every node stopped \(formatDuration(monotonicSeconds() - failure.at)) after the failure"
            if let epoch = newest?.manifest.epoch {
                diagnose("brazosrun: node \(failure.node) failed (\(failure.reason)) \(reached); recovering from checkpoint epoch \(epoch) in \(directory)\(placement) (recovery \(recoveries); \(stopped))", level: .warning, metadata: ["event": "recovery", "epoch": "\(epoch)"])
            } else {
                diagnose("brazosrun: node \(failure.node) failed (\(failure.reason)) before the first checkpoint; starting the job again\(placement) (recovery \(recoveries); \(stopped))", level: .warning, metadata: ["event": "recovery"])
            }
            recovery = RecoveryProgress(number: recoveries, failedNode: failure.node, failedAt: failure.at, epoch: newest?.manifest.epoch)
        }
    }

    /// Moves the failed node's host out of the job: its nodes go to the next spare host,
    /// or else to the hosts that remain. A job on one host stays there. Says where.
    private static func replaceHost(of node: Int, in options: inout Options) -> String {
        // A node that joined the job while it ran is not started again: the job continues
        // on the nodes it was started with.
        guard node < options.placement.count else { return "" }
        let failed = options.placement[node]
        let others = options.hosts.filter { $0 != failed }
        guard !options.hosts.isEmpty, !others.isEmpty || !options.spareHosts.isEmpty else { return "" }
        if !options.spareHosts.isEmpty {
            let spare = options.spareHosts.removeFirst()
            options.hosts = options.hosts.map { $0 == failed ? spare : $0 }
            return " with spare host \(spare) in place of \(failed)"
        }
        options.hosts = others
        var seen: [String] = []
        for host in others where !seen.contains(host) { seen.append(host) }
        return " on the surviving hosts \(seen.joined(separator: ","))"
    }
}
