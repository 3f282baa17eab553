import BrazosMPI
import CMPI

/// `MPI_UNWEIGHTED` and `MPI_WEIGHTS_EMPTY` are these addresses.
private let unweighted = 10, weightsEmpty = 11

/// `count` ints of an input array: a negative count or a null array with entries is `MPI_ERR_ARG`.
private func array(_ pointer: UnsafePointer<Int32>?, _ count: Int, _ name: String) throws(MPIError) -> [Int] {
    guard count >= 0 else { throw MPIError(.arg, "negative count \(count) of \(name)") }
    guard pointer != nil || count == 0 else { throw MPIError(.arg, "null array of \(count) \(name)") }
    return integers(pointer, count)
}

/// Writes `values` into an output array of `capacity` entries (the rest is not written).
private func write(_ values: [Int], to pointer: UnsafeMutablePointer<Int32>?, capacity: Int32, _ name: String) throws(MPIError) {
    let count = min(values.count, max(Int(capacity), 0))
    guard count > 0 else { return }
    guard let pointer else { throw MPIError(.arg, "null array for \(name)") }
    for index in 0..<count { pointer[index] = Int32(truncatingIfNeeded: values[index]) }
}

private func grid(_ count: Int32, _ dims: UnsafePointer<Int32>?, _ periods: UnsafePointer<Int32>?) throws(MPIError) -> CartesianTopology {
    guard count >= 0 else { throw MPIError(.dims, "negative number of dimensions \(count)") }
    return try CartesianTopology(dimensions: try array(dims, Int(count), "dimensions"),
                                 periodic: try array(periods, Int(count), "periodicities").map { $0 != 0 })
}

/// `MPI_Cart_create`: ranks are not reordered; ranks past the grid get `MPI_COMM_NULL`.
@_cdecl("MPI_Cart_create")
public func mpiCartCreate(_ comm: MPI_Comm?, _ count: Int32, _ dims: UnsafePointer<Int32>?, _ periods: UnsafePointer<Int32>?, _ reorder: Int32,
                          _ newComm: UnsafeMutablePointer<MPI_Comm?>?) -> Int32 {
    mpiCall("MPI_Cart_create", on: comm) { () throws(MPIError) in
        let communicator = try Handles.communicator(comm)
        let topology = try grid(count, dims, periods)
        let result = try output(newComm, "the new communicator")
        result.pointee = handle(of: try communicator.cartesian(topology))
    }
}

/// `MPI_Cart_map`: the rank itself where it falls in the grid, else `MPI_UNDEFINED`.
@_cdecl("MPI_Cart_map")
public func mpiCartMap(_ comm: MPI_Comm?, _ count: Int32, _ dims: UnsafePointer<Int32>?, _ periods: UnsafePointer<Int32>?, _ newRank: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Cart_map", on: comm) { () throws(MPIError) in
        let communicator = try Handles.communicator(comm)
        let topology = try grid(count, dims, periods)
        guard topology.size <= communicator.localSize else { throw MPIError(.arg, "Cart_map: a grid of \(topology.size) ranks in a communicator of \(communicator.localSize)") }
        try output(newRank, "the new rank").pointee = Int32(communicator.rank < topology.size ? communicator.rank : MPI.undefined)
    }
}

/// `MPI_Cartdim_get`.
@_cdecl("MPI_Cartdim_get")
public func mpiCartdimGet(_ comm: MPI_Comm?, _ count: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Cartdim_get", on: comm) { () throws(MPIError) in
        let topology = try Handles.communicator(comm).cartesianTopology("Cartdim_get")
        try output(count, "the number of dimensions").pointee = Int32(topology.dimensions.count)
    }
}

/// `MPI_Cart_get`: at most `maxdims` entries of each array.
@_cdecl("MPI_Cart_get")
public func mpiCartGet(_ comm: MPI_Comm?, _ maxDims: Int32, _ dims: UnsafeMutablePointer<Int32>?, _ periods: UnsafeMutablePointer<Int32>?,
                       _ coords: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Cart_get", on: comm) { () throws(MPIError) in
        let communicator = try Handles.communicator(comm)
        let topology = try communicator.cartesianTopology("Cart_get")
        try write(topology.dimensions, to: dims, capacity: maxDims, "the dimensions")
        try write(topology.periodic.map { $0 ? 1 : 0 }, to: periods, capacity: maxDims, "the periodicities")
        try write(topology.coordinates(of: communicator.rank), to: coords, capacity: maxDims, "the coordinates")
    }
}

