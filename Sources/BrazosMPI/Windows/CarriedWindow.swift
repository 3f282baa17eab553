import BrazosCore

/// A window of a rank whose thread moves, as it travels in the rank's `MoveRecord`: the
/// window's communicator and members as the rank knew them, its own side as an origin
/// (the fence count, whether a fence left the window open), and its endpoint as a target
/// (the memory's bytes and every count the synchronisations wait for). A rank moves only
/// while its windows are at rest (`WindowEndpoint.checkAtRest`): no epoch of its own, no
/// reply awaited, nobody holding or waiting for its lock; so no closure or promise
/// travels, only values.
struct CarriedWindow: Equatable {
    /// A member's memory as the others see it.
    struct Member: Equatable {
        var size: Int
        var displacementUnit: Int
        var base: Int
    }

    /// A window message the rank had not applied yet (one of the next fence epoch that
    /// came before the rank finished its fence): the message with its data, its origin
    /// and the node the origin sent it from (where a get's data goes).
    struct EarlyAccess: Equatable {
        var message: [UInt8]
        var origin: Int
        var node: Int
    }

    /// The window as the rank knows it as an origin (`Window.carriedOrigin`).
    struct Origin: Equatable {
        var context: UInt32
        /// The moving rank's place among the members.
        var rank: Int
        var worldRanks: [Int]
        var members: [Member]
        var fenceEpoch: Int
        /// A fence opened an epoch in which no access was made yet (else no epoch is open).
        var fenceOpen: Bool
        var name: String
    }

    /// The rank's endpoint as a target (`WindowEndpoint.carriedTarget`).
    struct Target: Equatable {
        var memory: [UInt8]
        var fencesCompleted: Int
        var handledByFence: [Int]
        var early: [EarlyAccess]
        var postsFrom: [Int: Int]
        var completesFrom: [Int: Int]
        var nextCookie: UInt64
    }

    var origin: Origin
    var target: Target

    static func encode(_ windows: [CarriedWindow]) -> [UInt8] {
        var writer = ByteWriter()
        writer.put(UInt32(windows.count))
        for window in windows { window.encode(into: &writer) }
        return writer.bytes
    }

    /// Decodes what `encode` wrote, for a job of `ranks` ranks on `nodes` nodes; throws `malformed`, naming
    /// the field, for a truncated list, bytes past its end, or values no window can have.
    static func decode(_ bytes: [UInt8], ranks: Int, nodes: Int) throws(BrazosError) -> [CarriedWindow] {
        guard !bytes.isEmpty else { return [] }
        var reader = ByteReader(bytes, what: "a moving rank's windows")
        let count = try reader.take(UInt32.self)
        var windows: [CarriedWindow] = []
        for _ in 0..<count { windows.append(try CarriedWindow(from: &reader, ranks: ranks, nodes: nodes)) }
        guard reader.isAtEnd else { throw .malformed("a moving rank's windows have bytes past their end") }
        return windows
    }

    private func encode(into writer: inout ByteWriter) {
        let (origin, target) = (origin, target)
        writer.put(origin.context)
        writer.put(UInt32(origin.rank))
        writer.put(list: origin.worldRanks.map { UInt32($0) })
        writer.put(UInt32(origin.members.count))
        for member in origin.members {
            writer.put(Int64(member.size))
            writer.put(Int64(member.displacementUnit))
            writer.put(Int64(member.base))
        }
        writer.put(Int64(origin.fenceEpoch))
        writer.put(UInt8(origin.fenceOpen ? 1 : 0))
        writer.put(bytes: Array(origin.name.utf8))
        writer.put(bytes: target.memory)
        writer.put(Int64(target.fencesCompleted))
        writer.put(list: target.handledByFence.map { Int64($0) })
        writer.put(UInt32(target.early.count))
        for access in target.early {
            writer.put(bytes: access.message)
            writer.put(UInt32(access.origin))
            writer.put(UInt32(access.node))
        }
        for counts in [target.postsFrom, target.completesFrom] {
            let origins = counts.keys.sorted()
            writer.put(list: origins.map { UInt32($0) })
            writer.put(list: origins.map { Int64(counts[$0]!) })
        }
        writer.put(target.nextCookie)
    }

    private init(from reader: inout ByteReader, ranks: Int, nodes: Int) throws(BrazosError) {
        let context = try reader.take(UInt32.self)
        let rank = Int(try reader.take(UInt32.self))
        let worldRanks = try reader.takeList(UInt32.self).map { Int($0) }
        guard worldRanks.allSatisfy({ $0 < ranks }), rank < worldRanks.count else {
            throw .malformed("a carried window names members outside the job's \(ranks) ranks, or the mover outside its \(worldRanks.count)")
        }
        let memberCount = Int(try reader.take(UInt32.self))
        guard memberCount == worldRanks.count else { throw .malformed("a carried window of \(worldRanks.count) members describes \(memberCount)") }
        var members: [Member] = []
        for _ in 0..<memberCount {
            let size = try reader.take(Int64.self), unit = try reader.take(Int64.self), base = try reader.take(Int64.self)
            guard size >= 0, unit > 0 else { throw .malformed("a carried window's member has size \(size) and unit \(unit)") }
            members.append(Member(size: Int(size), displacementUnit: Int(unit), base: Int(base)))
        }
        let fenceEpoch = Int(try reader.take(Int64.self))
        let fenceOpen = try reader.take(UInt8.self) != 0
        let name = String(decoding: try reader.takeBytes(), as: UTF8.self)
        origin = Origin(context: context, rank: rank, worldRanks: worldRanks, members: members, fenceEpoch: fenceEpoch, fenceOpen: fenceOpen, name: name)

        let memory = try reader.takeBytes()
        guard memory.count == members[rank].size else {
            throw .malformed("a carried window holds \(memory.count) bytes of a \(members[rank].size)-byte member")
        }
        let fencesCompleted = Int(try reader.take(Int64.self))
        let handledByFence = try reader.takeList(Int64.self).map { Int($0) }
        guard fenceEpoch >= 0, fencesCompleted >= 0, handledByFence.count == 2, handledByFence.allSatisfy({ $0 >= 0 }) else {
            throw .malformed("a carried window's fence counts are out of range")
        }
        var early: [EarlyAccess] = []
        for _ in 0..<(try reader.take(UInt32.self)) {
            let message = try reader.takeBytes(), origin = Int(try reader.take(UInt32.self)), node = Int(try reader.take(UInt32.self))
            let decodes = message.withUnsafeBytes { (try? WindowMessage.decode($0)) != nil }
            guard origin < ranks, node < nodes, decodes else {
                throw .malformed("a carried window's early access from rank \(origin) on node \(node) is not a window message of this job")
            }
            early.append(EarlyAccess(message: message, origin: origin, node: node))
        }
        var counts: [[Int: Int]] = []
        for _ in 0..<2 {
            let origins = try reader.takeList(UInt32.self), values = try reader.takeList(Int64.self)
            guard origins.count == values.count, Set(origins).count == origins.count, origins.allSatisfy({ $0 < ranks }), values.allSatisfy({ $0 > 0 }) else {
                throw .malformed("a carried window's posts or completes are out of range")
            }
            counts.append(Dictionary(uniqueKeysWithValues: zip(origins.map { Int($0) }, values.map { Int($0) })))
        }
        target = Target(memory: memory, fencesCompleted: fencesCompleted, handledByFence: handledByFence, early: early,
                        postsFrom: counts[0], completesFrom: counts[1], nextCookie: try reader.take())
    }

    init(origin: Origin, target: Target) {
        self.origin = origin
        self.target = target
    }
}
