import BrazosMPI
import CMPI

/// `MPI_Comm_size`.
@_cdecl("MPI_Comm_size")
public func mpiCommSize(_ comm: MPI_Comm?, _ size: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Comm_size", on: comm) { () throws(MPIError) in size?.pointee = Int32(try Handles.communicator(comm).size) }
}

/// `MPI_Comm_rank`.
@_cdecl("MPI_Comm_rank")
public func mpiCommRank(_ comm: MPI_Comm?, _ rank: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Comm_rank", on: comm) { () throws(MPIError) in rank?.pointee = Int32(try Handles.communicator(comm).rank) }
}

/// A new communicator's handle, or `MPI_COMM_NULL`.
private func handle(of communicator: Communicator?) -> MPI_Comm {
    communicator.map { Handles.retain($0) } ?? Handles.predefined(Handles.Value.commNull)
}

/// `MPI_Comm_dup`: the same ranks in a new context, with the same error handler.
@_cdecl("MPI_Comm_dup")
public func mpiCommDup(_ comm: MPI_Comm?, _ newComm: UnsafeMutablePointer<MPI_Comm?>?) -> Int32 {
    mpiCall("MPI_Comm_dup", on: comm) { () throws(MPIError) in newComm?.pointee = handle(of: try Handles.communicator(comm).dup()) }
}

/// `MPI_Comm_split`: `MPI_UNDEFINED` as colour gives `MPI_COMM_NULL`.
@_cdecl("MPI_Comm_split")
public func mpiCommSplit(_ comm: MPI_Comm?, _ color: Int32, _ key: Int32, _ newComm: UnsafeMutablePointer<MPI_Comm?>?) -> Int32 {
    mpiCall("MPI_Comm_split", on: comm) { () throws(MPIError) in
        let colour = Int(color) == MPI.undefined ? nil : Int(color)
        newComm?.pointee = handle(of: try Handles.communicator(comm).split(color: colour, key: Int(key)))
    }
}

/// `MPI_Comm_create`: `MPI_COMM_NULL` on ranks outside `group`.
@_cdecl("MPI_Comm_create")
public func mpiCommCreate(_ comm: MPI_Comm?, _ group: MPI_Group?, _ newComm: UnsafeMutablePointer<MPI_Comm?>?) -> Int32 {
    mpiCall("MPI_Comm_create", on: comm) { () throws(MPIError) in
        newComm?.pointee = handle(of: try Handles.communicator(comm).create(try Handles.group(group)))
    }
}

/// `MPI_Comm_free`: sets the handle to `MPI_COMM_NULL`; a predefined communicator fails with `MPI_ERR_COMM`.
@_cdecl("MPI_Comm_free")
public func mpiCommFree(_ comm: UnsafeMutablePointer<MPI_Comm?>?) -> Int32 {
    mpiCall("MPI_Comm_free") { () throws(MPIError) in
        guard let comm else { throw MPIError(.comm, "MPI_Comm_free needs a communicator") }
        _ = try Handles.communicator(comm.pointee)
        guard !Handles.isPredefined(comm.pointee) else { throw MPIError(.comm, "MPI_Comm_free of a predefined communicator") }
        Handles.release(comm.pointee!, as: Communicator.self)
        comm.pointee = Handles.predefined(Handles.Value.commNull)
    }
}

/// `MPI_Comm_compare`: `MPI_IDENT`, `MPI_CONGRUENT`, `MPI_SIMILAR` or `MPI_UNEQUAL`.
@_cdecl("MPI_Comm_compare")
public func mpiCommCompare(_ first: MPI_Comm?, _ second: MPI_Comm?, _ result: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Comm_compare", on: first) { () throws(MPIError) in
        result?.pointee = comparisonValue(try Handles.communicator(first).compare(try Handles.communicator(second)))
    }
}

