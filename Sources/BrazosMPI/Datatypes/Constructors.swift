/// The datatype constructors of MPI 4.1 chapter 5. Each checks its arguments, adds up the
/// new type's shape from what it was given (never from a list of pieces), and records its
/// arguments for `MPI_Type_get_contents`. `largeCount` marks a call through a `_c`
/// function, whose counts `MPI_Type_get_contents_c` reports as large counts.
extension Datatype {
    /// The array storage order of `subarray` and `darray`.
    public enum ArrayOrder: Int, Sendable {
        /// `MPI_ORDER_C`: the last dimension varies fastest.
        case c = 12
        /// `MPI_ORDER_FORTRAN`: the first dimension varies fastest.
        case fortran = 15
    }

    private static func derived(_ builder: ShapeBuilder, _ layout: Layout, _ envelope: Envelope, _ description: String, padded: Bool = false) -> Datatype {
        Datatype(builder.shape(layout, padded: padded), envelope: envelope, predefined: false, committed: false, name: "", description: description)
    }

    private static func checkCount(_ count: Int, _ name: String) throws(MPIError) {
        guard count >= 0 else { throw MPIError(.count, "\(name) with negative count \(count)") }
    }

    private static func checkLengths(_ lengths: [Int], _ name: String) throws(MPIError) {
        if let negative = lengths.first(where: { $0 < 0 }) { throw MPIError(.arg, "\(name) with negative block length \(negative)") }
    }

    /// `MPI_Type_contiguous`: `count` elements of `old` one after the other.
    public static func contiguous(_ count: Int, of old: Datatype, largeCount: Bool = false) throws(MPIError) -> Datatype {
        let name = "contiguous(\(count), \(old))"
        try checkCount(count, name)
        var builder = ShapeBuilder(name)
        try builder.add(count, of: old, at: 0)
        return derived(builder, .contiguous(count: count, old), Envelope(.contiguous, [.count(count)], [old], isLargeCount: largeCount), name)
    }

    /// `MPI_Type_vector`: `count` blocks of `blockLength` elements of `old`, the starts of
    /// consecutive blocks `stride` elements (extents of `old`) apart; the stride may be negative.
    public static func vector(_ count: Int, blockLength: Int, stride: Int, of old: Datatype, largeCount: Bool = false) throws(MPIError) -> Datatype {
        let name = "vector(\(count), \(blockLength), \(stride), \(old))"
        let builder = ShapeBuilder(name)
        return try strided(count, blockLength, try builder.product(stride, old.extent), old, name,
                           Envelope(.vector, [.count(count), .count(blockLength), .count(stride)], [old], isLargeCount: largeCount))
    }

    /// `MPI_Type_create_hvector`: as `vector`, with the stride in bytes.
    public static func hvector(_ count: Int, blockLength: Int, strideBytes: Int, of old: Datatype, largeCount: Bool = false) throws(MPIError) -> Datatype {
        let name = "hvector(\(count), \(blockLength), \(strideBytes), \(old))"
        return try strided(count, blockLength, strideBytes, old, name,
                           Envelope(.hvector, [.count(count), .count(blockLength), .address(strideBytes)], [old], isLargeCount: largeCount))
    }

    private static func strided(_ count: Int, _ blockLength: Int, _ stride: Int, _ old: Datatype, _ name: String, _ envelope: Envelope) throws(MPIError) -> Datatype {
        try checkCount(count, name)
        try checkLengths([blockLength], name)
        var builder = ShapeBuilder(name)
        try builder.addBlocks(count, of: blockLength, old, stride: stride)
        return derived(builder, .vector(count: count, blockLength: blockLength, stride: stride, old), envelope, name)
    }

    /// `MPI_Type_indexed`: blocks of `old` at displacements counted in extents of `old`.
    public static func indexed(blockLengths: [Int], displacements: [Int], of old: Datatype, largeCount: Bool = false) throws(MPIError) -> Datatype {
        let name = "indexed(\(blockLengths.count) blocks, \(old))"
        let builder = ShapeBuilder(name)
        var offsets: [Int] = []
        offsets.reserveCapacity(displacements.count)
        for displacement in displacements { offsets.append(try builder.product(displacement, old.extent)) }
        let arguments = [.count(blockLengths.count)] + blockLengths.map(Envelope.Argument.count) + displacements.map(Envelope.Argument.count)
        return try blocks(blockLengths, offsets, old, name, Envelope(.indexed, arguments, [old], isLargeCount: largeCount))
    }

