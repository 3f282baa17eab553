import BrazosCore
import BrazosMPI
import Synchronization

/// A simple load-balancing policy, switched on by the program: each thread times its
/// work (`timed`), and every time the threads call `balance` together they share what
/// they measured since the last call; when the busiest node's work exceeds the idlest's
/// by more than (1 + margin) of its threads' mean share, that node's highest rank moves
/// to the idlest node (with margin 1, the gap shrinks and the busiest node's work falls).
/// Every rank computes the same decision from the same figures, so no one leads.
///
/// Work time is wall time: threads that share too few cores take longer, so a node with
/// more threads than it can run shows as busier. Barrier waits are not counted: they are
/// what an overloaded node makes the others do.
public final class LoadBalancer: Sendable {
    /// A thread's measure since the last decision.
    public struct Sample: Equatable, Sendable {
        /// The thread's world rank.
        public var rank: Int
        /// The node it ran on.
        public var node: Int
        /// Wall seconds of work it timed.
        public var seconds: Double

        /// A sample with every field given.
        public init(rank: Int, node: Int, seconds: Double) {
            self.rank = rank
            self.node = node
            self.seconds = seconds
        }
    }

    /// A thread to move, and where.
    public struct Move: Equatable, Sendable {
        /// The world rank that moves.
        public var rank: Int
        /// The node it leaves (the busiest).
        public var from: Int
        /// The node it goes to (the idlest).
        public var to: Int

        /// A move with every field given.
        public init(rank: Int, from: Int, to: Int) {
            self.rank = rank
            self.from = from
            self.to = to
        }
    }

    private let work = Guarded<[Int: Double]>([:])
    /// How much more than one thread's share of work the busiest node must have over the
    /// idlest before a thread moves (1: exactly one share).
    public let margin: Double

    /// A balancer that moves a thread once the gap exceeds (1 + `margin`) threads' shares.
    public init(margin: Double = 1) { self.margin = margin }

    /// Runs `body`, counting its time as `thread`'s work.
    public func timed<Result>(_ thread: BrazosThread, _ body: () throws -> Result) rethrows -> Result {
        let start = Brazos.wtime()
        defer {
            let elapsed = Brazos.wtime() - start
            work.withLock { $0[thread.rank, default: 0] += elapsed }
        }
        return try body()
    }

    /// Collective over every rank, at a point where the thread may move: shares the work
    /// measured since the last call, and moves this thread (with `state`, as
    /// `migrate(to:saving:)` does) if the policy picks it.
    public func balance(_ thread: BrazosThread, saving state: @autoclosure () -> some Encodable) throws {
        let mine = work.withLock { $0.removeValue(forKey: thread.rank) ?? 0 }
        let all = try thread.runtime.allgather([Double(thread.rank), Double(thread.job.node.id), mine])
        let samples = stride(from: 0, to: all.count, by: 3).map { Sample(rank: Int(all[$0]), node: Int(all[$0 + 1]), seconds: all[$0 + 2]) }
        guard let move = Self.decide(samples, nodes: thread.job.remainingNodes, margin: margin), move.rank == thread.rank else { return }
        let load = { (node: Int) in samples.filter { $0.node == node }.reduce(0) { $0 + $1.seconds } }
        diagnose("brazos: balancing: rank \(move.rank) moves from node \(move.from) (work \(Int(load(move.from) * 1000)) ms) to node \(move.to) (\(Int(load(move.to) * 1000)) ms)")
        try thread.migrate(to: move.to, saving: state())
    }

    /// The policy: per node of `nodes` (those threads may go to), the work of its threads;
    /// if the busiest node (more than one thread) exceeds the idlest by more than
    /// (1 + `margin`) times its threads' mean work, its highest rank moves there. Nodes
    /// without threads count as idle.
    public static func decide(_ samples: [Sample], nodes: [Int], margin: Double) -> Move? {
        guard nodes.count > 1 else { return nil }
        var load: [Int: Double] = [:], threads: [Int: Int] = [:]
        for node in nodes { load[node] = 0; threads[node] = 0 }
        for sample in samples where load[sample.node] != nil {
            load[sample.node]! += sample.seconds
            threads[sample.node]! += 1
        }
        let busiest = nodes.max { (load[$0]!, -$0) < (load[$1]!, -$1) }!
        let idlest = nodes.min { (load[$0]!, $0) < (load[$1]!, $1) }!
        guard busiest != idlest, threads[busiest]! > 1 else { return nil }
        let share = load[busiest]! / Double(threads[busiest]!)
        guard load[busiest]! - load[idlest]! > margin * share + share else { return nil }
        let mover = samples.filter { $0.node == busiest }.map(\.rank).max()!
        return Move(rank: mover, from: busiest, to: idlest)
    }
}
