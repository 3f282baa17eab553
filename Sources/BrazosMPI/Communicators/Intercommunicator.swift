/// An intercommunicator's own side: the world ranks of the caller's group, and an
/// intracommunicator over them (on the context after the intercommunicator's) that
/// carries the agreements each operation on the intercommunicator needs.
///
/// An intercommunicator itself is a `Communicator` whose translation is the remote
/// group's: point-to-point ranks and `size` are the remote group's, `rank` is the
/// caller's in its own group, and its messages go out from `callerWorldRank`.
final class LocalSide: Sendable {
    let group: [Int]
    let communicator: Communicator

    init(group: [Int], communicator: Communicator) {
        self.group = group
        self.communicator = communicator
    }
}

extension Communicator {
    /// An intercommunicator between the groups `local` and `remote` (world ranks, the
    /// caller in `local`) on `context` and, for its local side, `context + 2`.
    static func intercommunicator(engine: MessageEngine, context: UInt32, local: [Int], remote: [Int], me: Int,
                                  contexts: ContextAllocator) -> Communicator {
        let rank = local.firstIndex(of: me)!
        let inter = Communicator(engine: engine, context: context, translation: RankTranslation(worldRanks: remote), rank: rank,
                                 size: remote.count, contexts: contexts, callerWorldRank: me)
        let intra = Communicator(engine: engine, context: context + 2, translation: RankTranslation(worldRanks: local), rank: rank,
                                 size: local.count, contexts: contexts, callerWorldRank: me)
        inter.extras.local = LocalSide(group: local, communicator: intra)
        return inter
    }

    /// `MPI_Comm_remote_size`: `.comm` on an intracommunicator.
    public var remoteSize: Int {
        get throws(MPIError) {
            guard isIntercommunicator else { throw MPIError(.comm, "Comm_remote_size of an intracommunicator") }
            return size
        }
    }

    /// `MPI_Comm_remote_group`: `.comm` on an intracommunicator.
    public var remoteGroup: Group {
        get throws(MPIError) {
            guard isIntercommunicator else { throw MPIError(.comm, "Comm_remote_group of an intracommunicator") }
            return remoteMembers
        }
    }

    /// The ranks point-to-point addresses, as a group: an intercommunicator's remote group.
    var remoteMembers: Group { Group(worldRanks: worldRanks, callerWorldRank: callerWorldRank) }

    /// `MPI_Intercomm_create`, collective over this communicator (the local group): its
    /// rank `localLeader` and rank `remoteLeader` of `peer` (a communicator holding both,
    /// used by the leader alone, with `tag`) lead the two groups, which must not overlap.
    public func intercommunicator(localLeader: Int, peer: Communicator?, remoteLeader: Int, tag: Int) throws(MPIError) -> Communicator {
        try checkIntracommunicator("Intercomm_create")
        guard (0..<size).contains(localLeader) else { throw MPIError(.rank, "Intercomm_create: local leader \(localLeader) in a communicator of \(size)") }
        let proposal = try allreduce([Int(contexts.next)], op: .max)[0]
        // [context, remote size]; context 0 tells the group the leader failed.
        var answer = [0, 0]
        var remote: [Int] = []
        var failure: MPIError?
        if rank == localLeader {
            do throws(MPIError) {
                remote = try exchangeAsLeader(proposal, peer: peer, remoteLeader: remoteLeader, tag: tag)
                answer = [max(proposal, remote.removeFirst()), remote.count]
                if !Set(remote).isDisjoint(with: worldRanks) {
                    throw MPIError(.comm, "Intercomm_create: the local and remote groups overlap")
                }
            } catch {
                failure = error
                answer = [0, 0]
            }
        }
        try bcast(&answer, root: localLeader)
        guard answer[0] != 0 else { throw failure ?? MPIError(.comm, "Intercomm_create: the local leader could not reach the remote group") }
        if rank != localLeader { remote = [Int](repeating: 0, count: answer[1]) }
        try bcast(&remote, root: localLeader)
        let context = UInt32(answer[0])
        contexts.advance(past: context + 2)
        let made = Self.intercommunicator(engine: engine, context: context, local: worldRanks, remote: remote, me: callerWorldRank, contexts: contexts)
        made.errorHandler = errorHandler
        return made
    }

