/// Making communicators with a virtual topology (`MPI_Cart_create`, `MPI_Graph_create`,
/// `MPI_Dist_graph_create(_adjacent)`, `MPI_Cart_sub`) and asking about it. Each
/// constructor is collective over this communicator; ranks keep their order (`reorder`
/// is allowed to be ignored, and is).
extension Communicator {
    /// `MPI_Cart_create`: the first `size` ranks of the grid form it; nil for the rest.
    public func cartesian(_ topology: CartesianTopology) throws(MPIError) -> Communicator? {
        try checkIntracommunicator("Cart_create")
        guard topology.size <= size else {
            throw MPIError(.arg, "Cart_create: a grid of \(topology.size) ranks in a communicator of \(size)")
        }
        return try withTopology(.cartesian(topology), members: topology.size)
    }

    /// `MPI_Graph_create`: the first `nodeCount` ranks form it; nil for the rest.
    public func graph(_ topology: GraphTopology) throws(MPIError) -> Communicator? {
        try checkIntracommunicator("Graph_create")
        guard topology.nodeCount <= size else {
            throw MPIError(.arg, "Graph_create: a graph of \(topology.nodeCount) nodes in a communicator of \(size)")
        }
        return try withTopology(.graph(topology), members: topology.nodeCount)
    }

    /// `MPI_Dist_graph_create_adjacent`: every rank names its own sources and destinations.
    public func distributedGraph(adjacent topology: DistributedGraphTopology, info: Info? = nil) throws(MPIError) -> Communicator {
        try checkIntracommunicator("Dist_graph_create_adjacent")
        for neighbor in topology.sources + topology.destinations where !(0..<size).contains(neighbor) {
            throw MPIError(.rank, "Dist_graph_create_adjacent: neighbour \(neighbor) is not in a communicator of \(size)")
        }
        for weight in (topology.sourceWeights ?? []) + (topology.destinationWeights ?? []) where weight < 0 {
            throw MPIError(.arg, "Dist_graph_create_adjacent: negative weight \(weight)")
        }
        let made = try withTopology(.distributedGraph(topology), members: size)!
        if let info { made.setInfo(info) }
        return made
    }

    /// An edge of `MPI_Dist_graph_create`: any rank may name any edge.
    public struct GraphEdge: Sendable, Equatable {
        public let source: Int
        public let destination: Int
        public let weight: Int

        public init(source: Int, destination: Int, weight: Int) {
            self.source = source
            self.destination = destination
            self.weight = weight
        }
    }

    /// `MPI_Dist_graph_create`: the edges every rank names are gathered, and each rank
    /// keeps those that start or end at it, in the order of the ranks that named them.
    /// `weighted` false: `MPI_UNWEIGHTED`; the graph is weighted if any rank gave weights
    /// (a rank naming no edges may pass either).
    public func distributedGraph(edges: [GraphEdge], weighted: Bool, info: Info? = nil) throws(MPIError) -> Communicator {
        try checkIntracommunicator("Dist_graph_create")
        for edge in edges {
            guard (0..<size).contains(edge.source), (0..<size).contains(edge.destination) else {
                throw MPIError(.rank, "Dist_graph_create: edge \(edge.source) → \(edge.destination) outside a communicator of \(size)")
            }
            guard edge.weight >= 0 else { throw MPIError(.arg, "Dist_graph_create: negative weight \(edge.weight)") }
        }
        let named = try allgatherVariable([weighted && !edges.isEmpty ? 1 : 0] + edges.flatMap { [$0.source, $0.destination, $0.weight] })
        var sources: [Int] = [], sourceWeights: [Int] = [], destinations: [Int] = [], destinationWeights: [Int] = []
        var anyWeights = false
        for part in named {
            anyWeights = anyWeights || part.first == 1
            for edge in stride(from: 1, to: part.count - 2, by: 3) {
                let (source, destination, weight) = (part[edge], part[edge + 1], part[edge + 2])
                if destination == rank { sources.append(source); sourceWeights.append(weight) }
                if source == rank { destinations.append(destination); destinationWeights.append(weight) }
            }
        }
        let isWeighted = anyWeights || (weighted && named.allSatisfy { $0.count <= 1 })
        let topology = DistributedGraphTopology(sources: sources, sourceWeights: isWeighted ? sourceWeights : nil,
                                                destinations: destinations, destinationWeights: isWeighted ? destinationWeights : nil)
        let made = try withTopology(.distributedGraph(topology), members: size)!
        if let info { made.setInfo(info) }
        return made
    }

    /// `MPI_Cart_sub`: the sub-grids of the dimensions `keep` keeps, one communicator each.
    public func cartesianSub(keeping keep: [Bool]) throws(MPIError) -> Communicator {
        let grid = try cartesianTopology("Cart_sub")
        guard keep.count == grid.dimensions.count else {
            throw MPIError(.arg, "Cart_sub: \(keep.count) flags for \(grid.dimensions.count) dimensions")
        }
        let (subgrid, color) = grid.subgrid(keeping: keep, rank: rank)
        // Rank order within a sub-grid is the row-major order of the dimensions kept.
        let made = try split(color: color, key: rank)!
        made.extras.topology = .cartesian(subgrid)
        return made
    }

    /// The Cartesian topology, or `.topology` if the communicator has another or none.
    public func cartesianTopology(_ operation: String) throws(MPIError) -> CartesianTopology {
        guard case let .cartesian(grid) = extras.topology else { throw MPIError(.topology, "\(operation): the communicator has no Cartesian topology") }
        return grid
    }

    /// The graph topology, or `.topology`.
    public func graphTopology(_ operation: String) throws(MPIError) -> GraphTopology {
        guard case let .graph(graph) = extras.topology else { throw MPIError(.topology, "\(operation): the communicator has no graph topology") }
        return graph
    }

    /// The distributed graph topology, or `.topology`.
    public func distributedGraphTopology(_ operation: String) throws(MPIError) -> DistributedGraphTopology {
        guard case let .distributedGraph(graph) = extras.topology else {
            throw MPIError(.topology, "\(operation): the communicator has no distributed graph topology")
        }
        return graph
    }

    /// The first `members` ranks in a new communicator with `topology`; nil for the rest.
    private func withTopology(_ topology: Topology, members: Int) throws(MPIError) -> Communicator? {
        guard let made = try split(color: rank < members ? 0 : nil, key: rank) else { return nil }
        made.extras.topology = topology
        return made
    }

    /// Every rank's `values` (counts may differ), in rank order.
    func allgatherVariable(_ values: [Int]) throws(MPIError) -> [[Int]] {
        let counts = try allgather([values.count])
        var total = 0
        var displacements: [Int] = []
        for count in counts {
            displacements.append(total)
            total += count
        }
        var result = [Int](repeating: 0, count: total)
        try withBytes(values) { (input) throws(MPIError) in
            try withMutableBytes(&result) { (output) throws(MPIError) in
                try allgatherv(.memory(input), sendCount: values.count, sendType: .int64, output, receiveCounts: counts,
                               displacements: displacements, receiveType: .int64)
            }
        }
        return zip(counts, displacements).map { count, start in Array(result[start..<start + count]) }
    }

    /// `.comm` on an intercommunicator, for the operations MPI defines on intracommunicators only.
    func checkIntracommunicator(_ operation: String) throws(MPIError) {
        guard !isIntercommunicator else { throw MPIError(.comm, "\(operation) needs an intracommunicator, not an intercommunicator") }
    }
}
