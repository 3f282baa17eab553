/// Making and comparing communicators (`MPI_Comm_dup`, `_split`, `_split_type`,
/// `_create`, `_compare`, `_group`, `_free`). Every constructor is collective over the
/// parent communicator, intercommunicators included where MPI allows them (their
/// own parts are in Communicators/Intercommunicator.swift).
extension Communicator {
    /// Whether this is an intercommunicator (`MPI_Comm_test_inter`): then `rank` is the
    /// caller's rank in its own group, `size` and point-to-point ranks are those of the
    /// remote group, and collectives are not offered.
    public var isIntercommunicator: Bool { extras.local != nil }

    /// `MPI_Comm_size`: the ranks of the caller's own group (for an intracommunicator, `size`).
    public var localSize: Int { extras.local?.group.count ?? size }

    /// The members as a group (`MPI_Comm_group`): an intercommunicator's own group.
    public var group: Group { Group(worldRanks: extras.local?.group ?? worldRanks, callerWorldRank: callerWorldRank) }

    /// `MPI_Comm_dup`: the same ranks in a new context, with the error handler, the
    /// topology, the info hints and the attributes their copy callbacks give.
    public func dup() throws(MPIError) -> Communicator {
        try dup(info: extras.info)
    }

    /// `MPI_Comm_dup_with_info`: like `dup`, with `info` as the hints instead.
    public func dup(info: Info) throws(MPIError) -> Communicator {
        let copy: Communicator
        if let local = extras.local {
            copy = try duplicateIntercommunicator(local)
        } else {
            copy = Communicator(engine: engine, context: try agreeOnContext(), translation: translation, rank: rank, size: size, contexts: contexts)
        }
        try finishDuplicate(copy, info: info)
        return copy
    }

    /// What a duplicate takes from its original, once its context is agreed.
    /// A copy callback that fails fails the duplicate; what was copied is deleted again.
    func finishDuplicate(_ copy: Communicator, info: Info) throws(MPIError) {
        copy.errorHandler = errorHandler
        copy.extras.topology = extras.topology
        copy.setInfo(info)
        do {
            try copyAttributes(to: copy)
        } catch {
            try? copy.deleteAllAttributes()
            throw error
        }
    }

    /// `MPI_Comm_split`: ranks with the same `color` form a communicator, ordered by `key`
    /// then by rank here; a nil colour (`MPI_UNDEFINED`) gets nil. On an
    /// intercommunicator, each colour's ranks of both groups form an intercommunicator
    /// (nil where either side has none).
    public func split(color: Int?, key: Int) throws(MPIError) -> Communicator? {
        if let color, color < 0 { throw MPIError(.arg, "Comm_split: negative colour \(color)") }
        if let local = extras.local { return try splitIntercommunicator(local, color: color, key: key) }
        let everyone = try allgather([color ?? -1, key])
        let context = try agreeOnContext()
        guard let color else { return nil }
        return Communicator(members: Self.members(ofColor: color, in: everyone).map { worldRank(of: $0) }, me: callerWorldRank, context: context, parent: self)
    }

    /// The ranks whose (colour, key) pair in `table` has `color`, ordered by key then rank.
    static func members(ofColor color: Int, in table: [Int]) -> [Int] {
        (0..<table.count / 2).filter { table[2 * $0] == color }
            .sorted { (table[2 * $0 + 1], $0) < (table[2 * $1 + 1], $1) }
    }

    /// How `MPI_Comm_split_type` splits.
    public enum SplitType: Sendable, Equatable {
        /// `MPI_COMM_TYPE_SHARED`: the ranks of the nodes that share memory, those of one
        /// host that reach each other through shared-memory links (one node alone under
        /// `--transport tcp`): `Window.allocateShared` spans them.
        case shared
        /// `MPI_COMM_TYPE_HW_GUIDED`: by the resource named in the info key
        /// `mpi_hw_resource_type`; this runtime knows `mpi_shared_memory` (as `shared`);
        /// any other gives nil.
        case hardwareGuided
        /// MPI 4.1's `MPI_COMM_TYPE_RESOURCE_GUIDED`: as `hardwareGuided`, or by the
        /// process set named in the info key `mpi_pset_name` (`mpi://WORLD`: everyone,
        /// `mpi://SELF`: each rank alone).
        case resourceGuided
        /// `MPI_COMM_TYPE_HW_UNGUIDED`: the next smaller level of the hardware that makes
        /// a strict subset of the communicator: the nodes sharing memory (as `shared`),
        /// else the rank's own core; nil when neither does.
        case hardwareUnguided
    }

    /// The info keys naming the hardware resource or process set of `split(type:)`.
    public static let hardwareResourceKey = "mpi_hw_resource_type"
    public static let processSetKey = "mpi_pset_name"