    /// The local leader's part of `MPI_Intercomm_create`: the remote leader's proposal,
    /// then its group's world ranks.
    private func exchangeAsLeader(_ proposal: Int, peer: Communicator?, remoteLeader: Int, tag: Int) throws(MPIError) -> [Int] {
        guard let peer else { throw MPIError(.comm, "Intercomm_create: the local leader needs a peer communicator") }
        guard (0..<peer.size).contains(remoteLeader) else {
            throw MPIError(.rank, "Intercomm_create: remote leader \(remoteLeader) in a peer communicator of \(peer.size)")
        }
        guard (0...MPI.tagUpperBound).contains(tag) else { throw MPIError(.tag, "Intercomm_create: tag \(tag)") }
        let exchange = GroupExchange(on: peer, context: peer.collectiveContext, tag: GroupExchange.peerTagBase + Int32(tag))
        let theirs = try exchange.exchange([proposal] + worldRanks, with: peer.worldRank(of: remoteLeader), phase: 0)
        guard theirs.count > 1 else { throw MPIError(.intern, "Intercomm_create: an empty remote group") }
        return theirs
    }

    /// `MPI_Intercomm_create_from_groups`: collective over both groups (world ranks of
    /// the caller's job), without a communicator: the leaders meet on the context kept
    /// for this, told apart by `tag`. `world` is any communicator of the caller's (for
    /// its runtime).
    public static func intercommunicator(localGroup: Group, localLeader: Int, remoteGroup: Group, remoteLeader: Int, tag: String,
                                         errorHandler: ErrorHandler, world: Communicator) throws(MPIError) -> Communicator {
        guard let me = localGroup.rank else { throw MPIError(.group, "Intercomm_create_from_groups: the caller is not in the local group") }
        guard (0..<localGroup.size).contains(localLeader) else { throw MPIError(.rank, "Intercomm_create_from_groups: local leader \(localLeader)") }
        guard (0..<remoteGroup.size).contains(remoteLeader) else { throw MPIError(.rank, "Intercomm_create_from_groups: remote leader \(remoteLeader)") }
        guard Set(localGroup.worldRanks).isDisjoint(with: remoteGroup.worldRanks) else {
            throw MPIError(.group, "Intercomm_create_from_groups: the groups overlap")
        }
        // Leaders first in each list, so that `maximum` gathers at them.
        let local = Self.ledBy(localLeader, localGroup.worldRanks)
        let exchange = GroupExchange(on: world, context: ContextAllocator.groupConstruction + 1, tag: GroupExchange.tag(for: tag, salt: 1))
        let proposal = try exchange.maximum(Int(world.contexts.next), among: local)
        var agreed = proposal
        if me == localLeader {
            agreed = max(proposal, try exchange.exchange([proposal], with: remoteGroup.worldRanks[remoteLeader], phase: 2)[0])
            for member in local.dropFirst() { try exchange.send([agreed], to: member, phase: 3) }
        } else {
            agreed = try exchange.receive(from: local[0], phase: 3)[0]
        }
        let context = UInt32(agreed)
        world.contexts.advance(past: context + 2)
        let made = Self.intercommunicator(engine: world.engine, context: context, local: localGroup.worldRanks, remote: remoteGroup.worldRanks,
                                          me: world.callerWorldRank, contexts: world.contexts)
        made.errorHandler = errorHandler
        return made
    }

    private static func ledBy(_ leader: Int, _ members: [Int]) -> [Int] {
        [members[leader]] + members.enumerated().filter { $0.offset != leader }.map(\.element)
    }

