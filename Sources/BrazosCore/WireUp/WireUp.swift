import CBrazos

/// How the nodes of a job find each other: exchange their cards, then wait until every
/// node has its links up. One implementation per launcher.
protocol WireUp: AnyObject {
    /// Publishes this node's card; returns every node's card, ordered by node.
    func exchange(_ card: NodeCard) throws(BrazosError) -> [NodeCard]
    /// Returns once every node has called it.
    func barrier() throws(BrazosError)
    /// The job's secret, for launchers that do not hand one out (learned in `exchange`).
    var learnedSecret: [UInt8]? { get }
    /// Leaves the job together with the other nodes.
    func leave() throws(BrazosError)
    /// For a node that joins a running job: the nodes in it (itself too); nil otherwise.
    var members: [Int]? { get }
}

extension WireUp {
    var learnedSecret: [UInt8]? { nil }
    var members: [Int]? { nil }
    func leave() throws(BrazosError) { try barrier() }
}

/// Under `brazosrun`: cards and barriers go through the launcher's control connection.
/// A joining node gets the cards of every node the job has had (those that left too, so
/// that the table stays indexed by node) and the list of those in it now.
final class LauncherWireUp: WireUp {
    let channel: LauncherConnection
    let nodeCount: Int
    let joining: Bool
    private(set) var members: [Int]?

    init(channel: LauncherConnection, nodeCount: Int, joining: Bool) {
        self.channel = channel
        self.nodeCount = nodeCount
        self.joining = joining
    }

    func exchange(_ card: NodeCard) throws(BrazosError) -> [NodeCard] {
        try channel.send(.hello(card))
        let cards: [NodeCard] = try expect("peers") { if case let .peers(cards) = $0 { return cards }; return nil }
        let count = joining ? card.node + 1 : nodeCount
        guard cards.count == count, cards.enumerated().allSatisfy({ $0.offset == $0.element.node }) else {
            throw .malformed("the launcher's peer table does not list nodes 0..<\(count)")
        }
        if joining {
            let members: [Int] = try expect("members") { if case let .members(members) = $0 { return members }; return nil }
            guard members.allSatisfy({ $0 < count }), members.contains(card.node) else {
                throw .malformed("the launcher's list of the job's nodes is not a list of nodes below \(count) with this one")
            }
            self.members = members
        }
        return cards
    }

    func barrier() throws(BrazosError) {
        try channel.send(.ready)
        try expect("go") { $0 == .go ? () : nil }
    }

    /// The launcher's `exit` reaches the node's launcher session, which waits for it.
    func leave() throws(BrazosError) { try channel.send(.done) }

    /// What `take` finds in the launcher's next message, which must be `verb`; another
    /// node's failure, said meanwhile, aborts wire-up.
    private func expect<Value>(_ verb: String, _ take: (LauncherMessage) -> Value?) throws(BrazosError) -> Value {
        let message = try channel.receive()
        if case let .failed(failure) = message { throw .peerLost(node: failure.node, reason: failure.description) }
        guard let value = take(message) else {
            throw .malformed("expected '\(verb)' from the launcher, got '\(message.encode().prefix(64))'")
        }
        return value
    }
}

/// Under mpirun or srun: PMIx put, fence and get. Rank 0 makes the job's secret and
/// publishes it with its card; PMIx data is visible only to the job's own processes.
final class PMIxWireUp: WireUp {
    let rank: Int
    let size: Int
    let namespace: String
    private(set) var secret: [UInt8] = []

    init() throws(BrazosError) {
        var space = [CChar](repeating: 0, count: 256)
        var error = [CChar](repeating: 0, count: 256)
        var rank: UInt32 = 0
        var size: UInt32 = 0
        guard brazos_pmix_init(&space, space.count, &rank, &size, &error, error.count) == 0 else {
            throw .configuration("PMIx wire-up failed: \(String(cString: error))")
        }
        self.rank = Int(rank)
        self.size = Int(size)
        namespace = String(cString: space)
    }

    /// A short job id for names in /dev/shm.
    var jobID: String { "p" + String(namespace.hashValueFNV, radix: 16) }

    func exchange(_ card: NodeCard) throws(BrazosError) -> [NodeCard] {
        if rank == 0 {
            secret = Handshake.randomBytes(32)
            guard brazos_pmix_put("brazos.secret", secret.hexString) == 0 else { throw .configuration("PMIx_Put(secret) failed") }
        }
        guard brazos_pmix_put("brazos.card", card.encoded) == 0 else { throw .configuration("PMIx_Put(card) failed") }
        guard brazos_pmix_fence() == 0 else { throw .configuration("PMIx_Fence failed") }
        var cards: [NodeCard] = []
        var value = [CChar](repeating: 0, count: 4096)
        for peer in 0..<size {
            guard brazos_pmix_get(UInt32(peer), "brazos.card", &value, value.count) == 0 else {
                throw .configuration("PMIx_Get(card of rank \(peer)) failed")
            }
            cards.append(try NodeCard(parsing: Substring(String(cString: value))))
        }
        guard brazos_pmix_get(0, "brazos.secret", &value, value.count) == 0,
              let secret = [UInt8](hexString: String(cString: value)) else {
            throw .configuration("PMIx_Get(secret of rank 0) failed")
        }
        self.secret = secret
        return cards
    }

    func barrier() throws(BrazosError) {
        guard brazos_pmix_fence() == 0 else { throw .configuration("PMIx_Fence failed") }
    }

    var learnedSecret: [UInt8]? { secret }

    /// Leaves together, then tells the PMIx server this process ended cleanly (mpirun
    /// reports it otherwise).
    func leave() throws(BrazosError) {
        try barrier()
        _ = brazos_pmix_finalize()
    }
}

/// Started by hand: a job of one node, nothing to exchange.
final class SingletonWireUp: WireUp {
    func exchange(_ card: NodeCard) throws(BrazosError) -> [NodeCard] { [card] }
    func barrier() throws(BrazosError) {}
}

extension String {
    /// FNV-1a of the UTF-8 bytes: stable across processes, unlike `hashValue`.
    var hashValueFNV: UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return hash
    }
}