    /// `MPI_Type_create_hindexed`: blocks of `old` at displacements in bytes.
    public static func hindexed(blockLengths: [Int], byteDisplacements: [Int], of old: Datatype, largeCount: Bool = false) throws(MPIError) -> Datatype {
        let name = "hindexed(\(blockLengths.count) blocks, \(old))"
        let arguments = [.count(blockLengths.count)] + blockLengths.map(Envelope.Argument.count) + byteDisplacements.map(Envelope.Argument.address)
        return try blocks(blockLengths, byteDisplacements, old, name, Envelope(.hindexed, arguments, [old], isLargeCount: largeCount))
    }

    /// `MPI_Type_create_indexed_block`: blocks of one length at displacements in extents of `old`.
    public static func indexedBlock(blockLength: Int, displacements: [Int], of old: Datatype, largeCount: Bool = false) throws(MPIError) -> Datatype {
        let name = "indexed_block(\(displacements.count) blocks of \(blockLength), \(old))"
        let builder = ShapeBuilder(name)
        var offsets: [Int] = []
        offsets.reserveCapacity(displacements.count)
        for displacement in displacements { offsets.append(try builder.product(displacement, old.extent)) }
        let arguments = [.count(displacements.count), .count(blockLength)] + displacements.map(Envelope.Argument.count)
        return try blocks(Array(repeating: blockLength, count: displacements.count), offsets, old, name,
                          Envelope(.indexedBlock, arguments, [old], isLargeCount: largeCount))
    }

    /// `MPI_Type_create_hindexed_block`: blocks of one length at displacements in bytes.
    public static func hindexedBlock(blockLength: Int, byteDisplacements: [Int], of old: Datatype, largeCount: Bool = false) throws(MPIError) -> Datatype {
        let name = "hindexed_block(\(byteDisplacements.count) blocks of \(blockLength), \(old))"
        let arguments = [.count(byteDisplacements.count), .count(blockLength)] + byteDisplacements.map(Envelope.Argument.address)
        return try blocks(Array(repeating: blockLength, count: byteDisplacements.count), byteDisplacements, old, name,
                          Envelope(.hindexedBlock, arguments, [old], isLargeCount: largeCount))
    }

    private static func blocks(_ lengths: [Int], _ offsets: [Int], _ old: Datatype, _ name: String, _ envelope: Envelope) throws(MPIError) -> Datatype {
        guard lengths.count == offsets.count else { throw MPIError(.arg, "\(name): \(lengths.count) block lengths, \(offsets.count) displacements") }
        try checkLengths(lengths, name)
        var builder = ShapeBuilder(name)
        var list: [Layout.Block] = []
        list.reserveCapacity(lengths.count)
        for (length, offset) in zip(lengths, offsets) where length > 0 {
            try builder.add(length, of: old, at: offset)
            list.append(Layout.Block(length: length, offset: offset))
        }
        return derived(builder, .blocks(list, old), envelope, name)
    }

    /// `MPI_Type_create_struct`: blocks of several types at displacements in bytes.
    public static func structure(blockLengths: [Int], byteDisplacements: [Int], types: [Datatype], largeCount: Bool = false) throws(MPIError) -> Datatype {
        let name = "struct(\(blockLengths.count) blocks)"
        guard blockLengths.count == byteDisplacements.count, blockLengths.count == types.count else {
            throw MPIError(.arg, "\(name): \(blockLengths.count) block lengths, \(byteDisplacements.count) displacements, \(types.count) types")
        }
        try checkLengths(blockLengths, name)
        var builder = ShapeBuilder(name)
        var members: [Layout.Member] = []
        members.reserveCapacity(types.count)
        for index in types.indices where blockLengths[index] > 0 {
            try builder.add(blockLengths[index], of: types[index], at: byteDisplacements[index])
            members.append(Layout.Member(length: blockLengths[index], offset: byteDisplacements[index], type: types[index]))
        }
        let arguments = [.count(types.count)] + blockLengths.map(Envelope.Argument.count) + byteDisplacements.map(Envelope.Argument.address)
        return derived(builder, .structure(members), Envelope(.structure, arguments, types, isLargeCount: largeCount), name, padded: true)
    }

    /// `MPI_Type_create_resized`: `old`'s data with the lower bound and extent given.
    public static func resized(_ old: Datatype, lowerBound: Int, extent: Int, largeCount: Bool = false) throws(MPIError) -> Datatype {
        let name = "resized(\(old), \(lowerBound), \(extent))"
        let builder = ShapeBuilder(name)
        let shape = Shape(layout: .resized(old), size: old.size, lowerBound: lowerBound, upperBound: try builder.sum(lowerBound, extent),
                          trueLowerBound: old.trueLowerBound, trueUpperBound: old.trueLowerBound + old.trueExtent,
                          basicCount: old.basicCount, external32Size: old.external32Size, basic: old.basic, isDense: old.isDense,
                          alignment: old.alignment, hasExplicitBounds: true)
        return Datatype(shape, envelope: Envelope(.resized, [.address(lowerBound), .address(extent)], [old], isLargeCount: largeCount),
                        predefined: false, committed: false, name: "", description: name)
    }

