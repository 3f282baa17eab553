import BrazosMPI
import CMPI

// The datatype constructors of MPI 4.1 chapter 5, in their classic (int counts, MPI_Aint
// displacements) and large-count (`_c`, MPI_Count) forms; commit the result before use.

/// `MPI_Type_contiguous`.
@_cdecl("MPI_Type_contiguous")
public func mpiTypeContiguous(_ count: Int32, _ old: MPI_Datatype?, _ new: UnsafeMutablePointer<MPI_Datatype?>?) -> Int32 {
    mpiCall("MPI_Type_contiguous") { () throws(MPIError) in
        try DatatypeArguments.store(try Datatype.contiguous(try DatatypeArguments.count(count), of: try Handles.datatype(old), largeCount: false), new)
    }
}

/// `MPI_Type_contiguous_c`.
@_cdecl("MPI_Type_contiguous_c")
public func mpiTypeContiguousC(_ count: MPI_Count, _ old: MPI_Datatype?, _ new: UnsafeMutablePointer<MPI_Datatype?>?) -> Int32 {
    mpiCall("MPI_Type_contiguous_c") { () throws(MPIError) in
        try DatatypeArguments.store(try Datatype.contiguous(try DatatypeArguments.count(count), of: try Handles.datatype(old), largeCount: true), new)
    }
}

/// `MPI_Type_vector`.
@_cdecl("MPI_Type_vector")
public func mpiTypeVector(_ count: Int32, _ blockLength: Int32, _ stride: Int32, _ old: MPI_Datatype?, _ new: UnsafeMutablePointer<MPI_Datatype?>?) -> Int32 {
    mpiCall("MPI_Type_vector") { () throws(MPIError) in
        let made = try Datatype.vector(try DatatypeArguments.count(count), blockLength: Int(blockLength), stride: Int(stride), of: try Handles.datatype(old), largeCount: false)
        try DatatypeArguments.store(made, new)
    }
}

/// `MPI_Type_vector_c`.
@_cdecl("MPI_Type_vector_c")
public func mpiTypeVectorC(_ count: MPI_Count, _ blockLength: MPI_Count, _ stride: MPI_Count, _ old: MPI_Datatype?, _ new: UnsafeMutablePointer<MPI_Datatype?>?) -> Int32 {
    mpiCall("MPI_Type_vector_c") { () throws(MPIError) in
        let made = try Datatype.vector(try DatatypeArguments.count(count), blockLength: Int(blockLength), stride: Int(stride), of: try Handles.datatype(old), largeCount: true)
        try DatatypeArguments.store(made, new)
    }
}

/// `MPI_Type_create_hvector`.
@_cdecl("MPI_Type_create_hvector")
public func mpiTypeCreateHvector(_ count: Int32, _ blockLength: Int32, _ stride: MPI_Aint, _ old: MPI_Datatype?, _ new: UnsafeMutablePointer<MPI_Datatype?>?) -> Int32 {
    mpiCall("MPI_Type_create_hvector") { () throws(MPIError) in
        let made = try Datatype.hvector(try DatatypeArguments.count(count), blockLength: Int(blockLength), strideBytes: Int(stride), of: try Handles.datatype(old), largeCount: false)
        try DatatypeArguments.store(made, new)
    }
}

/// `MPI_Type_create_hvector_c`.
@_cdecl("MPI_Type_create_hvector_c")
public func mpiTypeCreateHvectorC(_ count: MPI_Count, _ blockLength: MPI_Count, _ stride: MPI_Count, _ old: MPI_Datatype?, _ new: UnsafeMutablePointer<MPI_Datatype?>?) -> Int32 {
    mpiCall("MPI_Type_create_hvector_c") { () throws(MPIError) in
        let made = try Datatype.hvector(try DatatypeArguments.count(count), blockLength: Int(blockLength), strideBytes: Int(stride), of: try Handles.datatype(old), largeCount: true)
        try DatatypeArguments.store(made, new)
    }
}

