import BrazosMPI
import CMPI

/// A new group's handle; an empty group is `MPI_GROUP_EMPTY`.
func handle(of group: Group) -> MPI_Group? {
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

/// `MPI_Group_compare`: `MPI_IDENT`, `MPI_SIMILAR` or `MPI_UNEQUAL`.
@_cdecl("MPI_Group_compare")
public func mpiGroupCompare(_ first: MPI_Group?, _ second: MPI_Group?, _ result: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Group_compare") { () throws(MPIError) in
        let comparison = try Handles.group(first).compare(try Handles.group(second))
        try output(result, "the result").pointee = comparisonValue(comparison)
    }
}

/// A group made of two others (`MPI_Group_union`, `_intersection`, `_difference`).
private func combine(_ function: StaticString, _ first: MPI_Group?, _ second: MPI_Group?, _ newGroup: UnsafeMutablePointer<MPI_Group?>?,
                     _ operation: (Group) -> (Group) -> Group) -> Int32 {
    mpiCall(function) { () throws(MPIError) in
        let made = operation(try Handles.group(first))(try Handles.group(second))
        try output(newGroup, "the new group").pointee = handle(of: made)
    }
}

/// `MPI_Group_union`: the first group's members, then the second's not in the first.
@_cdecl("MPI_Group_union")
public func mpiGroupUnion(_ first: MPI_Group?, _ second: MPI_Group?, _ newGroup: UnsafeMutablePointer<MPI_Group?>?) -> Int32 {
    combine("MPI_Group_union", first, second, newGroup, Group.union)
}

/// `MPI_Group_intersection`: the first group's members also in the second, in the first's order.
@_cdecl("MPI_Group_intersection")
public func mpiGroupIntersection(_ first: MPI_Group?, _ second: MPI_Group?, _ newGroup: UnsafeMutablePointer<MPI_Group?>?) -> Int32 {
    combine("MPI_Group_intersection", first, second, newGroup, Group.intersection)
}

/// `MPI_Group_difference`: the first group's members not in the second, in the first's order.
@_cdecl("MPI_Group_difference")
public func mpiGroupDifference(_ first: MPI_Group?, _ second: MPI_Group?, _ newGroup: UnsafeMutablePointer<MPI_Group?>?) -> Int32 {
    combine("MPI_Group_difference", first, second, newGroup, Group.difference)
}

/// The `count` (first, last, stride) triplets of `ranges[][3]`.
private func triplets(_ ranges: UnsafePointer<Int32>?, _ count: Int32) throws(MPIError) -> [(first: Int, last: Int, stride: Int)] {
    let flat = try ranks(ranges, count.multipliedReportingOverflow(by: 3).overflow ? -1 : count * 3)
    return stride(from: 0, to: flat.count, by: 3).map { (flat[$0], flat[$0 + 1], flat[$0 + 2]) }
}

/// `MPI_Group_range_incl`; an empty result is `MPI_GROUP_EMPTY`.
@_cdecl("MPI_Group_range_incl")
public func mpiGroupRangeIncl(_ group: MPI_Group?, _ count: Int32, _ ranges: UnsafePointer<Int32>?, _ newGroup: UnsafeMutablePointer<MPI_Group?>?) -> Int32 {
    mpiCall("MPI_Group_range_incl") { () throws(MPIError) in
        let included = try Handles.group(group).including(ranges: try triplets(ranges, count))
        try output(newGroup, "the new group").pointee = handle(of: included)
    }
}

/// `MPI_Group_range_excl`; an empty result is `MPI_GROUP_EMPTY`.
@_cdecl("MPI_Group_range_excl")
public func mpiGroupRangeExcl(_ group: MPI_Group?, _ count: Int32, _ ranges: UnsafePointer<Int32>?, _ newGroup: UnsafeMutablePointer<MPI_Group?>?) -> Int32 {
    mpiCall("MPI_Group_range_excl") { () throws(MPIError) in
        let remaining = try Handles.group(group).excluding(ranges: try triplets(ranges, count))
        try output(newGroup, "the new group").pointee = handle(of: remaining)
    }
}
