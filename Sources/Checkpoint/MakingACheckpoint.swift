import BrazosCore
#if canImport(Glibc)
import Glibc
#endif

extension CompleteEpoch {
    /// Makes the epoch a checkpoint of the job `job` running `program` with `arguments` on
    /// `threads` ranks: writes its manifest in `store` (from then on a recovery may start
    /// from it), then keeps the newest `keep` there (`CheckpointStore.prune`). brazosrun's
    /// coordinator and a job's own (under mpirun or srun) both make checkpoints this way;
    /// each says the summary returned in its own voice.
    public func makeCheckpoint(in store: CheckpointStore, job: String, program: String, arguments: [String], threads: Int,
                               keeping keep: Int) throws -> CheckpointSummary {
        let manifest = try manifest(job: job, program: program, arguments: arguments, threads: threads, created: time(nil))
        try store.writeManifest(manifest)
        try store.prune(keeping: keep)
        return CheckpointSummary(manifest: manifest, reports: reports)
    }
}

/// What the coordinator says of a checkpoint it made: its size and how much of the shared
/// pages it saved, and the longest a node's barrier was held for it and its writer took.
public struct CheckpointSummary: Sendable {
    /// The manifest written.
    public let manifest: Manifest
    /// Pages saved because they changed since the base, and home pages in all.
    public let changedPages: Int, homePages: Int
    /// The longest any node held its barrier for the checkpoint, and the longest any
    /// node's writer took, in milliseconds.
    public let stallMilliseconds: Double, writeMilliseconds: Double
    /// The CPU time every node's checkpoint threads spent on it, and the longest any
    /// node's ranks waited in copy-on-write faults, in milliseconds.
    public let cpuMilliseconds: Double, faultWaitMilliseconds: Double

    init(manifest: Manifest, reports: [PartReport]) {
        self.manifest = manifest
        changedPages = reports.reduce(0) { $0 + $1.changedPages }
        homePages = reports.reduce(0) { $0 + $1.homePages }
        stallMilliseconds = Double(reports.map(\.stallMicroseconds).max() ?? 0) / 1000
        writeMilliseconds = Double(reports.map(\.writeMicroseconds).max() ?? 0) / 1000
        cpuMilliseconds = Double(reports.reduce(0) { $0 + $1.cpuMicroseconds }) / 1000
        faultWaitMilliseconds = Double(reports.map(\.faultWaitMicroseconds).max() ?? 0) / 1000
    }

    /// `checkpoint epoch E complete (full | incremental on B): BYTES bytes in N parts, C of
    /// H pages changed, barrier held S ms at most, written in W ms at most with P ms of
    /// CPU and F ms of fault waits at most`, which the coordinator prefixes with its name.
    public var line: String {
        let kind = manifest.base.map { "incremental on \($0)" } ?? "full"
        return "checkpoint epoch \(manifest.epoch) complete (\(kind)): \(manifest.totalSize) bytes in \(manifest.parts.count) parts, "
            + "\(changedPages) of \(homePages) pages changed, barrier held \(format1(stallMilliseconds)) ms at most, "
            + "written in \(format1(writeMilliseconds)) ms at most with \(format1(cpuMilliseconds)) ms of CPU "
            + "and \(format1(faultWaitMilliseconds)) ms of fault waits at most"
    }

    /// The line's figures, by name, for a log written as JSON.
    public var fields: [String: String] {
        ["event": "checkpoint", "epoch": "\(manifest.epoch)", "bytes": "\(manifest.totalSize)", "parts": "\(manifest.parts.count)",
         "stall_ms": format1(stallMilliseconds), "write_ms": format1(writeMilliseconds), "cpu_ms": format1(cpuMilliseconds),
         "fault_wait_ms": format1(faultWaitMilliseconds)]
    }
}