/// `MPI_Type_indexed`.
@_cdecl("MPI_Type_indexed")
public func mpiTypeIndexed(_ count: Int32, _ blockLengths: UnsafePointer<Int32>?, _ displacements: UnsafePointer<Int32>?, _ old: MPI_Datatype?, _ new: UnsafeMutablePointer<MPI_Datatype?>?) -> Int32 {
    mpiCall("MPI_Type_indexed") { () throws(MPIError) in
        let count = try DatatypeArguments.count(count)
        let made = try Datatype.indexed(blockLengths: try DatatypeArguments.array(blockLengths, count, "block lengths"),
                                        displacements: try DatatypeArguments.array(displacements, count, "displacements"), of: try Handles.datatype(old), largeCount: false)
        try DatatypeArguments.store(made, new)
    }
}

/// `MPI_Type_indexed_c`.
@_cdecl("MPI_Type_indexed_c")
public func mpiTypeIndexedC(_ count: MPI_Count, _ blockLengths: UnsafePointer<MPI_Count>?, _ displacements: UnsafePointer<MPI_Count>?, _ old: MPI_Datatype?, _ new: UnsafeMutablePointer<MPI_Datatype?>?) -> Int32 {
    mpiCall("MPI_Type_indexed_c") { () throws(MPIError) in
        let count = try DatatypeArguments.count(count)
        let made = try Datatype.indexed(blockLengths: try DatatypeArguments.array(blockLengths, count, "block lengths"),
                                        displacements: try DatatypeArguments.array(displacements, count, "displacements"), of: try Handles.datatype(old), largeCount: true)
        try DatatypeArguments.store(made, new)
    }
}

/// `MPI_Type_create_hindexed`.
@_cdecl("MPI_Type_create_hindexed")
public func mpiTypeCreateHindexed(_ count: Int32, _ blockLengths: UnsafePointer<Int32>?, _ displacements: UnsafePointer<MPI_Aint>?, _ old: MPI_Datatype?, _ new: UnsafeMutablePointer<MPI_Datatype?>?) -> Int32 {
    mpiCall("MPI_Type_create_hindexed") { () throws(MPIError) in
        let count = try DatatypeArguments.count(count)
        let made = try Datatype.hindexed(blockLengths: try DatatypeArguments.array(blockLengths, count, "block lengths"),
                                         byteDisplacements: try DatatypeArguments.array(displacements, count, "displacements"), of: try Handles.datatype(old), largeCount: false)
        try DatatypeArguments.store(made, new)
    }
}

/// `MPI_Type_create_hindexed_c`.
@_cdecl("MPI_Type_create_hindexed_c")
public func mpiTypeCreateHindexedC(_ count: MPI_Count, _ blockLengths: UnsafePointer<MPI_Count>?, _ displacements: UnsafePointer<MPI_Count>?, _ old: MPI_Datatype?, _ new: UnsafeMutablePointer<MPI_Datatype?>?) -> Int32 {
    mpiCall("MPI_Type_create_hindexed_c") { () throws(MPIError) in
        let count = try DatatypeArguments.count(count)
        let made = try Datatype.hindexed(blockLengths: try DatatypeArguments.array(blockLengths, count, "block lengths"),
                                         byteDisplacements: try DatatypeArguments.array(displacements, count, "displacements"), of: try Handles.datatype(old), largeCount: true)
        try DatatypeArguments.store(made, new)
    }
}

/// `MPI_Type_create_indexed_block`.
@_cdecl("MPI_Type_create_indexed_block")
public func mpiTypeCreateIndexedBlock(_ count: Int32, _ blockLength: Int32, _ displacements: UnsafePointer<Int32>?, _ old: MPI_Datatype?, _ new: UnsafeMutablePointer<MPI_Datatype?>?) -> Int32 {
    mpiCall("MPI_Type_create_indexed_block") { () throws(MPIError) in
        let count = try DatatypeArguments.count(count)
        let made = try Datatype.indexedBlock(blockLength: Int(blockLength), displacements: try DatatypeArguments.array(displacements, count, "displacements"),
                                             of: try Handles.datatype(old), largeCount: false)
        try DatatypeArguments.store(made, new)
    }
}

