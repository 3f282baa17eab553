import BrazosMPI
import CMPI

/// `MPI_Type_commit`.
@_cdecl("MPI_Type_commit")
public func mpiTypeCommit(_ datatype: UnsafeMutablePointer<MPI_Datatype?>?) -> Int32 {
    mpiCall("MPI_Type_commit") { () throws(MPIError) in
        guard let datatype else { throw MPIError(.type, "null pointer for the datatype") }
        try Handles.datatype(datatype.pointee).commit()
    }
}

/// `MPI_Type_free`: sets the handle to `MPI_DATATYPE_NULL`; a predefined type fails with `MPI_ERR_TYPE`.
@_cdecl("MPI_Type_free")
public func mpiTypeFree(_ datatype: UnsafeMutablePointer<MPI_Datatype?>?) -> Int32 {
    mpiCall("MPI_Type_free") { () throws(MPIError) in
        guard let datatype else { throw MPIError(.type, "null pointer for the datatype") }
        let freed = try Handles.datatype(datatype.pointee)
        guard !freed.isPredefined else { throw MPIError(.type, "MPI_Type_free of a predefined datatype") }
        try freed.deleteAllAttributes()
        Handles.datatypes.remove(datatype.pointee)
        datatype.pointee = Handles.opaque(Handles.Value.datatypeNull)
    }
}

// MARK: Operations

/// `MPI_User_function`.
public typealias UserFunction = @convention(c) (UnsafeMutableRawPointer?, UnsafeMutableRawPointer?, UnsafeMutablePointer<Int32>?,
                                                UnsafeMutablePointer<MPI_Datatype?>?) -> Void

/// `MPI_Op_create`.
@_cdecl("MPI_Op_create")
public func mpiOpCreate(_ function: UserFunction?, _ commute: Int32, _ op: UnsafeMutablePointer<MPI_Op?>?) -> Int32 {
    mpiCall("MPI_Op_create") { () throws(MPIError) in
        guard let function else { throw MPIError(.arg, "null pointer for the function") }
        let result = try output(op, "the new operation")
        let made = Op(commutative: commute != 0) { input, output, count, datatype in
            // Element counts of one call are those of a checked message: they fit an int.
            var length = Int32(truncatingIfNeeded: count)
            var handle = Handles.handle(of: datatype)
            function(UnsafeMutableRawPointer(mutating: input), output, &length, &handle)
        }
        result.pointee = Handles.ops.add(made)
    }
}

/// `MPI_Op_free`: sets the handle to `MPI_OP_NULL`; a predefined operation fails with `MPI_ERR_OP`.
@_cdecl("MPI_Op_free")
public func mpiOpFree(_ op: UnsafeMutablePointer<MPI_Op?>?) -> Int32 {
    mpiCall("MPI_Op_free") { () throws(MPIError) in
        guard let op else { throw MPIError(.op, "null pointer for the operation") }
        _ = try Handles.op(op.pointee)
        guard Handles.ops.remove(op.pointee) != nil else { throw MPIError(.op, "MPI_Op_free of a predefined operation") }
        op.pointee = Handles.opaque(Handles.Value.opNull)
    }
}