/// `MPI_Comm_group`.
@_cdecl("MPI_Comm_group")
public func mpiCommGroup(_ comm: MPI_Comm?, _ group: UnsafeMutablePointer<MPI_Group?>?) -> Int32 {
    mpiCall("MPI_Comm_group", on: comm) { () throws(MPIError) in group?.pointee = Handles.retain(try Handles.communicator(comm).group) }
}

/// `MPI_IDENT` .. `MPI_UNEQUAL`.
private func comparisonValue(_ comparison: Comparison) -> Int32 {
    switch comparison {
    case .identical: return 201
    case .congruent: return 202
    case .similar: return 203
    case .unequal: return 204
    }
}

// MARK: Groups

/// A new group's handle; an empty group is `MPI_GROUP_EMPTY`.
private func handle(of group: Group) -> MPI_Group {
    group.size == 0 ? Handles.predefined(Handles.Value.groupEmpty) : Handles.retain(group)
}

/// `MPI_Group_incl`; an empty result is `MPI_GROUP_EMPTY`.
@_cdecl("MPI_Group_incl")
public func mpiGroupIncl(_ group: MPI_Group?, _ count: Int32, _ ranks: UnsafePointer<Int32>?, _ newGroup: UnsafeMutablePointer<MPI_Group?>?) -> Int32 {
    mpiCall("MPI_Group_incl") { () throws(MPIError) in
        newGroup?.pointee = handle(of: try Handles.group(group).including(integers(ranks, Int(count))))
    }
}

/// `MPI_Group_excl`; an empty result is `MPI_GROUP_EMPTY`.
@_cdecl("MPI_Group_excl")
public func mpiGroupExcl(_ group: MPI_Group?, _ count: Int32, _ ranks: UnsafePointer<Int32>?, _ newGroup: UnsafeMutablePointer<MPI_Group?>?) -> Int32 {
    mpiCall("MPI_Group_excl") { () throws(MPIError) in
        newGroup?.pointee = handle(of: try Handles.group(group).excluding(integers(ranks, Int(count))))
    }
}

/// `MPI_Group_size`.
@_cdecl("MPI_Group_size")
public func mpiGroupSize(_ group: MPI_Group?, _ size: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Group_size") { () throws(MPIError) in size?.pointee = Int32(try Handles.group(group).size) }
}

/// `MPI_Group_rank`: `MPI_UNDEFINED` if the caller is not a member.
@_cdecl("MPI_Group_rank")
public func mpiGroupRank(_ group: MPI_Group?, _ rank: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Group_rank") { () throws(MPIError) in rank?.pointee = Int32(try Handles.group(group).rank ?? MPI.undefined) }
}

/// `MPI_Group_translate_ranks`: `MPI_UNDEFINED` where a process is not in `second`;
/// `MPI_PROC_NULL` stays itself.
@_cdecl("MPI_Group_translate_ranks")
public func mpiGroupTranslateRanks(_ first: MPI_Group?, _ count: Int32, _ ranks: UnsafePointer<Int32>?, _ second: MPI_Group?,
                                   _ translated: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Group_translate_ranks") { () throws(MPIError) in
        let result = try Handles.group(first).translate(integers(ranks, Int(count)), to: try Handles.group(second))
        for (index, rank) in result.enumerated() { translated?[index] = Int32(rank ?? MPI.undefined) }
    }
}

/// `MPI_Group_free`: sets the handle to `MPI_GROUP_NULL`; freeing a predefined group only does that.
@_cdecl("MPI_Group_free")
public func mpiGroupFree(_ group: UnsafeMutablePointer<MPI_Group?>?) -> Int32 {
    mpiCall("MPI_Group_free") { () throws(MPIError) in
        guard let group else { throw MPIError(.group, "MPI_Group_free needs a group") }
        _ = try Handles.group(group.pointee)
        if !Handles.isPredefined(group.pointee) { Handles.release(group.pointee!, as: Group.self) }
        group.pointee = Handles.predefined(Handles.Value.groupNull)
    }
}