    /// `MPI_Type_dup`: the same type under a new handle, committed if `old` is.
    public static func dup(_ old: Datatype) -> Datatype {
        Datatype(old.shape, envelope: Envelope(.dup, [], [old]), predefined: false, committed: old.isCommitted, name: "",
                 description: "dup(\(old))")
    }

    /// What this type is made of, for a copy of it.
    var shape: Shape {
        Shape(layout: layout, size: size, lowerBound: lowerBound, upperBound: upperBound, trueLowerBound: trueLowerBound,
              trueUpperBound: trueLowerBound + trueExtent, basicCount: basicCount, external32Size: external32Size, basic: basic, isDense: isDense,
              alignment: alignment, hasExplicitBounds: hasExplicitBounds)
    }

    /// A predefined type under the envelope of an `MPI_Type_create_f90_*` call: what those
    /// return is predefined, and never freed.
    public static func f90(_ old: Datatype, _ envelope: Envelope) -> Datatype {
        Datatype(old.shape, envelope: envelope, predefined: true, committed: true, name: old.name, description: old.description)
    }

    // MARK: Arrays

    /// `MPI_Type_create_subarray`: the elements `starts[d] ..< starts[d] + subsizes[d]` of
    /// an array of `sizes` elements of `old`; its extent is the whole array's.
    public static func subarray(sizes: [Int], subsizes: [Int], starts: [Int], order: ArrayOrder, of old: Datatype,
                                largeCount: Bool = false) throws(MPIError) -> Datatype {
        let name = "subarray(\(sizes), \(subsizes), \(starts), \(old))"
        let dimensions = sizes.count
        guard dimensions > 0, subsizes.count == dimensions, starts.count == dimensions else {
            throw MPIError(.arg, "\(name): every array needs one entry per dimension, and there must be one")
        }
        for d in 0..<dimensions {
            guard sizes[d] > 0, subsizes[d] >= 0, subsizes[d] <= sizes[d], starts[d] >= 0, starts[d] <= sizes[d] - subsizes[d] else {
                throw MPIError(.arg, "\(name): dimension \(d) has size \(sizes[d]), subsize \(subsizes[d]), start \(starts[d])")
            }
        }
        let builder = ShapeBuilder(name)
        // Fastest dimension first.
        let fastestFirst = order == .c ? Array((0..<dimensions).reversed()) : Array(0..<dimensions)
        var type = try contiguous(subsizes[fastestFirst[0]], of: old)
        var stride = old.extent
        var offset = try builder.product(starts[fastestFirst[0]], old.extent)
        for d in fastestFirst.dropFirst() {
            stride = try builder.product(stride, sizes[fastestFirst[fastestFirst.firstIndex(of: d)! - 1]])
            type = try hvector(subsizes[d], blockLength: 1, strideBytes: stride, of: type)
            offset = try builder.sum(offset, try builder.product(starts[d], stride))
        }
        let whole = try builder.product(stride, sizes[fastestFirst[dimensions - 1]])
        let placed = try hindexed(blockLengths: [1], byteDisplacements: [offset], of: type)
        let arguments = [.integer(dimensions)] + sizes.map(Envelope.Argument.count) + subsizes.map(Envelope.Argument.count)
            + starts.map(Envelope.Argument.count) + [.integer(order.rawValue)]
        return try wrapped(placed, lowerBound: old.lowerBound, extent: whole, Envelope(.subarray, arguments, [old], isLargeCount: largeCount), name)
    }

    /// The data of `inner` with other bounds, under `envelope`.
    private static func wrapped(_ inner: Datatype, lowerBound: Int, extent: Int, _ envelope: Envelope, _ name: String) throws(MPIError) -> Datatype {
        Datatype(try resized(inner, lowerBound: lowerBound, extent: extent).shape, envelope: envelope, predefined: false, committed: false, name: "", description: name)
    }

    /// How `darray` distributes one dimension (`MPI_DISTRIBUTE_*`).
    public enum Distribution: Sendable, Equatable {
        case none
        /// Blocks of `size` elements, or of `ceil(n / processes)` when nil (`MPI_DISTRIBUTE_DFLT_DARG`).
        case block(size: Int?)
        /// Blocks of `size` elements dealt round-robin, or of 1 when nil.
        case cyclic(size: Int?)
    }

