import BrazosCore

// The checkpoint protocol (docs/ARCHITECTURE.md, "Checkpoints"): what a node reports of
// its part is a `PartReport`, which travels as a control message and so is defined with
// them, in BrazosCore/Control; when an epoch is complete is decided here; which epoch a
// recovery or a restart starts from is `CheckpointStore.newestComplete()`: the newest
// whose manifest, parts and chain of bases verify (a manifest is written only once every
// part of its epoch is durable).

/// brazosrun's collection of the nodes' part reports. An epoch is complete once every
/// node that must write a part has reported (the job's first nodes, less those drained:
/// they are the homes of the pages) and its parts hold every rank (a node that joined
/// holds ranks but is home of no page).
public struct EpochAssembly: Sendable {
    /// Ranks in the job: the parts of a complete epoch hold them all.
    public let rankCount: Int
    /// The nodes whose parts every epoch needs.
    public private(set) var expectedNodes: Set<Int>
    /// The reports of the epochs not yet complete, by epoch, then node.
    private var reports: [Int: [Int: PartReport]] = [:]

    public init(firstNodes: Int, rankCount: Int) {
        self.rankCount = rankCount
        expectedNodes = Set(0..<firstNodes)
    }

    /// Takes a node's report (a second one of the same node and epoch replaces the first);
    /// returns the epoch if that made it complete. A complete epoch's reports leave the
    /// assembly.
    public mutating func add(_ report: PartReport) -> CompleteEpoch? {
        reports[report.epoch, default: [:]][report.node] = report
        return takeIfComplete(report.epoch)
    }

    /// Node `node` was drained: epochs from now on are complete without its part, and
    /// those that waited only for it are complete now (returned oldest first).
    public mutating func nodeLeft(_ node: Int) -> [CompleteEpoch] {
        expectedNodes.remove(node)
        return reports.keys.sorted().compactMap { takeIfComplete($0) }
    }

    private mutating func takeIfComplete(_ epoch: Int) -> CompleteEpoch? {
        guard let parts = reports[epoch], expectedNodes.isSubset(of: parts.keys),
              parts.values.reduce(0, { $0 + $1.ranks }) == rankCount else { return nil }
        reports[epoch] = nil
        return CompleteEpoch(epoch: epoch, reports: parts.values.sorted { $0.node < $1.node })
    }
}

/// An epoch whose parts are all in: what its manifest vouches for.
public struct CompleteEpoch: Equatable, Sendable {
    public let epoch: Int
    /// One report per node that wrote a part, by node.
    public let reports: [PartReport]

    /// The epoch every part builds on (nil: a full checkpoint); the nodes decide it
    /// together, so parts that disagree are a broken checkpoint, not a choice.
    public func base() throws(EpochDisagreement) -> Int? {
        let bases = Set(reports.map(\.base))
        guard bases.count == 1, let base = bases.first else { throw EpochDisagreement(epoch: epoch, bases: Array(bases)) }
        return base
    }

    /// The manifest that makes the epoch a checkpoint of the job `job` running `program`
    /// with `arguments` on `threads` ranks.
    public func manifest(job: String, program: String, arguments: [String], threads: Int, created: Int) throws(EpochDisagreement) -> Manifest {
        let parts = reports.map { Manifest.Part(node: $0.node, file: CheckpointStore.partFile(node: $0.node), size: $0.bytes, checksum: $0.checksum) }
        return Manifest(epoch: epoch, job: job, program: program, arguments: arguments, threads: threads, nodes: reports.count,
                        created: created, base: try base(), parts: parts)
    }
}

/// The parts of an epoch name different epochs to build on.
public struct EpochDisagreement: Error, Equatable, CustomStringConvertible {
    public let epoch: Int
    public let bases: [Int?]

    public var description: String {
        let named = bases.map { $0.map { "epoch \($0)" } ?? "none (full)" }.sorted()
        return "nodes disagree on what checkpoint \(epoch) builds on: \(named.joined(separator: ", "))"
    }
}
