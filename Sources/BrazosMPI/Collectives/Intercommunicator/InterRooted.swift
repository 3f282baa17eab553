extension MPI {
    /// `MPI_ROOT`: what the root passes as `root` in a rooted collective on an
    /// intercommunicator; the other ranks of its group pass `MPI.procNull`, and the ranks
    /// of the remote group the root's rank in its group.
    public static let root = -4
}

/// The part a rank plays in a rooted collective (bcast, gather(v), scatter(v), reduce).
public enum RootedRole: Equatable, Sendable {
    /// The root, whose data goes out or whose result comes in.
    case root
    /// A rank that sends to or receives from the root (rank `root` of the communicator's
    /// point-to-point ranks: the remote group's on an intercommunicator).
    case member(root: Int)
    /// A rank of an intercommunicator's root group other than the root: it takes no part.
    case bystander

    /// Whether the caller sends to or receives from the root.
    public var isMember: Bool {
        if case .member = self { true } else { false }
    }
}

extension Communicator {
    /// The caller's part in a rooted collective whose `root` argument is `root`. On an
    /// intracommunicator `root` is a rank; on an intercommunicator it is `MPI.root`,
    /// `MPI.procNull` or a rank of the remote group; anything else fails with `.root`.
    public func role(inRootedCollective root: Int) throws(MPIError) -> RootedRole {
        guard isIntercommunicator else {
            try checkRoot(root)
            return rank == root ? .root : .member(root: root)
        }
        switch root {
        case MPI.root: return .root
        case MPI.procNull: return .bystander
        case 0..<size: return .member(root: root)
        default:
            throw MPIError(.root, "root \(root) on an intercommunicator: MPI_ROOT, MPI_PROC_NULL or a rank of the remote group of \(size)")
        }
    }

    /// The rooted collectives on an intercommunicator, each one step between the root and
    /// every rank of the remote group (the root's own group takes no part), so that they
    /// follow the same progress rule as the intracommunicator schedules.
    func interBcastSchedule(_ buffer: UnsafeMutableRawPointer?, count: Int, datatype: Datatype, root: Int) throws(MPIError) -> CollectiveSchedule {
        var builder = ScheduleBuilder(self)
        switch try role(inRootedCollective: root) {
        case .root:
            try Self.checkBuffer(buffer, count: count, datatype: datatype)
            let bytes = try builder.outgoing(buffer, count: count, datatype: datatype)
            builder.transfers((0..<size).map { .send(bytes, to: $0) })
        case let .member(root):
            try Self.checkBuffer(buffer, count: count, datatype: datatype)
            builder.transfers([.receive(try builder.incoming(buffer, count: count, datatype: datatype), from: root)])
        case .bystander: break
        }
        return builder.build()
    }

    func interGatherSchedule(_ send: SendBuffer, sendCount: Int, sendType: Datatype,
                             _ receive: UnsafeMutableRawPointer?, receiveCount: Int, receiveType: Datatype, root: Int) throws(MPIError) -> CollectiveSchedule {
        let ranks = try role(inRootedCollective: root) == .root ? size : 0
        if ranks > 0 { try Self.checkBuffer(receive, count: receiveCount, datatype: receiveType) }
        return try interGathervSchedule(send, sendCount: sendCount, sendType: sendType, receive, receiveCounts: Array(repeating: receiveCount, count: ranks),
                                        displacements: (0..<ranks).map { $0 * receiveCount }, receiveType: receiveType, root: root)
    }

    func interGathervSchedule(_ send: SendBuffer, sendCount: Int, sendType: Datatype,
                              _ receive: UnsafeMutableRawPointer?, receiveCounts: [Int], displacements: [Int], receiveType: Datatype, root: Int) throws(MPIError) -> CollectiveSchedule {
        var builder = ScheduleBuilder(self)
        switch try role(inRootedCollective: root) {
        case .root:
            try Self.checkCounts(receiveCounts, displacements, ranks: size, datatype: receiveType)
            try Self.checkAddress(receive, counts: receiveCounts.prefix(size), datatype: receiveType)
            var transfers: [CollectiveSchedule.Transfer] = []
            for source in 0..<size {
                transfers.append(.receive(try builder.incoming(block(receive, at: displacements[source], of: receiveType), count: receiveCounts[source],
                                                               datatype: receiveType), from: source))
            }
            builder.transfers(transfers)
        case let .member(root):
            let pointer = try Self.notInPlace(send, "gather")
            try Self.checkBuffer(pointer, count: sendCount, datatype: sendType)
            builder.transfers([.send(try builder.outgoing(pointer, count: sendCount, datatype: sendType), to: root)])
        case .bystander: break
        }
        return builder.build()
    }