    /// `MPI_Type_create_darray`: the part of a global array of `globalSizes` elements of
    /// `old` that process `rank` of `size` holds, with the processes in a grid of
    /// `processGrid` (row-major, as `MPI_Cart_create` numbers them).
    public static func darray(size: Int, rank: Int, globalSizes: [Int], distributions: [Distribution], processGrid: [Int],
                              order: ArrayOrder, of old: Datatype, envelopeArguments: [Envelope.Argument], largeCount: Bool = false) throws(MPIError) -> Datatype {
        let name = "darray(\(size), \(rank), \(globalSizes), \(old))"
        let dimensions = globalSizes.count
        guard dimensions > 0, distributions.count == dimensions, processGrid.count == dimensions else {
            throw MPIError(.arg, "\(name): every array needs one entry per dimension, and there must be one")
        }
        guard size > 0, (0..<size).contains(rank) else { throw MPIError(.arg, "\(name): rank \(rank) is not in 0..<\(size)") }
        let builder = ShapeBuilder(name)
        var processes = 1
        for d in 0..<dimensions {
            guard globalSizes[d] > 0, processGrid[d] > 0 else { throw MPIError(.arg, "\(name): dimension \(d) is empty") }
            processes = try builder.product(processes, processGrid[d])
            if distributions[d] == .none, processGrid[d] != 1 {
                throw MPIError(.arg, "\(name): dimension \(d) is not distributed but has \(processGrid[d]) processes")
            }
        }
        guard processes == size else { throw MPIError(.arg, "\(name): a grid of \(processes) processes for \(size)") }
        // The rank's coordinates in the grid, row-major.
        var coordinates = [Int](repeating: 0, count: dimensions)
        var remaining = rank, below = size
        for d in 0..<dimensions {
            below /= processGrid[d]
            coordinates[d] = remaining / below
            remaining %= below
        }
        let fastestFirst = order == .c ? Array((0..<dimensions).reversed()) : Array(0..<dimensions)
        var type = old
        var stride = old.extent  // bytes between consecutive indices of dimension d
        var offset = 0           // bytes from the array's start to this rank's first element
        for (position, d) in fastestFirst.enumerated() {
            let (made, start) = try distribute(globalSizes[d], distributions[d], processes: processGrid[d], coordinate: coordinates[d],
                                               type, stride: stride, isFastest: position == 0, builder)
            type = made
            offset = try builder.sum(offset, try builder.product(start, stride))
            stride = try builder.product(stride, globalSizes[d])
        }
        let placed = try hindexed(blockLengths: [1], byteDisplacements: [offset], of: type)
        return try wrapped(placed, lowerBound: 0, extent: stride, Envelope(.darray, envelopeArguments, [old], isLargeCount: largeCount), name)
    }

    /// One dimension of `darray`: the elements of `inner` (the faster dimensions, or `old`)
    /// this process holds along it, `stride` bytes per index, and the index it starts at.
    private static func distribute(_ global: Int, _ distribution: Distribution, processes: Int, coordinate: Int, _ inner: Datatype,
                                   stride: Int, isFastest: Bool, _ builder: ShapeBuilder) throws(MPIError) -> (Datatype, Int) {
        switch distribution {
        case .none:
            return (isFastest ? try contiguous(global, of: inner) : try hvector(global, blockLength: 1, strideBytes: stride, of: inner), 0)
        case let .block(size):
            let block = size ?? (global + processes - 1) / processes
            guard block > 0, try builder.product(block, processes) >= global else {
                throw MPIError(.arg, "darray: blocks of \(block) for \(global) elements on \(processes) processes")
            }
            let mine = Swift.max(0, Swift.min(block, global - block * coordinate))
            let made = isFastest ? try contiguous(mine, of: inner) : try hvector(mine, blockLength: 1, strideBytes: stride, of: inner)
            return (made, mine == 0 ? 0 : block * coordinate)
        case let .cyclic(size):
            let block = size ?? 1
            guard block > 0 else { throw MPIError(.arg, "darray: cyclic blocks of \(block)") }
            let first = coordinate * block
            var mine = 0
            if first < global {
                let cycle = try builder.product(processes, block)
                mine = (global - first) / cycle * block + Swift.min((global - first) % cycle, block)
            }
            let cycleBytes = try builder.product(try builder.product(processes, block), stride)
            // Blocks of `block` indices, one per cycle, the last possibly shorter.
            let full = mine / block, rest = mine % block
            let blockType = isFastest ? try contiguous(block, of: inner) : try hvector(block, blockLength: 1, strideBytes: stride, of: inner)
            var made = try hvector(full, blockLength: 1, strideBytes: cycleBytes, of: blockType)
            if rest > 0 {
                let last = isFastest ? try contiguous(rest, of: inner) : try hvector(rest, blockLength: 1, strideBytes: stride, of: inner)
                made = try structure(blockLengths: [1, 1], byteDisplacements: [0, try builder.product(full, cycleBytes)], types: [made, last])
            }
            return (made, mine == 0 ? 0 : first)
        }
    }
}
