/// Making and comparing communicators (`MPI_Comm_dup`, `_split`, `_create`, `_compare`,
/// `_group`). Every constructor is collective over the parent communicator.
extension Communicator {
    /// The members as a group (`MPI_Comm_group`).
    public var group: Group { Group(worldRanks: worldRanks, callerWorldRank: callerWorldRank) }

    /// `MPI_Comm_dup`: the same ranks in a new context; the error handler is copied.
    public func dup() throws(MPIError) -> Communicator {
        let context = try agreeOnContext()
        let copy = Communicator(engine: engine, context: context, translation: translation, rank: rank, size: size, contexts: contexts)
        copy.errorHandler = errorHandler
        return copy
    }

    /// `MPI_Comm_split`: ranks with the same `color` form a communicator, ordered by `key`
    /// then by rank here; a nil colour (`MPI_UNDEFINED`) gets nil.
    public func split(color: Int?, key: Int) throws(MPIError) -> Communicator? {
        if let color, color < 0 { throw MPIError(.arg, "Comm_split: negative colour \(color)") }
        let mine = [Int64(color ?? -1), Int64(key)]
        var everyone = [Int64](repeating: 0, count: 2 * size)
        var failure: MPIError?
        mine.withUnsafeBytes { mineBytes in
            everyone.withUnsafeMutableBytes { all in
                do throws(MPIError) {
                    try allgather(.memory(mineBytes.baseAddress), sendCount: 2, sendType: .int64, all.baseAddress, receiveCount: 2, receiveType: .int64)
                } catch { failure = error }
            }
        }
        if let failure { throw failure }
        let context = try agreeOnContext()
        guard let color else { return nil }
        let members = (0..<size).filter { everyone[2 * $0] == Int64(color) }
            .sorted { (everyone[2 * $0 + 1], $0) < (everyone[2 * $1 + 1], $1) }
        return Communicator(members: members.map { worldRank(of: $0) }, me: callerWorldRank, context: context, parent: self)
    }

    /// `MPI_Comm_create`: a communicator of `group`'s members (a subset of this one's);
    /// nil for ranks outside it.
    public func create(_ group: Group) throws(MPIError) -> Communicator? {
        let members = Set(worldRanks)
        guard group.worldRanks.allSatisfy(members.contains) else {
            throw MPIError(.group, "Comm_create: the group has ranks outside the communicator")
        }
        let context = try agreeOnContext()
        let me = callerWorldRank
        guard group.rank(ofWorld: me) != nil else { return nil }
        return Communicator(members: group.worldRanks, me: me, context: context, parent: self)
    }

    private convenience init(members: [Int], me: Int, context: UInt32, parent: Communicator) {
        let isWorld = members == Array(0..<parent.engine.directory.rankCount)
        self.init(engine: parent.engine, context: context, translation: isWorld ? nil : RankTranslation(worldRanks: members),
                  rank: members.firstIndex(of: me)!, size: members.count, contexts: parent.contexts)
        errorHandler = parent.errorHandler
    }

    /// `MPI_Comm_compare`.
    public func compare(_ other: Communicator) -> Comparison {
        if self === other { return .identical }
        switch group.compare(other.group) {
        case .identical: return .congruent
        case let result: return result
        }
    }

    /// A context id no member has used: the largest next id among them.
    private func agreeOnContext() throws(MPIError) -> UInt32 {
        var agreed = contexts.next
        try withUnsafeMutablePointer(to: &agreed) { result throws(MPIError) in
            try allreduce(.inPlace, UnsafeMutableRawPointer(result), count: 1, datatype: .uint32, op: .max)
        }
        contexts.advance(past: agreed)
        return agreed
    }
}
