import CBrazos
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// One OS process of a job: its wire-up, its links to every node (itself included) and
/// its progress engine. The layer above supplies the sink that receives frames and asks
/// for links by node; which transport a link uses is chosen once, from the peers' cards
/// (`LinkChoice`). Where threads move, nodes may join while the job runs: each node then
/// has a `LateLink` for every number a joining node may get, filled in with a
/// shared-memory link when brazosrun announces a joining node of this host, or with its
/// TCP connection when it connects from another host. Under brazosrun, the control connection after wire-up is the
/// `LauncherSession`'s.
///
/// Unchecked: `tcpLinks`, `awaitedPeers`, `joiners`, `lateConnectionHandler` and
/// `earlyLateConnections` are guarded by `connections` (they change at wire-up on this
/// thread and the listener's, later as nodes join); `finishingHooks` is a mutex, and the
/// session and each late link lock themselves. Everything else (`config`, `cards`,
/// `directory`, `links`, `lateLinks`, `segment`, `sharedInbound`, `ringer`, `wireUp`,
/// `session`, `listener`, `initialMembers`) is written only by wire-up, on the thread that calls `start`, before
/// it returns the node: the listener's thread, started during wire-up, reads only
/// `config`, `lateLinks` and `progress`, all set before it starts, and the session's
/// thread starts after them too.
public final class Node: @unchecked Sendable {
    /// The job as this node sees it; wire-up fills in what the launcher gave (node, node
    /// count, job id, secret).
    public private(set) var config: JobConfig
    /// Drives this node's inbound sources; the layer above attaches its sink here.
    public let progress: ProgressEngine
    /// Every node's card from wire-up, indexed by node.
    public private(set) var cards: [NodeCard] = []
    /// Where each rank lives; built at wire-up from the cards, then updated as ranks move.
    public private(set) var directory: RankDirectory!
    private var links: [PeerLink] = []
    /// Where threads move: one per node number, for the nodes that join later.
    private var lateLinks: [LateLink] = []
    /// This node's inbound segment: one ring per node number the job may have. Where
    /// nodes may join, its name stays until the node ends, for them to open.
    private var segment: SharedSegment?
    /// Polls the rings of `segment` that nodes of this host write; a joining node of this
    /// host is added to it.
    private var sharedInbound: SharedMemoryInbound?
    /// Rings the doorbells of shared-memory peers (one socket for all of them).
    private var ringer: Doorbell?
    private var wireUp: WireUp!
    /// Under brazosrun: the control connection's life after wire-up.
    private var session: LauncherSession?
    /// The listening socket, served from wire-up until the node finishes.
    private var listener: PeerListener?
    private let tcpInbound = TCPInbound()
    private let connections = PthreadMutex()
    private let connectionsChanged = PthreadCondition()
    private var tcpLinks: [Int: TCPLink] = [:]
    private var awaitedPeers: Set<Int> = []
    /// The joining nodes brazosrun announced: their connections are accepted.
    private var joiners: Set<Int> = []
    /// Work to finish before the node leaves (a checkpoint part being written).
    private let finishingHooks = Guarded<[@Sendable () throws -> Void]>([])
    /// Where the shared-memory layer's connections from joining nodes go, and those that
    /// came before it said (its program had not attached shared memory yet).
    private var lateConnectionHandler: (@Sendable (Int, Socket) -> Void)?
    private var earlyLateConnections: [(Int, Socket)] = []

    /// This node's number.
    public var id: Int { config.node }
    /// Nodes the job started with (joining nodes are numbered past it).
    public var nodeCount: Int { config.nodeCount }
    /// Ranks hosted here at start.
    public var localRanks: [Int] { cards[config.node].ranks }
    /// The nodes in the job when this node came in: all of them at the start, or, for a
    /// joining node, those that had not left, and itself.
    public private(set) var initialMembers: [Int] = []

    private init(config: JobConfig) {
        self.config = config
        // Where threads move, any number may come to wait here, the node's own main thread
        // among them (it drives progress while the node hosts none); so too where a rank's
        // threads call concurrently.
        progress = ProgressEngine(threads: config.concurrentThreads)
    }