/// `MPI_Type_create_indexed_block_c`.
@_cdecl("MPI_Type_create_indexed_block_c")
public func mpiTypeCreateIndexedBlockC(_ count: MPI_Count, _ blockLength: MPI_Count, _ displacements: UnsafePointer<MPI_Count>?, _ old: MPI_Datatype?, _ new: UnsafeMutablePointer<MPI_Datatype?>?) -> Int32 {
    mpiCall("MPI_Type_create_indexed_block_c") { () throws(MPIError) in
        let count = try DatatypeArguments.count(count)
        let made = try Datatype.indexedBlock(blockLength: Int(blockLength), displacements: try DatatypeArguments.array(displacements, count, "displacements"),
                                             of: try Handles.datatype(old), largeCount: true)
        try DatatypeArguments.store(made, new)
    }
}

/// `MPI_Type_create_hindexed_block`.
@_cdecl("MPI_Type_create_hindexed_block")
public func mpiTypeCreateHindexedBlock(_ count: Int32, _ blockLength: Int32, _ displacements: UnsafePointer<MPI_Aint>?, _ old: MPI_Datatype?, _ new: UnsafeMutablePointer<MPI_Datatype?>?) -> Int32 {
    mpiCall("MPI_Type_create_hindexed_block") { () throws(MPIError) in
        let count = try DatatypeArguments.count(count)
        let made = try Datatype.hindexedBlock(blockLength: Int(blockLength), byteDisplacements: try DatatypeArguments.array(displacements, count, "displacements"),
                                              of: try Handles.datatype(old), largeCount: false)
        try DatatypeArguments.store(made, new)
    }
}

/// `MPI_Type_create_hindexed_block_c`.
@_cdecl("MPI_Type_create_hindexed_block_c")
public func mpiTypeCreateHindexedBlockC(_ count: MPI_Count, _ blockLength: MPI_Count, _ displacements: UnsafePointer<MPI_Count>?, _ old: MPI_Datatype?, _ new: UnsafeMutablePointer<MPI_Datatype?>?) -> Int32 {
    mpiCall("MPI_Type_create_hindexed_block_c") { () throws(MPIError) in
        let count = try DatatypeArguments.count(count)
        let made = try Datatype.hindexedBlock(blockLength: Int(blockLength), byteDisplacements: try DatatypeArguments.array(displacements, count, "displacements"),
                                              of: try Handles.datatype(old), largeCount: true)
        try DatatypeArguments.store(made, new)
    }
}

/// `MPI_Type_create_struct`.
@_cdecl("MPI_Type_create_struct")
public func mpiTypeCreateStruct(_ count: Int32, _ blockLengths: UnsafePointer<Int32>?, _ displacements: UnsafePointer<MPI_Aint>?, _ types: UnsafePointer<MPI_Datatype?>?, _ new: UnsafeMutablePointer<MPI_Datatype?>?) -> Int32 {
    mpiCall("MPI_Type_create_struct") { () throws(MPIError) in
        let count = try DatatypeArguments.count(count)
        let made = try Datatype.structure(blockLengths: try DatatypeArguments.array(blockLengths, count, "block lengths"),
                                          byteDisplacements: try DatatypeArguments.array(displacements, count, "displacements"),
                                          types: try DatatypeArguments.datatypes(types, count), largeCount: false)
        try DatatypeArguments.store(made, new)
    }
}

/// `MPI_Type_create_struct_c`.
@_cdecl("MPI_Type_create_struct_c")
public func mpiTypeCreateStructC(_ count: MPI_Count, _ blockLengths: UnsafePointer<MPI_Count>?, _ displacements: UnsafePointer<MPI_Count>?, _ types: UnsafePointer<MPI_Datatype?>?, _ new: UnsafeMutablePointer<MPI_Datatype?>?) -> Int32 {
    mpiCall("MPI_Type_create_struct_c") { () throws(MPIError) in
        let count = try DatatypeArguments.count(count)
        let made = try Datatype.structure(blockLengths: try DatatypeArguments.array(blockLengths, count, "block lengths"),
                                          byteDisplacements: try DatatypeArguments.array(displacements, count, "displacements"),
                                          types: try DatatypeArguments.datatypes(types, count), largeCount: true)
        try DatatypeArguments.store(made, new)
    }
}