/// `MPI_Cart_rank`: periodic coordinates wrap; others out of range are `MPI_ERR_ARG`.
@_cdecl("MPI_Cart_rank")
public func mpiCartRank(_ comm: MPI_Comm?, _ coords: UnsafePointer<Int32>?, _ rank: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Cart_rank", on: comm) { () throws(MPIError) in
        let topology = try Handles.communicator(comm).cartesianTopology("Cart_rank")
        let coordinates = try array(coords, topology.dimensions.count, "coordinates")
        try output(rank, "the rank").pointee = Int32(try topology.rank(of: coordinates))
    }
}

/// `MPI_Cart_coords`.
@_cdecl("MPI_Cart_coords")
public func mpiCartCoords(_ comm: MPI_Comm?, _ rank: Int32, _ maxDims: Int32, _ coords: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Cart_coords", on: comm) { () throws(MPIError) in
        let topology = try Handles.communicator(comm).cartesianTopology("Cart_coords")
        guard (0..<topology.size).contains(Int(rank)) else { throw MPIError(.rank, "Cart_coords: rank \(rank) in a grid of \(topology.size)") }
        try write(topology.coordinates(of: Int(rank)), to: coords, capacity: maxDims, "the coordinates")
    }
}

/// `MPI_Cart_shift`: `MPI_PROC_NULL` off the edge of a non-periodic dimension.
@_cdecl("MPI_Cart_shift")
public func mpiCartShift(_ comm: MPI_Comm?, _ direction: Int32, _ displacement: Int32, _ source: UnsafeMutablePointer<Int32>?,
                         _ destination: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Cart_shift", on: comm) { () throws(MPIError) in
        let communicator = try Handles.communicator(comm)
        let topology = try communicator.cartesianTopology("Cart_shift")
        guard topology.dimensions.indices.contains(Int(direction)) else {
            throw MPIError(.arg, "Cart_shift: direction \(direction) of \(topology.dimensions.count) dimensions")
        }
        let from = try output(source, "the source"), to = try output(destination, "the destination")
        let (back, forward) = topology.shift(of: communicator.rank, dimension: Int(direction), by: Int(displacement))
        from.pointee = Int32(back)
        to.pointee = Int32(forward)
    }
}

/// `MPI_Cart_sub`.
@_cdecl("MPI_Cart_sub")
public func mpiCartSub(_ comm: MPI_Comm?, _ remain: UnsafePointer<Int32>?, _ newComm: UnsafeMutablePointer<MPI_Comm?>?) -> Int32 {
    mpiCall("MPI_Cart_sub", on: comm) { () throws(MPIError) in
        let communicator = try Handles.communicator(comm)
        let topology = try communicator.cartesianTopology("Cart_sub")
        let keep = try array(remain, topology.dimensions.count, "flags").map { $0 != 0 }
        let result = try output(newComm, "the new communicator")
        result.pointee = handle(of: try communicator.cartesianSub(keeping: keep))
    }
}

/// `MPI_Dims_create`: fills the zero entries of `dims`.
@_cdecl("MPI_Dims_create")
public func mpiDimsCreate(_ nodes: Int32, _ count: Int32, _ dims: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Dims_create") { () throws(MPIError) in
        guard count >= 0 else { throw MPIError(.dims, "negative number of dimensions \(count)") }
        let given = try array(UnsafePointer(dims), Int(count), "dimensions")
        let filled = try CartesianTopology.balancedDimensions(nodes: Int(nodes), dimensions: given)
        try write(filled, to: dims, capacity: count, "the dimensions")
    }
}

// MARK: Graphs

private func graph(_ nodes: Int32, _ index: UnsafePointer<Int32>?, _ edges: UnsafePointer<Int32>?) throws(MPIError) -> GraphTopology {
    guard nodes >= 0 else { throw MPIError(.arg, "negative number of nodes \(nodes)") }
    let ends = try array(index, Int(nodes), "index entries")
    return try GraphTopology(index: ends, edges: try array(edges, ends.last ?? 0, "edges"))
}

/// `MPI_Graph_create`: ranks are not reordered; ranks past the graph get `MPI_COMM_NULL`.
@_cdecl("MPI_Graph_create")
public func mpiGraphCreate(_ comm: MPI_Comm?, _ nodes: Int32, _ index: UnsafePointer<Int32>?, _ edges: UnsafePointer<Int32>?, _ reorder: Int32,
                           _ newComm: UnsafeMutablePointer<MPI_Comm?>?) -> Int32 {
    mpiCall("MPI_Graph_create", on: comm) { () throws(MPIError) in
        let communicator = try Handles.communicator(comm)
        let topology = try graph(nodes, index, edges)
        let result = try output(newComm, "the new communicator")
        result.pointee = handle(of: topology.nodeCount == 0 ? nil : try communicator.graph(topology))
    }
}