    /// Joins the job described by the environment and connects to every node. Frames are
    /// delivered once the layer above attaches its sink to `progress`.
    /// With `threadsCallConcurrently`, several threads of a rank may call at once
    /// (`MPI_THREAD_MULTIPLE`).
    public static func start(threadsCallConcurrently: Bool = false) throws -> Node {
        var config = try JobConfig.fromEnvironment()
        config.threadsCallConcurrently = threadsCallConcurrently
        let node = Node(config: config)
        // Before any thread of the node starts, so that every one inherits the mask.
        if case .brazosrun = node.config.launcher { PowerSignals.block() }
        try node.wire()
        return node
    }

    /// The link to `node` (loopback, shared-memory ring or TCP), chosen once at wire-up.
    public func link(toNode node: Int) -> PeerLink { links[node] }

    /// The link to every node, indexed by node.
    public var allLinks: [PeerLink] { links }

    // MARK: Wire-up

    private func wire() throws {
        let listenHost = try connectToLauncher()
        let listening = try Socket.listen(host: listenHost)
        let segmentName = SharedMemoryLayout.segmentName(job: config.jobID, node: config.node)
        let hasSegment = !config.forceTCP
        if hasSegment {
            segment = try SharedSegment.create(name: segmentName,
                                               size: SharedMemoryLayout.segmentSize(nodes: config.nodeLimit, ringCapacity: config.ringCapacity))
        }
        // Peers have mapped it by the time wire-up returns; nodes that join later open it
        // by its name (brazosrun removes what a node that died left).
        defer { if !config.migratable { segment?.unlink() } }
        let card = NodeCard(node: config.node, pid: getpid(), hostKey: HostIdentity.key, hostName: HostIdentity.name,
                            address: listenHost, port: listening.localAddress?.port ?? 0,
                            segment: hasSegment ? segmentName : "-", ranks: config.initialRanks(of: config.node))
        cards = try wireUp.exchange(card)
        initialMembers = wireUp.members ?? Array(0..<config.nodeCount)
        if let secret = wireUp.learnedSecret { config.secret = secret }
        listener = PeerListener(socket: listening, secret: config.secret, node: config.node)
        directory = RankDirectory(cards: cards)
        guard directory.rankCount == config.rankCount else {
            throw BrazosError.configuration("nodes disagree on the number of ranks (\(directory.rankCount) vs \(config.rankCount)): different --threads-per-node?")
        }
        try makeLinks()
        try wireUp.barrier()
        session?.start()
        // Counted before binding: a node bound to its core sees one CPU, yet its peers'
        // threads run on the others.
        let threadsHere = cards.filter { $0.hostKey == cards[config.node].hostKey }.reduce(0) { $0 + $1.ranks.count }
        Backoff.yieldsAtOnce = threadsHere > Int(brazos_available_cpus())
        // The cores are shared out among the job's first nodes; a joining node takes none.
        if config.bindToCore && !config.joining { try bindToCore() }
    }

    /// Connects to the launcher (if any) and returns the address to listen on.
    private func connectToLauncher() throws -> String {
        switch config.launcher {
        case let .brazosrun(controlAddress):
            let socket = try Socket.connect(to: controlAddress)
            _ = try Handshake.connect(on: socket, secret: config.secret, myNode: config.node, purpose: .control)
            let channel = LauncherConnection(socket: socket)
            // The segment is made after this, and read by the session's threads only once
            // wire-up has started them.
            session = LauncherSession(channel: channel, node: config.node, joining: config.joining,
                                      expectJoiner: { [self] joiner in expectJoiner(joiner) }, beforeExit: { [self] in segment?.unlink() })
            wireUp = LauncherWireUp(channel: channel, nodeCount: config.nodeCount, joining: config.joining)
            // The address that reaches the launcher is the one peers can reach us on.
            return socket.localAddress?.host ?? "127.0.0.1"
        case let .pmix(fallback):
            do {
                let pmix = try PMIxWireUp()
                adopt(wireUp: pmix, node: pmix.rank, nodeCount: pmix.size, jobID: pmix.jobID)
            } catch {
                guard let fallback else { throw error }
                diagnose("brazos: \(error); using the file rendezvous in \(config.rendezvousDirectory) instead")
                try adoptFileRendezvous(fallback)
            }
            return config.interfaceAddress
        case let .fileRendezvous(launch):
            try adoptFileRendezvous(launch)
            return config.interfaceAddress
        case .singleton:
            wireUp = SingletonWireUp()
            return "127.0.0.1"
        }
    }

