import BrazosMPI
import CMPI

/// `MPI_Comm_size`.
@_cdecl("MPI_Comm_size")
public func mpiCommSize(_ comm: MPI_Comm?, _ size: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Comm_size", on: comm) { () throws(MPIError) in
        let communicator = try Handles.communicator(comm)
        try output(size, "the size").pointee = Int32(communicator.size)
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
private func handle(of communicator: Communicator?) -> MPI_Comm? {
    communicator.map { Handles.communicators.add($0) } ?? Handles.opaque(Handles.Value.commNull)
}

/// `MPI_Comm_dup`: the same ranks in a new context, with the same error handler.
@_cdecl("MPI_Comm_dup")
public func mpiCommDup(_ comm: MPI_Comm?, _ newComm: UnsafeMutablePointer<MPI_Comm?>?) -> Int32 {
    mpiCall("MPI_Comm_dup", on: comm) { () throws(MPIError) in
        let communicator = try Handles.communicator(comm)
        let result = try output(newComm, "the new communicator")
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

/// `MPI_Comm_free`: sets the handle to `MPI_COMM_NULL`; a predefined communicator fails with `MPI_ERR_COMM`.
@_cdecl("MPI_Comm_free")
public func mpiCommFree(_ comm: UnsafeMutablePointer<MPI_Comm?>?) -> Int32 {
    mpiCall("MPI_Comm_free") { () throws(MPIError) in
        guard let comm else { throw MPIError(.comm, "null pointer for the communicator") }
        _ = try Handles.communicator(comm.pointee)
        guard Handles.communicators.remove(comm.pointee) != nil else { throw MPIError(.comm, "MPI_Comm_free of a predefined communicator") }
        comm.pointee = Handles.opaque(Handles.Value.commNull)
    }
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
private func handle(of group: Group) -> MPI_Group? {
    group.size == 0 ? Handles.opaque(Handles.Value.groupEmpty) : Handles.groups.add(group)
}

/// The `count` ranks a group call reads: a negative count is `MPI_ERR_ARG`, and so is a
/// null array of ranks to read.
private func ranks(_ pointer: UnsafePointer<Int32>?, _ count: Int32) throws(MPIError) -> [Int] {
    guard count >= 0 else { throw MPIError(.arg, "negative number of ranks \(count)") }
    guard pointer != nil || count == 0 else { throw MPIError(.arg, "null array of \(count) ranks") }
    return integers(pointer, Int(count))
}

/// `MPI_Group_incl`; an empty result is `MPI_GROUP_EMPTY`.
@_cdecl("MPI_Group_incl")
public func mpiGroupIncl(_ group: MPI_Group?, _ count: Int32, _ members: UnsafePointer<Int32>?, _ newGroup: UnsafeMutablePointer<MPI_Group?>?) -> Int32 {
    mpiCall("MPI_Group_incl") { () throws(MPIError) in
        let included = try Handles.group(group).including(try ranks(members, count))
        try output(newGroup, "the new group").pointee = handle(of: included)
    }
}

/// `MPI_Group_excl`; an empty result is `MPI_GROUP_EMPTY`.
@_cdecl("MPI_Group_excl")
public func mpiGroupExcl(_ group: MPI_Group?, _ count: Int32, _ members: UnsafePointer<Int32>?, _ newGroup: UnsafeMutablePointer<MPI_Group?>?) -> Int32 {
    mpiCall("MPI_Group_excl") { () throws(MPIError) in
        let remaining = try Handles.group(group).excluding(try ranks(members, count))
        try output(newGroup, "the new group").pointee = handle(of: remaining)
    }
}

/// `MPI_Group_size`.
@_cdecl("MPI_Group_size")
public func mpiGroupSize(_ group: MPI_Group?, _ size: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Group_size") { () throws(MPIError) in
        let members = try Handles.group(group)
        try output(size, "the size").pointee = Int32(members.size)
    }
}

/// `MPI_Group_rank`: `MPI_UNDEFINED` if the caller is not a member.
@_cdecl("MPI_Group_rank")
public func mpiGroupRank(_ group: MPI_Group?, _ rank: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Group_rank") { () throws(MPIError) in
        let members = try Handles.group(group)
        try output(rank, "the rank").pointee = Int32(members.rank ?? MPI.undefined)
    }
}

/// `MPI_Group_translate_ranks`: `MPI_UNDEFINED` where a process is not in `second`;
/// `MPI_PROC_NULL` stays itself.
@_cdecl("MPI_Group_translate_ranks")
public func mpiGroupTranslateRanks(_ first: MPI_Group?, _ count: Int32, _ members: UnsafePointer<Int32>?, _ second: MPI_Group?,
                                   _ translated: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Group_translate_ranks") { () throws(MPIError) in
        let from = try Handles.group(first), to = try Handles.group(second)
        let result = try from.translate(try ranks(members, count), to: to)
        guard let translated else {
            if result.isEmpty { return }
            throw MPIError(.arg, "null array for \(count) translated ranks")
        }
        for (index, rank) in result.enumerated() { translated[index] = Int32(rank ?? MPI.undefined) }
    }
}

/// `MPI_Group_free`: sets the handle to `MPI_GROUP_NULL`; freeing a predefined group only does that.
@_cdecl("MPI_Group_free")
public func mpiGroupFree(_ group: UnsafeMutablePointer<MPI_Group?>?) -> Int32 {
    mpiCall("MPI_Group_free") { () throws(MPIError) in
        guard let group else { throw MPIError(.group, "null pointer for the group") }
        _ = try Handles.group(group.pointee)
        Handles.groups.remove(group.pointee)
        group.pointee = Handles.opaque(Handles.Value.groupNull)
    }
}