    func interScatterSchedule(_ send: UnsafeRawPointer?, sendCount: Int, sendType: Datatype,
                              _ receive: ReceiveBuffer, receiveCount: Int, receiveType: Datatype, root: Int) throws(MPIError) -> CollectiveSchedule {
        let ranks = try role(inRootedCollective: root) == .root ? size : 0
        if ranks > 0 { try Self.checkBuffer(send, count: sendCount, datatype: sendType) }
        return try interScattervSchedule(send, sendCounts: Array(repeating: sendCount, count: ranks), displacements: (0..<ranks).map { $0 * sendCount },
                                         sendType: sendType, receive, receiveCount: receiveCount, receiveType: receiveType, root: root)
    }

    func interScattervSchedule(_ send: UnsafeRawPointer?, sendCounts: [Int], displacements: [Int], sendType: Datatype,
                               _ receive: ReceiveBuffer, receiveCount: Int, receiveType: Datatype, root: Int) throws(MPIError) -> CollectiveSchedule {
        var builder = ScheduleBuilder(self)
        switch try role(inRootedCollective: root) {
        case .root:
            try Self.checkCounts(sendCounts, displacements, ranks: size, datatype: sendType)
            try Self.checkAddress(send, counts: sendCounts.prefix(size), datatype: sendType)
            var transfers: [CollectiveSchedule.Transfer] = []
            for target in 0..<size {
                transfers.append(.send(try builder.outgoing(block(send, at: displacements[target], of: sendType), count: sendCounts[target], datatype: sendType),
                                       to: target))
            }
            builder.transfers(transfers)
        case let .member(root):
            guard case let .memory(pointer) = receive else {
                throw MPIError(.buffer, "MPI_IN_PLACE is not allowed in scatter on an intercommunicator")
            }
            try Self.checkBuffer(pointer, count: receiveCount, datatype: receiveType)
            builder.transfers([.receive(try builder.incoming(pointer, count: receiveCount, datatype: receiveType), from: root)])
        case .bystander: break
        }
        return builder.build()
    }

    /// The root combines the remote group's contributions in their rank order.
    func interReduceSchedule(_ send: SendBuffer, _ receive: UnsafeMutableRawPointer?, count: Int, datatype: Datatype, op: Op, root: Int) throws(MPIError) -> CollectiveSchedule {
        var builder = ScheduleBuilder(self)
        switch try role(inRootedCollective: root) {
        case .root:
            try Self.checkBuffer(count: count, datatype: datatype)
            try op.check(datatype)
            try Self.checkAddress(receive, counts: CollectionOfOne(count), datatype: datatype)
            try combining(from: Array(0..<size), UnsafeRawBufferPointer(start: nil, count: 0), count: count, datatype: datatype, op: op,
                          into: receive, &builder, sendingTo: [])
        case let .member(root):
            let pointer = try Self.notInPlace(send, "reduce")
            try Self.checkBuffer(pointer, count: count, datatype: datatype)
            try op.check(datatype)
            builder.transfers([.send(try builder.outgoing(pointer, count: count, datatype: datatype), to: root)])
        case .bystander: break
        }
        return builder.build()
    }

    /// The send buffer of a collective on an intercommunicator, where MPI forbids
    /// `MPI_IN_PLACE` (`.buffer`).
    static func notInPlace(_ send: SendBuffer, _ operation: String) throws(MPIError) -> UnsafeRawPointer? {
        guard case let .memory(pointer) = send else {
            throw MPIError(.buffer, "MPI_IN_PLACE is not allowed in \(operation) on an intercommunicator")
        }
        return pointer
    }
}