/// `MPI_Type_create_resized`.
@_cdecl("MPI_Type_create_resized")
public func mpiTypeCreateResized(_ old: MPI_Datatype?, _ lowerBound: MPI_Aint, _ extent: MPI_Aint, _ new: UnsafeMutablePointer<MPI_Datatype?>?) -> Int32 {
    mpiCall("MPI_Type_create_resized") { () throws(MPIError) in
        try DatatypeArguments.store(try Datatype.resized(try Handles.datatype(old), lowerBound: Int(lowerBound), extent: Int(extent), largeCount: false), new)
    }
}

/// `MPI_Type_create_resized_c`.
@_cdecl("MPI_Type_create_resized_c")
public func mpiTypeCreateResizedC(_ old: MPI_Datatype?, _ lowerBound: MPI_Count, _ extent: MPI_Count, _ new: UnsafeMutablePointer<MPI_Datatype?>?) -> Int32 {
    mpiCall("MPI_Type_create_resized_c") { () throws(MPIError) in
        try DatatypeArguments.store(try Datatype.resized(try Handles.datatype(old), lowerBound: Int(lowerBound), extent: Int(extent), largeCount: true), new)
    }
}

/// `MPI_Type_create_subarray`.
@_cdecl("MPI_Type_create_subarray")
public func mpiTypeCreateSubarray(_ dimensions: Int32, _ sizes: UnsafePointer<Int32>?, _ subsizes: UnsafePointer<Int32>?, _ starts: UnsafePointer<Int32>?, _ order: Int32, _ old: MPI_Datatype?, _ new: UnsafeMutablePointer<MPI_Datatype?>?) -> Int32 {
    mpiCall("MPI_Type_create_subarray") { () throws(MPIError) in
        guard dimensions > 0 else { throw MPIError(.arg, "subarray of \(dimensions) dimensions") }
        let count = Int(dimensions)
        let made = try Datatype.subarray(sizes: try DatatypeArguments.array(sizes, count, "sizes"), subsizes: try DatatypeArguments.array(subsizes, count, "subsizes"),
                                         starts: try DatatypeArguments.array(starts, count, "starts"), order: try DatatypeArguments.order(order), of: try Handles.datatype(old), largeCount: false)
        try DatatypeArguments.store(made, new)
    }
}

/// `MPI_Type_create_subarray_c`.
@_cdecl("MPI_Type_create_subarray_c")
public func mpiTypeCreateSubarrayC(_ dimensions: Int32, _ sizes: UnsafePointer<MPI_Count>?, _ subsizes: UnsafePointer<MPI_Count>?, _ starts: UnsafePointer<MPI_Count>?, _ order: Int32, _ old: MPI_Datatype?, _ new: UnsafeMutablePointer<MPI_Datatype?>?) -> Int32 {
    mpiCall("MPI_Type_create_subarray_c") { () throws(MPIError) in
        guard dimensions > 0 else { throw MPIError(.arg, "subarray of \(dimensions) dimensions") }
        let count = Int(dimensions)
        let made = try Datatype.subarray(sizes: try DatatypeArguments.array(sizes, count, "sizes"), subsizes: try DatatypeArguments.array(subsizes, count, "subsizes"),
                                         starts: try DatatypeArguments.array(starts, count, "starts"), order: try DatatypeArguments.order(order), of: try Handles.datatype(old), largeCount: true)
        try DatatypeArguments.store(made, new)
    }
}