    private func adopt(wireUp: WireUp, node: Int, nodeCount: Int, jobID: String) {
        self.wireUp = wireUp
        config.node = node
        config.nodeCount = nodeCount
        config.jobID = jobID
    }

    private func adoptFileRendezvous(_ launch: RankAssignment) throws {
        let rendezvous = try FileRendezvousWireUp(launch: launch, parent: config.rendezvousDirectory)
        adopt(wireUp: rendezvous, node: launch.rank, nodeCount: launch.size, jobID: "f" + String(launch.key.hashValueFNV, radix: 16))
    }

    private func makeLinks() throws {
        let me = cards[config.node]
        let choice = LinkChoice(me: me, cards: cards, members: Set(initialMembers), hasSegment: segment != nil, nodeLimit: config.nodeLimit)
        ringer = try Doorbell()
        var sources: [InboundSource] = []
        var made: [PeerLink?] = Array(repeating: nil, count: config.nodeLimit)
        made[config.node] = LoopbackLink(node: config.node, eagerLimit: config.sharedMemoryEagerLimit, progress: progress)
        let local = choice.nodes(using: .sharedMemory)
        if let segment, !local.isEmpty || config.migratable {
            let bell = try Doorbell(listeningAs: SharedMemoryLayout.doorbellName(job: config.jobID, node: config.node))
            sharedInbound = SharedMemoryInbound(segment: segment, senders: local, ringCapacity: config.ringCapacity, doorbell: bell)
            sources.append(sharedInbound!)
        }
        for peer in local.map({ cards[$0] }) { made[peer.node] = try sharedMemoryLink(to: peer) }
        if config.joining {
            let byTCP = choice.nodes(using: .tcpConnecting) + choice.nodes(using: .tcpAccepting)
            var reaches: [String] = []
            if !local.isEmpty { reaches.append("reaches \(Self.describe(nodes: local)) through shared memory") }
            if !byTCP.isEmpty { reaches.append("reaches \(Self.describe(nodes: byTCP.sorted())) by TCP") }
            diagnose("brazos: node \(config.node) joins: " + reaches.joined(separator: " and "))
        }
        // Where threads move, nodes that join later from other hosts connect by TCP.
        if choice.usesTCP || config.migratable { sources.append(tcpInbound) }
        progress.attach(sources: sources)
        if config.migratable {
            let framePayload = LateLink.maximumFramePayload(ringCapacity: segment == nil ? nil : config.ringCapacity)
            lateLinks = (0..<config.nodeLimit).map { LateLink(peerNode: $0, eagerLimit: config.tcpEagerLimit, maximumFramePayload: framePayload) }
        }
        connections.withLock { awaitedPeers = Set(choice.nodes(using: .tcpAccepting)) }
        if let listener { NativeThread.spawn { [self] in acceptConnections(through: listener) } }
        for peer in choice.nodes(using: .tcpConnecting).map({ cards[$0] }) {
            let socket = try Socket.connect(to: try SocketAddress(host: peer.address, port: peer.port))
            let answered = try Handshake.connect(on: socket, secret: config.secret, myNode: me.node, purpose: .data)
            guard answered == peer.node else {
                throw BrazosError.authenticationFailed("\(peer.address):\(peer.port) answered as node \(answered), expected \(peer.node)")
            }
            register(TCPConnection(peerNode: peer.node, socket: socket))
        }
        try waitForAcceptedPeers(deadline: monotonicSeconds() + 60)
        connections.withLock { for (node, link) in tcpLinks { made[node] = link } }
        links = made.enumerated().map { $0.element ?? lateLinks[$0.offset] }
    }

    /// "node 2" or "nodes 0,1,3".
    private static func describe(nodes: [Int]) -> String {
        "node\(nodes.count == 1 ? "" : "s") " + nodes.map(String.init).joined(separator: ",")
    }