/// `MPI_Graph_map`: the rank itself where it is a node, else `MPI_UNDEFINED`.
@_cdecl("MPI_Graph_map")
public func mpiGraphMap(_ comm: MPI_Comm?, _ nodes: Int32, _ index: UnsafePointer<Int32>?, _ edges: UnsafePointer<Int32>?, _ newRank: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Graph_map", on: comm) { () throws(MPIError) in
        let communicator = try Handles.communicator(comm)
        let topology = try graph(nodes, index, edges)
        try output(newRank, "the new rank").pointee = Int32(communicator.rank < topology.nodeCount ? communicator.rank : MPI.undefined)
    }
}

/// `MPI_Graphdims_get`.
@_cdecl("MPI_Graphdims_get")
public func mpiGraphdimsGet(_ comm: MPI_Comm?, _ nodes: UnsafeMutablePointer<Int32>?, _ edges: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Graphdims_get", on: comm) { () throws(MPIError) in
        let topology = try Handles.communicator(comm).graphTopology("Graphdims_get")
        try output(nodes, "the number of nodes").pointee = Int32(topology.nodeCount)
        try output(edges, "the number of edges").pointee = Int32(topology.edges.count)
    }
}

/// `MPI_Graph_get`: at most `maxindex` and `maxedges` entries.
@_cdecl("MPI_Graph_get")
public func mpiGraphGet(_ comm: MPI_Comm?, _ maxIndex: Int32, _ maxEdges: Int32, _ index: UnsafeMutablePointer<Int32>?, _ edges: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Graph_get", on: comm) { () throws(MPIError) in
        let topology = try Handles.communicator(comm).graphTopology("Graph_get")
        try write(topology.index, to: index, capacity: maxIndex, "the index")
        try write(topology.edges, to: edges, capacity: maxEdges, "the edges")
    }
}

private func graphNode(_ topology: GraphTopology, _ rank: Int32) throws(MPIError) -> Int {
    guard (0..<topology.nodeCount).contains(Int(rank)) else { throw MPIError(.rank, "rank \(rank) is not a node of a graph of \(topology.nodeCount)") }
    return Int(rank)
}

/// `MPI_Graph_neighbors_count`.
@_cdecl("MPI_Graph_neighbors_count")
public func mpiGraphNeighborsCount(_ comm: MPI_Comm?, _ rank: Int32, _ count: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Graph_neighbors_count", on: comm) { () throws(MPIError) in
        let topology = try Handles.communicator(comm).graphTopology("Graph_neighbors_count")
        try output(count, "the count").pointee = Int32(topology.neighbors(of: try graphNode(topology, rank)).count)
    }
}

/// `MPI_Graph_neighbors`: at most `maxneighbors` entries.
@_cdecl("MPI_Graph_neighbors")
public func mpiGraphNeighbors(_ comm: MPI_Comm?, _ rank: Int32, _ maxNeighbors: Int32, _ neighbors: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Graph_neighbors", on: comm) { () throws(MPIError) in
        let topology = try Handles.communicator(comm).graphTopology("Graph_neighbors")
        try write(topology.neighbors(of: try graphNode(topology, rank)), to: neighbors, capacity: maxNeighbors, "the neighbours")
    }
}

// MARK: Distributed graphs

/// Weights of `count` edges: nil for `MPI_UNWEIGHTED`; `MPI_WEIGHTS_EMPTY` only for none.
private func weights(_ pointer: UnsafePointer<Int32>?, _ count: Int) throws(MPIError) -> [Int]? {
    switch Int(bitPattern: pointer) {
    case unweighted: return nil
    case weightsEmpty:
        guard count == 0 else { throw MPIError(.arg, "MPI_WEIGHTS_EMPTY for \(count) edges") }
        return []
    default: return try array(pointer, count, "weights")
    }
}

/// `MPI_Dist_graph_create_adjacent`: ranks are not reordered.
@_cdecl("MPI_Dist_graph_create_adjacent")
public func mpiDistGraphCreateAdjacent(_ comm: MPI_Comm?, _ inDegree: Int32, _ sources: UnsafePointer<Int32>?, _ sourceWeights: UnsafePointer<Int32>?,
                                       _ outDegree: Int32, _ destinations: UnsafePointer<Int32>?, _ destinationWeights: UnsafePointer<Int32>?,
                                       _ info: MPI_Info?, _ reorder: Int32, _ newComm: UnsafeMutablePointer<MPI_Comm?>?) -> Int32 {
    mpiCall("MPI_Dist_graph_create_adjacent", on: comm) { () throws(MPIError) in
        let communicator = try Handles.communicator(comm)
        let from = try array(sources, Int(inDegree), "sources"), to = try array(destinations, Int(outDegree), "destinations")
        let fromWeights = try weights(sourceWeights, from.count), toWeights = try weights(destinationWeights, to.count)
        guard (fromWeights == nil) == (toWeights == nil) else { throw MPIError(.arg, "MPI_UNWEIGHTED for only one side") }
        let topology = DistributedGraphTopology(sources: from, sourceWeights: fromWeights, destinations: to, destinationWeights: toWeights)
        let hints = try Handles.optionalInfo(info)
        let result = try output(newComm, "the new communicator")
        result.pointee = handle(of: try communicator.distributedGraph(adjacent: topology, info: hints))
    }
}

