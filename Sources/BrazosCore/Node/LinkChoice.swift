/// Which transport reaches each node, chosen once at wire-up from the cards: memory for
/// the node itself, a shared-memory ring for a node of the same host when both have a
/// segment, TCP for the rest (of each pair, the higher-numbered node connects and the
/// lower accepts, so a pair has one connection), and, where nodes may join, a `LateLink`
/// for every other number (a node that joins later, or one that left before this one
/// joined).
struct LinkChoice: Equatable {
    enum Transport: Equatable {
        case loopback
        case sharedMemory
        /// TCP, this node connecting to the peer's listener.
        case tcpConnecting
        /// TCP, the peer connecting to this node's listener.
        case tcpAccepting
        case late
    }

    /// Indexed by node, up to the job's node limit.
    let transports: [Transport]

    /// `cards` indexed by node; `members`: the nodes in the job now; `hasSegment`: this
    /// node made a shared-memory segment (not under `--transport tcp`, nor joining).
    init(me: NodeCard, cards: [NodeCard], members: Set<Int>, hasSegment: Bool, nodeLimit: Int) {
        transports = (0..<nodeLimit).map { node in
            if node == me.node { return .loopback }
            guard node < cards.count, members.contains(node) else { return .late }
            let peer = cards[node]
            if hasSegment && Self.sharesMemory(me, peer) { return .sharedMemory }
            return node < me.node ? .tcpConnecting : .tcpAccepting
        }
    }

    /// Whether `peer`, on `me`'s host and with a segment of its own, is reached through
    /// shared memory by a node that has a segment (at wire-up, and when `peer` joins).
    static func sharesMemory(_ me: NodeCard, _ peer: NodeCard) -> Bool {
        peer.segment != "-" && peer.hostKey == me.hostKey
    }

    /// The nodes reached by `transport`, in order.
    func nodes(using transport: Transport) -> [Int] {
        transports.indices.filter { transports[$0] == transport }
    }

    /// Whether any peer is reached by TCP.
    var usesTCP: Bool { transports.contains { $0 == .tcpConnecting || $0 == .tcpAccepting } }
}
