/// How a job's ranks are laid out over the nodes it starts with: consecutive blocks in
/// rank order, node k hosting `ranksPerNode[k]` of them. A job started with `-T T` has
/// blocks of T alike; a restart on a node count that does not divide the checkpoint's
/// threads spreads them, the first nodes taking one more (4 threads on 3 nodes: 2, 1, 1).
public struct RankPlacement: Equatable, Sendable {
    /// Ranks each starting node hosts, in node order.
    public let ranksPerNode: [Int]

    /// Ranks in the job.
    public let rankCount: Int

    /// Node k hosts `ranksPerNode[k]` ranks.
    public init(ranksPerNode: [Int]) {
        self.ranksPerNode = ranksPerNode
        rankCount = ranksPerNode.reduce(0, +)
    }

    /// `nodes` nodes of `threadsPerNode` ranks each.
    public init(nodes: Int, threadsPerNode: Int) {
        self.init(ranksPerNode: Array(repeating: threadsPerNode, count: max(nodes, 0)))
    }

    /// `threads` ranks over `nodes` nodes as evenly as they go: the first `threads % nodes`
    /// nodes host one more than the others. With more nodes than threads the last nodes
    /// host none (brazosrun refuses to start such a job).
    public init(spreading threads: Int, over nodes: Int) {
        let nodes = max(nodes, 1), threads = max(threads, 0)
        let base = threads / nodes, larger = threads % nodes
        self.init(ranksPerNode: (0..<nodes).map { $0 < larger ? base + 1 : base })
    }

    public var nodeCount: Int { ranksPerNode.count }

    /// Every node hosts as many ranks as the others: the value of `BRAZOS_THREADS_PER_NODE`
    /// says it all.
    public var isUniform: Bool { Set(ranksPerNode).count <= 1 }

    /// The most ranks one node hosts.
    public var largestBlock: Int { ranksPerNode.max() ?? 0 }

    /// The ranks node `node` hosts at start; none for a node past the starting ones.
    public func ranks(of node: Int) -> Range<Int> {
        guard node >= 0 && node < ranksPerNode.count else { return 0..<0 }
        let first = ranksPerNode[..<node].reduce(0, +)
        return first..<(first + ranksPerNode[node])
    }

    /// The node that hosts `rank` at start, or nil if the job has no such rank.
    public func node(of rank: Int) -> Int? {
        guard rank >= 0 else { return nil }
        var end = 0
        for (node, count) in ranksPerNode.enumerated() {
            end += count
            if rank < end { return node }
        }
        return nil
    }

    /// The value of `BRAZOS_RANKS_PER_NODE`: the counts, comma-separated ("2,1,1").
    public var environmentValue: String { ranksPerNode.map(String.init).joined(separator: ",") }

    /// Reads `BRAZOS_RANKS_PER_NODE`'s value: positive counts, comma-separated.
    public init(parsing text: String) throws(BrazosError) {
        var counts: [Int] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let count = Int(item), count >= 1 else {
                throw .configuration("BRAZOS_RANKS_PER_NODE=\(text) is not a list of positive integers separated by commas (such as 2,1,1)")
            }
            counts.append(count)
        }
        self.init(ranksPerNode: counts)
    }
}
