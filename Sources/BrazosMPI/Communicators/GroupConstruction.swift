/// Communicators made by the members of a group alone (MPI 4.1 §7.4.2): the ranks
/// outside it take no part, so the members agree on a context among themselves
/// (`GroupExchange`) instead of over a parent communicator's collectives.
extension Communicator {
    /// `MPI_Comm_create_group`: collective over `group` (a subset of this communicator)
    /// only; `tag` tells apart calls that run at once. nil for a caller outside `group`.
    public func create(group: Group, tag: Int) throws(MPIError) -> Communicator? {
        try checkIntracommunicator("Comm_create_group")
        guard (0...MPI.tagUpperBound).contains(tag) else { throw MPIError(.tag, "Comm_create_group: tag \(tag)") }
        let members = Set(worldRanks)
        guard group.worldRanks.allSatisfy(members.contains) else {
            throw MPIError(.group, "Comm_create_group: the group has ranks outside the communicator")
        }
        guard group.rank(ofWorld: callerWorldRank) != nil else { return nil }
        let exchange = GroupExchange(on: self, context: ContextAllocator.groupConstruction,
                                     tag: GroupExchange.tag(for: "\(context):\(tag)"))
        let context = UInt32(try exchange.maximum(Int(contexts.next), among: group.worldRanks))
        contexts.advance(past: context)
        return Communicator(members: group.worldRanks, me: callerWorldRank, context: context, parent: self)
    }

    /// `MPI_Comm_create_from_group` (MPI 4 sessions): collective over `group`'s members,
    /// told apart from other calls at once by `tag`. `world` is any communicator of the
    /// caller's (for its runtime); the new one gets `errorHandler` and the hints of `info`.
    public static func create(from group: Group, tag: String, info: Info?, errorHandler: ErrorHandler,
                              world: Communicator) throws(MPIError) -> Communicator {
        guard group.rank != nil else { throw MPIError(.group, "Comm_create_from_group: the caller is not in the group") }
        let exchange = GroupExchange(on: world, context: ContextAllocator.groupConstruction + 1, tag: GroupExchange.tag(for: tag))
        let context = UInt32(try exchange.maximum(Int(world.contexts.next), among: group.worldRanks))
        world.contexts.advance(past: context)
        let made = Communicator(members: group.worldRanks, me: world.callerWorldRank, context: context, parent: world)
        made.errorHandler = errorHandler
        if let info { made.setInfo(info) }
        return made
    }
}
