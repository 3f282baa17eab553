/// An ordered set of ranks (`MPI_Group`), held as world ranks. A group remembers the
/// world rank of the thread that made it, so it can answer `rank` (`MPI_Group_rank`).
public final class Group: Sendable {
    /// The world rank of each member, in group order.
    public let worldRanks: [Int]
    let callerWorldRank: Int?
    private let indexOfWorld: [Int: Int]

    init(worldRanks: [Int], callerWorldRank: Int?) {
        self.worldRanks = worldRanks
        self.callerWorldRank = callerWorldRank
        indexOfWorld = Dictionary(uniqueKeysWithValues: worldRanks.enumerated().map { ($1, $0) })
    }

    /// `MPI_GROUP_EMPTY`.
    public static let empty = Group(worldRanks: [], callerWorldRank: nil)

    /// Members in the group (`MPI_Group_size`).
    public var size: Int { worldRanks.count }

    /// The caller's rank in the group, or nil if it is not a member (`MPI_UNDEFINED`).
    public var rank: Int? { callerWorldRank.flatMap { indexOfWorld[$0] } }

    func rank(ofWorld world: Int) -> Int? { indexOfWorld[world] }

    /// `MPI_Group_incl`: the members at `ranks`, in that order.
    public func including(_ ranks: [Int]) throws(MPIError) -> Group {
        try checkDistinctMembers(ranks, "Group_incl")
        return Group(worldRanks: ranks.map { worldRanks[$0] }, callerWorldRank: callerWorldRank)
    }

    /// `MPI_Group_excl`: the members not at `ranks`, in group order.
    public func excluding(_ ranks: [Int]) throws(MPIError) -> Group {
        try checkDistinctMembers(ranks, "Group_excl")
        let excluded = Set(ranks)
        return Group(worldRanks: worldRanks.indices.filter { !excluded.contains($0) }.map { worldRanks[$0] }, callerWorldRank: callerWorldRank)
    }

    /// `MPI_Group_range_incl`: the members named by (first, last, stride) triplets, in
    /// the order the triplets list them.
    public func including(ranges: [(first: Int, last: Int, stride: Int)]) throws(MPIError) -> Group {
        try including(try ranksIn(ranges, "Group_range_incl"))
    }

    /// `MPI_Group_range_excl`: the members not named by the triplets, in group order.
    public func excluding(ranges: [(first: Int, last: Int, stride: Int)]) throws(MPIError) -> Group {
        try excluding(try ranksIn(ranges, "Group_range_excl"))
    }

    /// The ranks that range triplets name. Every rank must be in the group and named
    /// once, so the list never grows past the group's size, whatever the triplets say.
    private func ranksIn(_ ranges: [(first: Int, last: Int, stride: Int)], _ operation: String) throws(MPIError) -> [Int] {
        var ranks: [Int] = []
        var seen = Set<Int>()
        for (first, last, step) in ranges {
            guard step != 0 else { throw MPIError(.arg, "\(operation): stride 0 in (\(first), \(last), 0)") }
            for end in [first, last] where !worldRanks.indices.contains(end) {
                throw MPIError(.rank, "\(operation): rank \(end) is not in a group of \(size)")
            }
            guard (step > 0 && first <= last) || (step < 0 && first >= last) else {
                // MPI allows a triplet that names no rank (first past last for the stride's way).
                continue
            }
            for rank in stride(from: first, through: last, by: step) {
                guard seen.insert(rank).inserted else { throw MPIError(.rank, "\(operation): rank \(rank) named twice") }
                ranks.append(rank)
            }
        }
        return ranks
    }

    /// `MPI_Group_union`: this group's members, then those of `other` not in it.
    public func union(_ other: Group) -> Group {
        Group(worldRanks: worldRanks + other.worldRanks.filter { rank(ofWorld: $0) == nil }, callerWorldRank: callerWorldRank ?? other.callerWorldRank)
    }

    /// `MPI_Group_intersection`: this group's members that are also in `other`, in this group's order.
    public func intersection(_ other: Group) -> Group {
        Group(worldRanks: worldRanks.filter { other.rank(ofWorld: $0) != nil }, callerWorldRank: callerWorldRank ?? other.callerWorldRank)
    }

    /// `MPI_Group_difference`: this group's members that are not in `other`, in this group's order.
    public func difference(_ other: Group) -> Group {
        Group(worldRanks: worldRanks.filter { other.rank(ofWorld: $0) == nil }, callerWorldRank: callerWorldRank ?? other.callerWorldRank)
    }

    /// `MPI_Group_translate_ranks`: each rank of this group in `other`, nil where the
    /// process is not in `other`; `MPI.procNull` stays `procNull`.
    public func translate(_ ranks: [Int], to other: Group) throws(MPIError) -> [Int?] {
        var result: [Int?] = []
        for rank in ranks {
            if rank == MPI.procNull {
                result.append(MPI.procNull)
                continue
            }
            guard worldRanks.indices.contains(rank) else {
                throw MPIError(.rank, "Group_translate_ranks: rank \(rank) is not in a group of \(size)")
            }
            result.append(other.rank(ofWorld: worldRanks[rank]))
        }
        return result
    }

    /// `MPI_Group_compare`'s answer, as in `Comparison`.
    public func compare(_ other: Group) -> Comparison {
        if worldRanks == other.worldRanks { return .identical }
        return Set(worldRanks) == Set(other.worldRanks) ? .similar : .unequal
    }

    private func checkDistinctMembers(_ ranks: [Int], _ operation: String) throws(MPIError) {
        var seen = Set<Int>()
        for rank in ranks {
            guard worldRanks.indices.contains(rank) else {
                throw MPIError(.rank, "\(operation): rank \(rank) is not in a group of \(size)")
            }
            guard seen.insert(rank).inserted else { throw MPIError(.rank, "\(operation): rank \(rank) named twice") }
        }
    }
}

/// How two groups or communicators compare (`MPI_IDENT`, `MPI_CONGRUENT`, `MPI_SIMILAR`,
/// `MPI_UNEQUAL`).
public enum Comparison: Sendable {
    case identical, congruent, similar, unequal
}