/// `MPI_Type_create_darray`.
@_cdecl("MPI_Type_create_darray")
public func mpiTypeCreateDarray(_ size: Int32, _ rank: Int32, _ dimensions: Int32, _ globalSizes: UnsafePointer<Int32>?, _ distributions: UnsafePointer<Int32>?, _ arguments: UnsafePointer<Int32>?, _ processGrid: UnsafePointer<Int32>?, _ order: Int32, _ old: MPI_Datatype?, _ new: UnsafeMutablePointer<MPI_Datatype?>?) -> Int32 {
    mpiCall("MPI_Type_create_darray") { () throws(MPIError) in
        try DatatypeArguments.store(try darray(size, rank, dimensions, try DatatypeArguments.array(globalSizes, Int(Swift.max(dimensions, 0)), "global sizes"),
                                   distributions, arguments, processGrid, order, old, largeCount: false), new)
    }
}

/// `MPI_Type_create_darray_c`.
@_cdecl("MPI_Type_create_darray_c")
public func mpiTypeCreateDarrayC(_ size: Int32, _ rank: Int32, _ dimensions: Int32, _ globalSizes: UnsafePointer<MPI_Count>?, _ distributions: UnsafePointer<Int32>?, _ arguments: UnsafePointer<Int32>?, _ processGrid: UnsafePointer<Int32>?, _ order: Int32, _ old: MPI_Datatype?, _ new: UnsafeMutablePointer<MPI_Datatype?>?) -> Int32 {
    mpiCall("MPI_Type_create_darray_c") { () throws(MPIError) in
        try DatatypeArguments.store(try darray(size, rank, dimensions, try DatatypeArguments.array(globalSizes, Int(Swift.max(dimensions, 0)), "global sizes"),
                                   distributions, arguments, processGrid, order, old, largeCount: true), new)
    }
}

/// `MPI_Type_create_darray` of either form, once the global sizes are read.
private func darray(_ size: Int32, _ rank: Int32, _ dimensions: Int32, _ globalSizes: [Int], _ distributions: UnsafePointer<Int32>?,
                    _ arguments: UnsafePointer<Int32>?, _ processGrid: UnsafePointer<Int32>?, _ order: Int32, _ old: MPI_Datatype?,
                    largeCount: Bool) throws(MPIError) -> Datatype {
    guard dimensions > 0 else { throw MPIError(.arg, "darray of \(dimensions) dimensions") }
    let count = Int(dimensions)
    let codes = try DatatypeArguments.array(distributions, count, "distributions")
    let blocks = try DatatypeArguments.array(arguments, count, "distribution arguments")
    let grid = try DatatypeArguments.array(processGrid, count, "process grid")
    var distribution: [Datatype.Distribution] = []
    for (code, block) in zip(codes, blocks) {
        let size: Int? = block == 19 ? nil : block  // MPI_DISTRIBUTE_DFLT_DARG
        switch code {
        case 16: distribution.append(.none)
        case 17: distribution.append(.block(size: size))
        case 18: distribution.append(.cyclic(size: size))
        default: throw MPIError(.arg, "invalid distribution \(code)")
        }
    }
    let envelope: [Datatype.Envelope.Argument] = [.integer(Int(size)), .integer(Int(rank)), .integer(count)] + globalSizes.map(Datatype.Envelope.Argument.count)
        + codes.map(Datatype.Envelope.Argument.integer) + blocks.map(Datatype.Envelope.Argument.integer) + grid.map(Datatype.Envelope.Argument.integer) + [.integer(Int(order))]
    return try Datatype.darray(size: Int(size), rank: Int(rank), globalSizes: globalSizes, distributions: distribution, processGrid: grid,
                               order: try DatatypeArguments.order(order), of: try Handles.datatype(old), envelopeArguments: envelope, largeCount: largeCount)
}

/// `MPI_Type_dup`: committed if the original is.
@_cdecl("MPI_Type_dup")
public func mpiTypeDup(_ old: MPI_Datatype?, _ new: UnsafeMutablePointer<MPI_Datatype?>?) -> Int32 {
    mpiCall("MPI_Type_dup") { () throws(MPIError) in
        let original = try Handles.datatype(old)
        let copy = try Datatype.dup(original)
        try original.copyAttributes(to: copy)
        try DatatypeArguments.store(copy, new)
    }
}
