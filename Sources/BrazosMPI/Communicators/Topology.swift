/// A communicator's virtual topology (MPI 4.1 chapter 8): which ranks are neighbours.
/// Ranks are never reordered: rank r of the new communicator is rank r of the old.
public enum Topology: Sendable, Equatable {
    case cartesian(CartesianTopology)
    case graph(GraphTopology)
    case distributedGraph(DistributedGraphTopology)

    /// The neighbours of `rank` in the order of neighbourhood collectives.
    func neighbors(of rank: Int) -> (sources: [Int], destinations: [Int]) {
        switch self {
        case let .cartesian(cartesian):
            var around: [Int] = []
            for dimension in cartesian.dimensions.indices {
                let (source, destination) = cartesian.shift(of: rank, dimension: dimension, by: 1)
                around += [source, destination]
            }
            return (around, around)
        case let .graph(graph):
            let adjacent = graph.neighbors(of: rank)
            return (adjacent, adjacent)
        case let .distributedGraph(graph):
            return (graph.sources, graph.destinations)
        }
    }
}

/// A grid of `dimensions`, each dimension periodic (a ring) or not; ranks are laid out
/// in row-major order (the last coordinate varies fastest).
public struct CartesianTopology: Sendable, Equatable {
    public let dimensions: [Int]
    public let periodic: [Bool]
    /// Ranks in the grid (1 for no dimensions).
    public let size: Int

    /// `.dims` for a negative extent; `.arg` when the grid is larger than any machine.
    public init(dimensions: [Int], periodic: [Bool]) throws(MPIError) {
        guard periodic.count == dimensions.count else { throw MPIError(.arg, "\(dimensions.count) dimensions, \(periodic.count) periodicities") }
        var size = 1
        for extent in dimensions {
            guard extent > 0 else { throw MPIError(.dims, "Cartesian dimension of extent \(extent)") }
            let (product, overflow) = size.multipliedReportingOverflow(by: extent)
            guard !overflow, product <= Int(Int32.max) else { throw MPIError(.arg, "a Cartesian grid of more than \(Int32.max) ranks") }
            size = product
        }
        self.dimensions = dimensions
        self.periodic = periodic
        self.size = size
    }

    /// The coordinates of `rank` (0 ≤ rank < size).
    public func coordinates(of rank: Int) -> [Int] {
        var coordinates = [Int](repeating: 0, count: dimensions.count)
        var rest = rank
        for dimension in dimensions.indices.reversed() {
            coordinates[dimension] = rest % dimensions[dimension]
            rest /= dimensions[dimension]
        }
        return coordinates
    }

    /// The rank at `coordinates`: periodic dimensions wrap; a coordinate outside a
    /// non-periodic dimension is `.arg`.
    public func rank(of coordinates: [Int]) throws(MPIError) -> Int {
        guard coordinates.count == dimensions.count else { throw MPIError(.arg, "\(coordinates.count) coordinates for \(dimensions.count) dimensions") }
        var rank = 0
        for dimension in dimensions.indices {
            let extent = dimensions[dimension]
            var coordinate = coordinates[dimension]
            if periodic[dimension] {
                coordinate = ((coordinate % extent) + extent) % extent
            } else {
                guard (0..<extent).contains(coordinate) else {
                    throw MPIError(.arg, "coordinate \(coordinate) outside the non-periodic dimension \(dimension) of extent \(extent)")
                }
            }
            rank = rank * extent + coordinate
        }
        return rank
    }

    /// `MPI_Cart_shift`: the ranks `displacement` steps back and forward along
    /// `dimension` from `rank`; `MPI_PROC_NULL` off the edge of a non-periodic dimension.
    public func shift(of rank: Int, dimension: Int, by displacement: Int) -> (source: Int, destination: Int) {
        let coordinates = coordinates(of: rank)
        func neighbor(_ step: Int) -> Int {
            var moved = coordinates
            let (position, overflow) = moved[dimension].addingReportingOverflow(step)
            guard !overflow else { return MPI.procNull }
            moved[dimension] = position
            return (try? self.rank(of: moved)) ?? MPI.procNull
        }
        return (neighbor(-displacement), neighbor(displacement))
    }

