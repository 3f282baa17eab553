import BrazosMPI
import CMPI

/// `MPI_Type_contiguous`; commit the result before use.
@_cdecl("MPI_Type_contiguous")
public func mpiTypeContiguous(_ count: Int32, _ old: MPI_Datatype?, _ new: UnsafeMutablePointer<MPI_Datatype?>?) -> Int32 {
    mpiCall("MPI_Type_contiguous") { () throws(MPIError) in
        new?.pointee = Handles.retain(try Datatype.contiguous(Int(count), of: try Handles.datatype(old)))
    }
}

/// `MPI_Type_vector`; commit the result before use.
@_cdecl("MPI_Type_vector")
public func mpiTypeVector(_ count: Int32, _ blockLength: Int32, _ stride: Int32, _ old: MPI_Datatype?, _ new: UnsafeMutablePointer<MPI_Datatype?>?) -> Int32 {
    mpiCall("MPI_Type_vector") { () throws(MPIError) in
        new?.pointee = Handles.retain(try Datatype.vector(Int(count), blockLength: Int(blockLength), stride: Int(stride), of: try Handles.datatype(old)))
    }
}

/// `MPI_Type_commit`.
@_cdecl("MPI_Type_commit")
public func mpiTypeCommit(_ datatype: UnsafeMutablePointer<MPI_Datatype?>?) -> Int32 {
    mpiCall("MPI_Type_commit") { () throws(MPIError) in
        guard let datatype else { throw MPIError(.type, "MPI_Type_commit needs a datatype") }
        try Handles.datatype(datatype.pointee).commit()
    }
}

/// `MPI_Type_free`: sets the handle to `MPI_DATATYPE_NULL`; a predefined type fails with `MPI_ERR_TYPE`.
@_cdecl("MPI_Type_free")
public func mpiTypeFree(_ datatype: UnsafeMutablePointer<MPI_Datatype?>?) -> Int32 {
    mpiCall("MPI_Type_free") { () throws(MPIError) in
        guard let datatype else { throw MPIError(.type, "MPI_Type_free needs a datatype") }
        _ = try Handles.datatype(datatype.pointee)
        guard !Handles.isPredefined(datatype.pointee) else { throw MPIError(.type, "MPI_Type_free of a predefined datatype") }
        Handles.release(datatype.pointee!, as: Datatype.self)
        datatype.pointee = Handles.predefined(Handles.Value.datatypeNull)
    }
}

/// `MPI_Type_size`: bytes of data in one element, padding excluded.
@_cdecl("MPI_Type_size")
public func mpiTypeSize(_ datatype: MPI_Datatype?, _ size: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Type_size") { () throws(MPIError) in size?.pointee = Int32(try Handles.datatype(datatype).size) }
}

// MARK: Operations

/// `MPI_User_function`.
public typealias UserFunction = @convention(c) (UnsafeMutableRawPointer?, UnsafeMutableRawPointer?, UnsafeMutablePointer<Int32>?,
                                                UnsafeMutablePointer<MPI_Datatype?>?) -> Void

/// `MPI_Op_create`.
@_cdecl("MPI_Op_create")
public func mpiOpCreate(_ function: UserFunction?, _ commute: Int32, _ op: UnsafeMutablePointer<MPI_Op?>?) -> Int32 {
    mpiCall("MPI_Op_create") { () throws(MPIError) in
        guard let function else { throw MPIError(.arg, "MPI_Op_create needs a function") }
        let made = Op(commutative: commute != 0) { input, output, count, datatype in
            var length = Int32(count)
            var handle: MPI_Datatype? = Handles.handle(of: datatype)
            function(UnsafeMutableRawPointer(mutating: input), output, &length, &handle)
        }
        op?.pointee = Handles.retain(made)
    }
}

/// `MPI_Op_free`: sets the handle to `MPI_OP_NULL`; a predefined operation fails with `MPI_ERR_OP`.
@_cdecl("MPI_Op_free")
public func mpiOpFree(_ op: UnsafeMutablePointer<MPI_Op?>?) -> Int32 {
    mpiCall("MPI_Op_free") { () throws(MPIError) in
        guard let op else { throw MPIError(.op, "MPI_Op_free needs an operation") }
        _ = try Handles.op(op.pointee)
        guard !Handles.isPredefined(op.pointee) else { throw MPIError(.op, "MPI_Op_free of a predefined operation") }
        Handles.release(op.pointee!, as: Op.self)
        op.pointee = Handles.predefined(Handles.Value.opNull)
    }
}
