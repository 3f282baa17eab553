import BrazosMPI
import CMPI

/// `MPI_Comm_size`.
@_cdecl("MPI_Comm_size")
public func mpiCommSize(_ comm: MPI_Comm?, _ size: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Comm_size", on: comm) { () throws(MPIError) in
        let communicator = try Handles.communicator(comm)
        try output(size, "the size").pointee = Int32(communicator.localSize)
    }
}

/// `MPI_Comm_rank`.
@_cdecl("MPI_Comm_rank")
public func mpiCommRank(_ comm: MPI_Comm?, _ rank: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Comm_rank", on: comm) { () throws(MPIError) in
        let communicator = try Handles.communicator(comm)
        try output(rank, "the rank").pointee = Int32(communicator.rank)
    }
}

/// A new communicator's handle, or `MPI_COMM_NULL`.
func handle(of communicator: Communicator?) -> MPI_Comm? {
    communicator.map { Handles.communicators.add($0) } ?? Handles.opaque(Handles.Value.commNull)
}

/// `MPI_Comm_dup`: the same ranks in a new context, with the same error handler.
@_cdecl("MPI_Comm_dup")
public func mpiCommDup(_ comm: MPI_Comm?, _ newComm: UnsafeMutablePointer<MPI_Comm?>?) -> Int32 {
    mpiCall("MPI_Comm_dup", on: comm) { () throws(MPIError) in
        let communicator = try Handles.communicator(comm)
        let result = try output(newComm, "the new communicator")
        result.pointee = Handles.opaque(Handles.Value.commNull)
        result.pointee = handle(of: try communicator.dup())
    }
}

/// `MPI_Comm_split`: `MPI_UNDEFINED` as colour gives `MPI_COMM_NULL`.
@_cdecl("MPI_Comm_split")
public func mpiCommSplit(_ comm: MPI_Comm?, _ color: Int32, _ key: Int32, _ newComm: UnsafeMutablePointer<MPI_Comm?>?) -> Int32 {
    mpiCall("MPI_Comm_split", on: comm) { () throws(MPIError) in
        let communicator = try Handles.communicator(comm)
        let result = try output(newComm, "the new communicator")
        let colour = Int(color) == MPI.undefined ? nil : Int(color)
        result.pointee = handle(of: try communicator.split(color: colour, key: Int(key)))
    }
}

/// `MPI_Comm_create`: `MPI_COMM_NULL` on ranks outside `group`.
@_cdecl("MPI_Comm_create")
public func mpiCommCreate(_ comm: MPI_Comm?, _ group: MPI_Group?, _ newComm: UnsafeMutablePointer<MPI_Comm?>?) -> Int32 {
    mpiCall("MPI_Comm_create", on: comm) { () throws(MPIError) in
        let communicator = try Handles.communicator(comm)
        let members = try Handles.group(group)
        let result = try output(newComm, "the new communicator")
        result.pointee = handle(of: try communicator.create(members))
    }
}

/// `MPI_Comm_free`: runs the attributes' delete callbacks (one that fails leaves the
/// communicator, and its error is returned), then sets the handle to `MPI_COMM_NULL`; a
/// predefined communicator fails with `MPI_ERR_COMM`.
@_cdecl("MPI_Comm_free")
public func mpiCommFree(_ comm: UnsafeMutablePointer<MPI_Comm?>?) -> Int32 {
    mpiCall("MPI_Comm_free") { () throws(MPIError) in
        guard let comm else { throw MPIError(.comm, "null pointer for the communicator") }
        let communicator = try freeable(comm.pointee, "MPI_Comm_free")
        try communicator.free()
        Handles.communicators.remove(comm.pointee)
        comm.pointee = Handles.opaque(Handles.Value.commNull)
    }
}

/// `MPI_Comm_disconnect`: waits for every member (both groups of an intercommunicator),
/// then frees the communicator as `MPI_Comm_free` does.
@_cdecl("MPI_Comm_disconnect")
public func mpiCommDisconnect(_ comm: UnsafeMutablePointer<MPI_Comm?>?) -> Int32 {
    mpiCall("MPI_Comm_disconnect") { () throws(MPIError) in
        guard let comm else { throw MPIError(.comm, "null pointer for the communicator") }
        let communicator = try freeable(comm.pointee, "MPI_Comm_disconnect")
        try communicator.disconnect()
        Handles.communicators.remove(comm.pointee)
        comm.pointee = Handles.opaque(Handles.Value.commNull)
    }
}

/// The communicator behind a handle the program may free: not a predefined one.
private func freeable(_ handle: MPI_Comm?, _ function: String) throws(MPIError) -> Communicator {
    let communicator = try Handles.communicator(handle)
    guard Handles.communicators.object(handle) != nil else { throw MPIError(.comm, "\(function) of a predefined communicator") }
    return communicator
}

/// `MPI_Comm_compare`: `MPI_IDENT`, `MPI_CONGRUENT`, `MPI_SIMILAR` or `MPI_UNEQUAL`.
@_cdecl("MPI_Comm_compare")
public func mpiCommCompare(_ first: MPI_Comm?, _ second: MPI_Comm?, _ result: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Comm_compare", on: first) { () throws(MPIError) in
        let comparison = try Handles.communicator(first).compare(try Handles.communicator(second))
        try output(result, "the result").pointee = comparisonValue(comparison)
    }
}

/// `MPI_Comm_group`.
@_cdecl("MPI_Comm_group")
public func mpiCommGroup(_ comm: MPI_Comm?, _ group: UnsafeMutablePointer<MPI_Group?>?) -> Int32 {
    mpiCall("MPI_Comm_group", on: comm) { () throws(MPIError) in
        let communicator = try Handles.communicator(comm)
        try output(group, "the group").pointee = Handles.groups.add(communicator.group)
    }
}

/// `MPI_IDENT` .. `MPI_UNEQUAL`.
func comparisonValue(_ comparison: Comparison) -> Int32 {
    switch comparison {
    case .identical: return 201
    case .congruent: return 202
    case .similar: return 203
    case .unequal: return 204
    }
}