    /// `MPI_Comm_split_type`: nil type is `MPI_UNDEFINED` (the caller gets nil). The new
    /// communicator's info names the resource it was split by; so does `info` after an
    /// unguided split.
    public func split(type: SplitType?, key: Int, info: Info? = nil) throws(MPIError) -> Communicator? {
        try checkIntracommunicator("Comm_split_type")
        let memoryGroup = engine.sharedMemoryGroup
        var color: Int?
        var resource: (key: String, value: String)?
        switch type {
        case nil:
            color = nil
        case .shared:
            color = memoryGroup
        case .hardwareGuided, .resourceGuided:
            if try info?.value(Self.hardwareResourceKey) == "mpi_shared_memory" {
                color = memoryGroup
                resource = (Self.hardwareResourceKey, "mpi_shared_memory")
            } else if type == .resourceGuided, let set = try info?.value(Self.processSetKey), ["mpi://WORLD", "mpi://SELF"].contains(set) {
                color = set == "mpi://WORLD" ? 0 : rank
                resource = (Self.processSetKey, set)
            }
        case .hardwareUnguided:
            if worldRanks.contains(where: { engine.hostProcess(ofRank: $0) == nil }) {
                color = memoryGroup
                resource = (Self.hardwareResourceKey, "mpi_shared_memory")
            } else if size > 1 {
                color = rank
                resource = (Self.hardwareResourceKey, "core")
            }
        }
        guard let made = try split(color: color, key: key) else { return nil }
        if let resource {
            try made.extras.info.set(resource.key, resource.value)
            // The caller learns which level an unguided split chose from its own info (as in MPICH).
            if type == .hardwareUnguided { try info?.set(resource.key, resource.value) }
        }
        return made
    }

    /// `MPI_Comm_create`: a communicator of `group`'s members (a subset of this one's);
    /// nil for ranks outside it. On an intercommunicator, `group` is a subset of the
    /// local group, and the result joins it with the subset the remote group chose (nil
    /// where either is empty).
    public func create(_ group: Group) throws(MPIError) -> Communicator? {
        if let local = extras.local { return try createIntercommunicator(local, group) }
        let members = Set(worldRanks)
        guard group.worldRanks.allSatisfy(members.contains) else {
            throw MPIError(.group, "Comm_create: the group has ranks outside the communicator")
        }
        let context = try agreeOnContext()
        let me = callerWorldRank
        guard group.rank(ofWorld: me) != nil else { return nil }
        return Communicator(members: group.worldRanks, me: me, context: context, parent: self)
    }

    convenience init(members: [Int], me: Int, context: UInt32, parent: Communicator) {
        let isWorld = members == Array(0..<parent.engine.directory.rankCount)
        self.init(engine: parent.engine, context: context, translation: isWorld ? nil : RankTranslation(worldRanks: members),
                  rank: members.firstIndex(of: me)!, size: members.count, contexts: parent.contexts, callerWorldRank: me)
        errorHandler = parent.errorHandler
    }

    /// `MPI_Comm_compare`. Intercommunicators compare both groups; an intercommunicator
    /// and an intracommunicator are unequal.
    public func compare(_ other: Communicator) -> Comparison {
        if self === other { return .identical }
        guard isIntercommunicator == other.isIntercommunicator else { return .unequal }
        var results = [group.compare(other.group)]
        if isIntercommunicator { results.append(remoteMembers.compare(other.remoteMembers)) }
        if results.allSatisfy({ $0 == .identical }) { return .congruent }
        if results.allSatisfy({ $0 == .identical || $0 == .similar }) { return .similar }
        return .unequal
    }

    /// Before `MPI_Comm_free` forgets the communicator: runs the attributes' delete
    /// callbacks (a failure leaves the communicator as it was, and is returned).
    public func free() throws(MPIError) {
        try deleteAllAttributes()
    }

    /// `MPI_Comm_disconnect`: waits until every member has reached it (so that what they
    /// sent before has been matched by the time any of them goes on), then frees.
    public func disconnect() throws(MPIError) {
        if let local = extras.local {
            try local.communicator.barrier()
            _ = try exchangeWithRemote([0])
            try local.communicator.barrier()
        } else {
            try barrier()
        }
        try free()
    }

    /// A context id no member has used: the largest next id among them.
    func agreeOnContext() throws(MPIError) -> UInt32 {
        var agreed = contexts.next
        try withUnsafeMutablePointer(to: &agreed) { result throws(MPIError) in
            try allreduce(.inPlace, UnsafeMutableRawPointer(result), count: 1, datatype: .uint32, op: .max)
        }
        contexts.advance(past: agreed)
        return agreed
    }
}
