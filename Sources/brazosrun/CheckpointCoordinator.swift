import BrazosCore
import Checkpoint
#if canImport(Glibc)
import Glibc
#endif

/// The job's checkpoint coordinator, in brazosrun. Each node's writer reports the part
/// it made durable; once every node's part of an epoch is in, the coordinator writes the
/// epoch's manifest, which makes it a checkpoint, keeps the newest K, and says so.
final class CheckpointCoordinator: @unchecked Sendable {
    /// What a node reported of its part.
    struct Report {
        let part: Manifest.Part
        let base: Int?
        let changedPages: Int
        let homePages: Int
        /// How long the node's barrier was held, in microseconds.
        let stall: Int
        /// How many ranks' threads the part holds.
        let ranks: Int
        /// How long the node's writer took to make it durable, in microseconds.
        let writing: Int
    }

    private let store: CheckpointStore
    private let options: Options
    private let jobID: String
    private let lock = PthreadMutex()
    private var reports: [Int: [Int: Report]] = [:]
    /// The nodes whose parts a checkpoint needs (they home pages): every node the job
    /// started with, less those drained. Nodes that joined home none; an epoch is whole
    /// once its parts hold every rank too.
    private var expected: Set<Int>
    /// The newest checkpoint this coordinator made complete: its epoch, when (monotonic
    /// seconds) and how big (bytes).
    private var newest: JobSnapshot.Checkpoint?

    var newestComplete: JobSnapshot.Checkpoint? { lock.withLock { newest } }
    var completed: Int? { newestComplete?.epoch }

    init(store: CheckpointStore, options: Options, jobID: String) {
        self.store = store
        self.options = options
        self.jobID = jobID
        expected = Set(0..<options.nodes)
    }

    /// `part EPOCH NODE SIZE CRC32C BASE CHANGED HOME STALL RANKS WRITING` from node `node`.
    func partWritten(_ text: Substring, from node: Int) throws {
        let fields = text.split(separator: " ")
        guard fields.count == 10, let epoch = Int(fields[0]), Int(fields[1]) == node, let size = Int(fields[2]),
              let checksum = UInt32(fields[3], radix: 16), let base = Int(fields[4]), let changed = Int(fields[5]),
              let home = Int(fields[6]), let stall = Int(fields[7]), let ranks = Int(fields[8]), let writing = Int(fields[9]) else {
            throw BrazosError.malformed("node \(node) reported a part as '\(text)'")
        }
        let report = Report(part: Manifest.Part(node: node, file: "part-\(node).bcp", size: size, checksum: checksum),
                            base: base >= 0 ? base : nil, changedPages: changed, homePages: home, stall: stall, ranks: ranks, writing: writing)
        let all: [Report]? = lock.withLock {
            reports[epoch, default: [:]][node] = report
            return takeIfComplete(epoch)
        }
        if let all { try complete(epoch, all) }
    }

    /// Node `node` was drained: checkpoints from now on are made without its part.
    func nodeLeft(_ node: Int) throws {
        let ready = lock.withLock { () -> [(Int, [Report])] in
            expected.remove(node)
            return reports.keys.sorted().compactMap { epoch in takeIfComplete(epoch).map { (epoch, $0) } }
        }
        for (epoch, all) in ready { try complete(epoch, all) }
    }

    /// Under the lock: the reports of `epoch` once every expected node's is in and they
    /// hold every rank.
    private func takeIfComplete(_ epoch: Int) -> [Report]? {
        guard let parts = reports[epoch], expected.isSubset(of: Set(parts.keys)),
              parts.values.reduce(0, { $0 + $1.ranks }) == options.nodes * options.threadsPerNode else { return nil }
        return reports.removeValue(forKey: epoch)!.values.sorted { $0.part.node < $1.part.node }
    }

    /// `part-failed EPOCH NODE REASON`: the epoch will not complete; the job goes on.
    func partFailed(_ text: Substring, from node: Int) {
        diagnose("brazosrun: node \(node) could not write its part of checkpoint \(text); that checkpoint is incomplete, the previous one stands")
    }

    private func complete(_ epoch: Int, _ reports: [Report]) throws {
        let bases = Set(reports.map(\.base))
        guard bases.count == 1, let base = bases.first else {
            throw BrazosError.malformed("nodes disagree on what checkpoint \(epoch) builds on: \(bases)")
        }
        let manifest = Manifest(epoch: epoch, job: jobID, program: options.program[0], arguments: Array(options.program.dropFirst()),
                                threads: options.nodes * options.threadsPerNode, nodes: reports.count, created: time(nil),
                                base: base, parts: reports.map(\.part))
        try store.writeManifest(manifest)
        try store.prune(keeping: options.keepCheckpoints)
        lock.withLock {
            if epoch >= newest?.epoch ?? 0 { newest = .init(epoch: epoch, time: monotonicSeconds(), bytes: manifest.totalSize) }
        }
        let changed = reports.reduce(0) { $0 + $1.changedPages }, home = reports.reduce(0) { $0 + $1.homePages }
        let stall = Double(reports.map(\.stall).max() ?? 0) / 1000, writing = Double(reports.map(\.writing).max() ?? 0) / 1000
        let kind = base.map { "incremental on \($0)" } ?? "full"
        diagnose("brazosrun: checkpoint epoch \(epoch) complete (\(kind)): \(manifest.totalSize) bytes in \(reports.count) parts, "
                 + "\(changed) of \(home) pages changed, barrier held \(String(format1(stall))) ms at most, written in \(format1(writing)) ms at most",
                 level: .info, metadata: ["event": "checkpoint", "epoch": "\(epoch)", "bytes": "\(manifest.totalSize)", "parts": "\(reports.count)",
                                          "stall_ms": "\(format1(stall))", "write_ms": "\(format1(writing))"])
    }
}