/// `MPI_Dist_graph_create`: ranks are not reordered.
@_cdecl("MPI_Dist_graph_create")
public func mpiDistGraphCreate(_ comm: MPI_Comm?, _ count: Int32, _ sources: UnsafePointer<Int32>?, _ degrees: UnsafePointer<Int32>?,
                               _ destinations: UnsafePointer<Int32>?, _ edgeWeights: UnsafePointer<Int32>?, _ info: MPI_Info?, _ reorder: Int32,
                               _ newComm: UnsafeMutablePointer<MPI_Comm?>?) -> Int32 {
    mpiCall("MPI_Dist_graph_create", on: comm) { () throws(MPIError) in
        let communicator = try Handles.communicator(comm)
        let origins = try array(sources, Int(count), "sources"), outDegrees = try array(degrees, Int(count), "degrees")
        var total = 0
        for degree in outDegrees {
            guard degree >= 0 else { throw MPIError(.arg, "Dist_graph_create: negative degree \(degree)") }
            total += degree
        }
        let targets = try array(destinations, total, "destinations")
        let weightList = try weights(edgeWeights, total)
        var edges: [Communicator.GraphEdge] = []
        var next = 0
        for (origin, degree) in zip(origins, outDegrees) {
            for _ in 0..<degree {
                edges.append(Communicator.GraphEdge(source: origin, destination: targets[next], weight: weightList?[next] ?? 1))
                next += 1
            }
        }
        let hints = try Handles.optionalInfo(info)
        let result = try output(newComm, "the new communicator")
        result.pointee = handle(of: try communicator.distributedGraph(edges: edges, weighted: weightList != nil, info: hints))
    }
}

/// `MPI_Dist_graph_neighbors_count`.
@_cdecl("MPI_Dist_graph_neighbors_count")
public func mpiDistGraphNeighborsCount(_ comm: MPI_Comm?, _ inDegree: UnsafeMutablePointer<Int32>?, _ outDegree: UnsafeMutablePointer<Int32>?,
                                       _ weighted: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Dist_graph_neighbors_count", on: comm) { () throws(MPIError) in
        let topology = try Handles.communicator(comm).distributedGraphTopology("Dist_graph_neighbors_count")
        try output(inDegree, "the in-degree").pointee = Int32(topology.sources.count)
        try output(outDegree, "the out-degree").pointee = Int32(topology.destinations.count)
        try output(weighted, "the weighted flag").pointee = topology.isWeighted ? 1 : 0
    }
}

/// `MPI_Dist_graph_neighbors`: weights are written only for a weighted graph, and not
/// to `MPI_UNWEIGHTED`.
@_cdecl("MPI_Dist_graph_neighbors")
public func mpiDistGraphNeighbors(_ comm: MPI_Comm?, _ maxIn: Int32, _ sources: UnsafeMutablePointer<Int32>?, _ sourceWeights: UnsafeMutablePointer<Int32>?,
                                  _ maxOut: Int32, _ destinations: UnsafeMutablePointer<Int32>?, _ destinationWeights: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Dist_graph_neighbors", on: comm) { () throws(MPIError) in
        let topology = try Handles.communicator(comm).distributedGraphTopology("Dist_graph_neighbors")
        try write(topology.sources, to: sources, capacity: maxIn, "the sources")
        try write(topology.destinations, to: destinations, capacity: maxOut, "the destinations")
        if let fromWeights = topology.sourceWeights, ![unweighted, weightsEmpty].contains(Int(bitPattern: sourceWeights)) {
            try write(fromWeights, to: sourceWeights, capacity: maxIn, "the source weights")
        }
        if let toWeights = topology.destinationWeights, ![unweighted, weightsEmpty].contains(Int(bitPattern: destinationWeights)) {
            try write(toWeights, to: destinationWeights, capacity: maxOut, "the destination weights")
        }
    }
}

/// `MPI_Topo_test`: `MPI_CART`, `MPI_GRAPH`, `MPI_DIST_GRAPH` or `MPI_UNDEFINED`.
@_cdecl("MPI_Topo_test")
public func mpiTopoTest(_ comm: MPI_Comm?, _ status: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Topo_test", on: comm) { () throws(MPIError) in
        let kind: Int
        switch try Handles.communicator(comm).topology {
        case .cartesian: kind = 211
        case .graph: kind = 212
        case .distributedGraph: kind = 213
        case nil: kind = MPI.undefined
        }
        try output(status, "the status").pointee = Int32(kind)
    }
}