    /// The link that writes into this node's ring in `peer`'s segment.
    private func sharedMemoryLink(to peer: NodeCard) throws(BrazosError) -> SharedMemoryLink {
        try SharedMemoryLink(
            peerNode: peer.node, peerSegment: try SharedSegment.open(name: peer.segment),
            myNode: config.node, ringCapacity: config.ringCapacity,
            peerDoorbell: SharedMemoryLayout.doorbellName(job: config.jobID, node: peer.node), ringer: ringer!,
            eagerLimit: config.sharedMemoryEagerLimit, progress: progress,
            // Where threads move, a node may come to host several, and a rank's threads
            // may call concurrently: then the ring's lock stays.
            senders: config.concurrentThreads)
    }

    /// brazosrun announced joining node `card.node`: its connections are accepted from now
    /// on, and sends to it wait a moment for its link. A node of this host (both with a
    /// segment) is reached through shared memory from now on, and its ring here polled;
    /// it does not connect by TCP. False for a number that cannot join.
    private func expectJoiner(_ card: NodeCard) -> Bool {
        let joiner = card.node
        guard joiner >= config.nodeCount, joiner < lateLinks.count else { return false }
        connections.withLock { _ = joiners.insert(joiner) }
        lateLinks[joiner].expect()
        if let sharedInbound, LinkChoice.sharesMemory(cards[config.node], card) {
            do {
                lateLinks[joiner].connect(try sharedMemoryLink(to: card))
                _ = sharedInbound.addSender(joiner)
            } catch {
                diagnose("brazos: node \(config.node): cannot map the segment of joining node \(joiner) (\(error)): nothing sent to it will arrive")
            }
        }
        return true
    }

    private func register(_ connection: TCPConnection) {
        let link = TCPLink(connection: connection, eagerLimit: config.tcpEagerLimit, progress: progress)
        tcpInbound.add(connection)
        if !lateLinks.isEmpty { lateLinks[connection.peerNode].connect(link) }
        connections.withLock {
            tcpLinks[connection.peerNode] = link
            awaitedPeers.remove(connection.peerNode)
            connectionsChanged.broadcast()
        }
    }

    private func waitForAcceptedPeers(deadline: Double) throws {
        try connections.withLock { () throws(BrazosError) in
            while !awaitedPeers.isEmpty {
                guard monotonicSeconds() < deadline else {
                    throw .timedOut("node \(config.node) waited 60 s for nodes \(awaitedPeers.sorted()) to connect")
                }
                connectionsChanged.wait(connections, seconds: 0.5)
            }
        }
    }

    /// Serves the listening socket until the node leaves: peers connect here during wire-up,
    /// and a joining node later (its data connection, and its shared-memory service's, which
    /// goes to the layer above); anything else that connects is authenticated (off this
    /// thread, see `PeerListener`) and, lacking the secret or not expected, refused.
    private func acceptConnections(through listener: PeerListener) {
        enum Route { case data, layerAbove(@Sendable (Int, Socket) -> Void), kept, refused }
        listener.serve { [self] peer, purpose, socket, from in
            let route = connections.withLock { () -> Route in
                if purpose == .data && (awaitedPeers.contains(peer) || joiners.contains(peer) && tcpLinks[peer] == nil) { return .data }
                guard purpose == .sharedMemory, joiners.contains(peer) else { return .refused }
                if let handler = lateConnectionHandler { return .layerAbove(handler) }
                earlyLateConnections.append((peer, socket))
                return .kept
            }
            switch route {
            case .data: register(TCPConnection(peerNode: peer, socket: socket))
            case let .layerAbove(handler): handler(peer, socket)
            case .kept: break
            case .refused: diagnose("brazos: node \(config.node): refused a connection from \(from) as node \(peer): not expected")
            }
        }
    }

    // MARK: The launcher

    /// Whether a launcher (brazosrun) watches this node and can be told things.
    public var hasLauncher: Bool { session != nil }