    /// `MPI_Intercomm_merge`: an intracommunicator of both groups, the group that passed
    /// `high` false first (if both passed the same, the group whose leader has the lower
    /// world rank).
    public func merge(high: Bool) throws(MPIError) -> Communicator {
        guard let local = extras.local else { throw MPIError(.comm, "Intercomm_merge of an intracommunicator") }
        let proposal = try local.communicator.allreduce([Int(contexts.next)], op: .max)[0]
        let theirs = try exchangeWithRemote([proposal, high ? 1 : 0, local.group[0]])
        let remoteHigh = theirs[1] != 0
        let localFirst = high == remoteHigh ? local.group[0] < theirs[2] : !high
        let members = localFirst ? local.group + worldRanks : worldRanks + local.group
        let context = UInt32(max(proposal, theirs[0]))
        contexts.advance(past: context)
        return Communicator(members: members, me: callerWorldRank, context: context, parent: self)
    }

    /// `MPI_Comm_dup` of an intercommunicator: the same groups on new contexts.
    func duplicateIntercommunicator(_ local: LocalSide) throws(MPIError) -> Communicator {
        let context = try agreeOnIntercommunicatorContext(local, adding: []).context
        return Self.intercommunicator(engine: engine, context: context, local: local.group, remote: worldRanks, me: callerWorldRank, contexts: contexts)
    }

    /// `MPI_Comm_split` of an intercommunicator.
    func splitIntercommunicator(_ local: LocalSide, color: Int?, key: Int) throws(MPIError) -> Communicator? {
        let table = try local.communicator.allgather([color ?? -1, key])
        let (context, remoteTable) = try agreeOnIntercommunicatorContext(local, adding: table)
        guard let color else { return nil }
        let localMembers = Self.members(ofColor: color, in: table).map { local.group[$0] }
        let remoteMembers = Self.members(ofColor: color, in: remoteTable).map { worldRanks[$0] }
        guard !remoteMembers.isEmpty else { return nil }
        let made = Self.intercommunicator(engine: engine, context: context, local: localMembers, remote: remoteMembers, me: callerWorldRank, contexts: contexts)
        made.errorHandler = errorHandler
        return made
    }

    /// `MPI_Comm_create` of an intercommunicator.
    func createIntercommunicator(_ local: LocalSide, _ group: Group) throws(MPIError) -> Communicator? {
        guard group.worldRanks.allSatisfy(Set(local.group).contains) else {
            throw MPIError(.group, "Comm_create: the group has ranks outside the local group of the intercommunicator")
        }
        let (context, remoteMembers) = try agreeOnIntercommunicatorContext(local, adding: group.worldRanks)
        guard group.rank(ofWorld: callerWorldRank) != nil, !remoteMembers.isEmpty else { return nil }
        let made = Self.intercommunicator(engine: engine, context: context, local: group.worldRanks, remote: remoteMembers,
                                          me: callerWorldRank, contexts: contexts)
        made.errorHandler = errorHandler
        return made
    }

    /// A context for a new intercommunicator made from this one (and the next, for its
    /// local side), agreed by both groups; also gives the remote side `extra` and
    /// returns theirs.
    private func agreeOnIntercommunicatorContext(_ local: LocalSide, adding extra: [Int]) throws(MPIError) -> (context: UInt32, remote: [Int]) {
        let proposal = try local.communicator.allreduce([Int(contexts.next)], op: .max)[0]
        let theirs = try exchangeWithRemote([proposal] + extra)
        let context = UInt32(max(proposal, theirs[0]))
        contexts.advance(past: context + 2)
        return (context, Array(theirs.dropFirst()))
    }

    /// Gives the remote group what this group's leader (local rank 0) passes, and returns
    /// what the remote leader passed, on every rank of this group.
    func exchangeWithRemote(_ values: [Int]) throws(MPIError) -> [Int] {
        guard let local = extras.local else { throw MPIError(.comm, "not an intercommunicator") }
        var header = [0]
        var theirs: [Int] = []
        if rank == 0 {
            let exchange = GroupExchange(on: self, context: collectiveContext, tag: GroupExchange.intercommunicator)
            theirs = try exchange.exchange(values, with: worldRank(of: 0), phase: 0)
            header = [theirs.count]
        }
        try local.communicator.bcast(&header, root: 0)
        if rank != 0 { theirs = [Int](repeating: 0, count: header[0]) }
        try local.communicator.bcast(&theirs, root: 0)
        return theirs
    }
}