    /// `MPI_Cart_sub`: the grid of the dimensions `keep` keeps, and which sub-grid `rank`
    /// falls in (its coordinates in the dimensions dropped, as one number).
    func subgrid(keeping keep: [Bool], rank: Int) -> (topology: CartesianTopology, color: Int) {
        let coordinates = coordinates(of: rank)
        var color = 0
        for dimension in dimensions.indices where !keep[dimension] { color = color * dimensions[dimension] + coordinates[dimension] }
        let kept = dimensions.indices.filter { keep[$0] }
        // Extents of a valid grid: the initializer cannot fail.
        let topology = try! CartesianTopology(dimensions: kept.map { dimensions[$0] }, periodic: kept.map { periodic[$0] })
        return (topology, color)
    }

    /// `MPI_Dims_create`: fills the zero entries of `dimensions` so that the product is
    /// `nodes`, as evenly as it can, in non-increasing order (the prime factors, largest
    /// first, each to the smallest entry: the method Open MPI uses). `.dims` when the
    /// entries given cannot divide `nodes` or one is negative.
    public static func balancedDimensions(nodes: Int, dimensions: [Int]) throws(MPIError) -> [Int] {
        guard nodes > 0 else { throw MPIError(.dims, "Dims_create of \(nodes) nodes") }
        var fixed = 1
        for extent in dimensions {
            guard extent >= 0 else { throw MPIError(.dims, "Dims_create: negative extent \(extent)") }
            if extent > 0 {
                let (product, overflow) = fixed.multipliedReportingOverflow(by: extent)
                guard !overflow, product <= nodes else { throw MPIError(.dims, "Dims_create: the extents given exceed \(nodes) nodes") }
                fixed = product
            }
        }
        guard nodes % fixed == 0 else { throw MPIError(.dims, "Dims_create: \(nodes) nodes are not a multiple of the extents given (\(fixed))") }
        let free = dimensions.indices.filter { dimensions[$0] == 0 }
        let remaining = nodes / fixed
        if free.isEmpty {
            guard remaining == 1 else { throw MPIError(.dims, "Dims_create: the extents given make \(fixed), not \(nodes)") }
            return dimensions
        }
        var bins = [Int](repeating: 1, count: free.count)
        for factor in primeFactors(remaining).reversed() {
            let smallest = bins.indices.min { bins[$0] < bins[$1] }!
            bins[smallest] *= factor
        }
        bins.sort(by: >)
        var result = dimensions
        for (index, dimension) in free.enumerated() { result[dimension] = bins[index] }
        return result
    }

    /// Prime factors in increasing order.
    private static func primeFactors(_ number: Int) -> [Int] {
        var factors: [Int] = []
        var rest = number, divisor = 2
        while divisor * divisor <= rest {
            while rest % divisor == 0 {
                factors.append(divisor)
                rest /= divisor
            }
            divisor += 1
        }
        if rest > 1 { factors.append(rest) }
        return factors
    }
}

/// `MPI_Graph_create`'s graph: node i's neighbours are `edges[index[i-1] ..< index[i]]`.
public struct GraphTopology: Sendable, Equatable {
    public let index: [Int]
    public let edges: [Int]

    /// `.arg` unless `index` is non-decreasing, ends at `edges.count`, and every edge
    /// names a node.
    public init(index: [Int], edges: [Int]) throws(MPIError) {
        var previous = 0
        for end in index {
            guard end >= previous else { throw MPIError(.arg, "Graph_create: index \(index) is not non-decreasing from 0") }
            previous = end
        }
        guard previous == edges.count else { throw MPIError(.arg, "Graph_create: the index ends at \(previous), with \(edges.count) edges") }
        for edge in edges where !index.indices.contains(edge) {
            throw MPIError(.rank, "Graph_create: edge to \(edge), not a node of \(index.count)")
        }
        self.index = index
        self.edges = edges
    }

    public var nodeCount: Int { index.count }

    /// The neighbours of `node` (a node of the graph).
    public func neighbors(of node: Int) -> [Int] {
        let start = node == 0 ? 0 : index[node - 1]
        return Array(edges[start..<index[node]])
    }
}

/// A rank's part of a distributed graph (`MPI_Dist_graph_create`): whom it receives from
/// and sends to, with weights unless the graph is unweighted (`MPI_UNWEIGHTED`).
public struct DistributedGraphTopology: Sendable, Equatable {
    public let sources: [Int]
    public let sourceWeights: [Int]?
    public let destinations: [Int]
    public let destinationWeights: [Int]?

    public var isWeighted: Bool { sourceWeights != nil }

    public init(sources: [Int], sourceWeights: [Int]?, destinations: [Int], destinationWeights: [Int]?) {
        self.sources = sources
        self.sourceWeights = sourceWeights
        self.destinations = destinations
        self.destinationWeights = destinationWeights
    }
}