    /// Tells the launcher something (a checkpoint part written, a planned stop).
    public func tellLauncher(_ message: NodeMessage) throws(BrazosError) {
        guard let session else { throw .configuration("no launcher to tell '\(message.encode().prefix(32))' (run under brazosrun)") }
        try session.tell(message)
    }

    /// Where the launcher's checkpoint requests go, on the thread that watches the
    /// launcher; requests that came before get to it at once.
    public func onLauncherRequest(_ handler: @escaping @Sendable (LauncherRequest) -> Void) {
        session?.onRequest(handler)
    }

    /// The node brazosrun asked to drain, if any (see `SharedMemory`'s drain).
    public var drainRequested: Int? { session?.drainRequested }

    /// The drain of `node` is done (on every node, once it is).
    public func drainDone(_ node: Int) { session?.drainDone(node) }

    /// The joining node brazosrun asked the job to admit, if any (see `SharedMemory`'s
    /// admission).
    public var joinRequested: Int? { session?.joinRequested }

    /// The admission of `node` is done (on every node, once it is).
    public func joinDone(_ node: Int) { session?.joinDone(node) }

    /// Rank `rank` arrived here from node `node`: a joining node tells brazosrun it is in
    /// (the first time); at level debug (brazosrun `--verbose`) every move is told.
    public func noteArrival(rank: Int, from node: Int) { session?.noteArrival(rank: rank, from: node) }

    /// Adds to what each heartbeat tells brazosrun of this node (`threads`, `barriers`,
    /// ...), shown by `brazosrun status`: keys are words without `=`.
    public func reportsStatus(_ reporter: @escaping @Sendable () -> [String: Int]) { session?.reportsStatus(reporter) }

    /// Where connections from joining nodes' shared-memory services go: each is
    /// authenticated, and from a node brazosrun announced.
    public func onLateConnection(_ handler: @escaping @Sendable (Int, Socket) -> Void) {
        let early = connections.withLock {
            lateConnectionHandler = handler
            defer { earlyLateConnections = [] }
            return earlyLateConnections
        }
        for (peer, socket) in early { handler(peer, socket) }
    }

    /// Work to finish before this node leaves the job (a checkpoint still being written).
    public func beforeFinishing(_ hook: @escaping @Sendable () throws -> Void) {
        finishingHooks.withLock { $0.append(hook) }
    }

    private func bindToCore() throws {
        guard brazos_bind_to_core(Int32(firstCoreOfNode), 0) == 0 else {
            throw BrazosError.lastSystemError("hwloc binding of node \(config.node)")
        }
    }

    /// The core for local thread `index` of this node under `--bind-to core`, or nil.
    public func core(forThread index: Int) -> Int? {
        guard config.bindToCore else { return nil }
        return firstCoreOfNode + index
    }

    /// The nodes of a host take its cores in node order, as many as each hosts ranks.
    private var firstCoreOfNode: Int {
        cards.filter { $0.hostKey == cards[config.node].hostKey && $0.node < config.node }
            .reduce(0) { $0 + $1.ranks.count }
    }

    // MARK: Ending

    /// Leaves a job that goes on without this node (it was drained: no rank and no page
    /// is here any more, and every node has stopped sending here): finishes what it owes
    /// (a checkpoint part being written), tells brazosrun, closes its links and its
    /// listening socket (no node joins through a node that left), and waits for
    /// brazosrun's `exit` (an exit it has not heard `drained` before would be a failure).
    public func leaveDrained() throws {
        for hook in finishingHooks.withLock({ $0 }) { try hook() }
        session?.beginFinishing()
        try tellLauncher(.drained)
        for link in links { link.close() }
        listener?.close()
        segment?.unlink()
        progress.detachSink()
        session?.waitForExit()
        fflush(nil)
    }

    /// Ends this node's part in the job cleanly: every node reaches this point before any
    /// leaves, so nothing still in flight is lost. Past it no peer connects any more: the
    /// listening socket closes, and its thread ends.
    public func finish() throws {
        for hook in finishingHooks.withLock({ $0 }) { try hook() }
        session?.beginFinishing()
        for link in links { link.close() }
        try wireUp.leave()
        listener?.close()
        segment?.unlink()
        progress.detachSink()
        session?.waitForExit()
        fflush(nil)
    }
}
