import CBrazos
#if canImport(Glibc)
import Glibc
#endif

/// One OS process of a job: its wire-up, its links to every node (itself included), its
/// progress engine and its watch on the launcher. The layer above supplies the sink that
/// receives frames and asks for links by node; which transport a link uses is decided
/// here, once, from the peers' cards: memory for itself, rings for nodes of the same
/// host, TCP for the rest. Where threads move, nodes may join while the job runs: each
/// node then has a `LateLink` for every number a joining node may get, filled in when
/// that node connects.
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
    private var segment: SharedSegment?
    private var wireUp: WireUp!
    private var control: ControlChannel?
    private var listener: Socket?
    private let tcpInbound = TCPInbound()
    private let connections = PthreadMutex()
    private let connectionsChanged = PthreadCondition()
    private var tcpLinks: [Int: TCPLink] = [:]
    private var awaitedPeers: Set<Int> = []
    private var finishing = false
    private var exitGranted = false
    private var requestHandler: (@Sendable (String, Substring) -> Void)?
    /// Requests that came before a handler was set (the program had not attached yet).
    private var earlyRequests: [(String, Substring)] = []
    private var finishingHooks: [() throws -> Void] = []
    /// What this node says of itself with each heartbeat, from the layers above
    /// (`key=value` words, for `brazosrun status`).
    private var statusReporters: [@Sendable () -> String] = []
    /// The node brazosrun asked to drain (`brazosrun drain`), until the job has done it.
    private var drainWish: Int?
    /// The joining node brazosrun asked the job to admit, until it has; the joining nodes
    /// announced (their connections are accepted); whether this node, joining, has said
    /// it was admitted.
    private var joinWish: Int?
    private var joiners: Set<Int> = []
    private var admissionSaid = false
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
        // among them (it drives progress while the node hosts none).
        progress = ProgressEngine(threads: config.migratable ? Int.max : config.threadsPerNode)
    }

    /// Joins the job described by the environment and connects to every node. Frames are
    /// delivered once the layer above attaches its sink to `progress`.
    public static func start() throws -> Node {
        let node = Node(config: try JobConfig.fromEnvironment())
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
        _ = brazos_allow_peer_reads()
        let listenHost = try connectToLauncher()
        let listener = try Socket.listen(host: listenHost)
        self.listener = listener
        let segmentName = SharedMemoryLayout.segmentName(job: config.jobID, node: config.node)
        let hasSegment = !config.forceTCP && !config.joining
        if hasSegment {
            segment = try SharedSegment.create(name: segmentName,
                                               size: SharedMemoryLayout.segmentSize(nodes: config.nodeCount, ringCapacity: config.ringCapacity))
        }
        defer { segment?.unlink() }  // peers have mapped it by the time wire-up returns
        let card = NodeCard(node: config.node, pid: getpid(), hostKey: HostIdentity.key, hostName: HostIdentity.name,
                            address: listenHost, port: listener.localAddress?.port ?? 0,
                            segment: hasSegment ? segmentName : "-", ranks: config.initialRanks(of: config.node))
        cards = try wireUp.exchange(card)
        initialMembers = wireUp.members ?? Array(0..<config.nodeCount)
        if let secret = wireUp.learnedSecret { config.secret = secret }
        directory = RankDirectory(cards: cards)
        guard directory.rankCount == config.rankCount else {
            throw BrazosError.configuration("nodes disagree on the number of ranks (\(directory.rankCount) vs \(config.rankCount)): different --threads-per-node?")
        }
        try makeLinks()
        try wireUp.barrier()
        if case .brazosrun = config.launcher {
            NativeThread.spawn { [self] in watchLauncher() }
            NativeThread.spawn { [self] in sendHeartbeats() }
            PowerSignals.startTaking { [self] signal in
                let name = signal == SIGPWR ? "SIGPWR" : "SIGTERM"
                diagnose("brazos: node \(config.node): \(name); asking brazosrun to save the job and continue it without this host")
                try? control?.send("signalled", name)
            }
        }
        // The cores are shared out among the job's first nodes; a joining node takes none.
        if config.bindToCore && !config.joining { try bindToCore() }
        let threadsHere = cards.filter { $0.hostKey == cards[config.node].hostKey }.count * config.threadsPerNode
        Backoff.yieldsAtOnce = threadsHere > Int(brazos_available_cpus())
    }

    /// Connects to the launcher (if any) and returns the address to listen on.
    private func connectToLauncher() throws -> String {
        switch config.launcher {
        case let .brazosrun(controlAddress):
            let socket = try Socket.connect(to: controlAddress)
            _ = try Handshake.connect(on: socket, secret: config.secret, myNode: config.node, purpose: .control)
            let channel = ControlChannel(socket: socket)
            control = channel
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
        let ringer = try Doorbell()
        var sources: [InboundSource] = []
        var made: [PeerLink?] = Array(repeating: nil, count: config.nodeLimit)
        made[config.node] = LoopbackLink(node: config.node, eagerLimit: config.sharedMemoryEagerLimit, progress: progress)
        let members = Set(initialMembers)
        let peers = cards.filter { $0.node != me.node && members.contains($0.node) }
        let local = peers.filter { segment != nil && $0.hostKey == me.hostKey && $0.segment != "-" }
        if let segment, !local.isEmpty {
            let bell = try Doorbell(listeningAs: SharedMemoryLayout.doorbellName(job: config.jobID, node: config.node))
            sources.append(SharedMemoryInbound(segment: segment, senders: local.map(\.node), ringCapacity: config.ringCapacity, doorbell: bell))
        }
        for peer in local {
            made[peer.node] = SharedMemoryLink(
                peerNode: peer.node, peerPid: peer.pid, peerSegment: try SharedSegment.open(name: peer.segment),
                myNode: config.node, ringCapacity: config.ringCapacity,
                peerDoorbell: SharedMemoryLayout.doorbellName(job: config.jobID, node: peer.node), ringer: ringer,
                eagerLimit: config.sharedMemoryEagerLimit, progress: progress,
                // Where threads move, a node may come to host several: the ring's lock stays.
                senders: config.migratable ? Int.max : config.threadsPerNode)
        }
        let remote = peers.filter { made[$0.node] == nil }
        // Where threads move, nodes that join later connect by TCP.
        if !remote.isEmpty || config.migratable { sources.append(tcpInbound) }
        progress.attach(sources: sources)
        if config.migratable { lateLinks = (0..<config.nodeLimit).map { LateLink(peerNode: $0, eagerLimit: config.tcpEagerLimit) } }
        connections.withLock { awaitedPeers = Set(remote.filter { $0.node > me.node }.map(\.node)) }
        if let listener { NativeThread.spawn { [self] in acceptConnections(on: listener) } }
        // Lower-numbered nodes accept, higher-numbered connect: one connection per pair.
        for peer in remote where peer.node < me.node {
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

    /// Serves the listening socket for the job's life: peers connect here during wire-up,
    /// and a joining node later (its data connection, and its shared-memory service's, which
    /// goes to the layer above); anything else that connects is authenticated and,
    /// lacking the secret or not expected, refused.
    private func acceptConnections(on listener: Socket) {
        enum Route { case data, layerAbove(@Sendable (Int, Socket) -> Void), kept, refused }
        while true {
            guard let socket = try? listener.accept() else { return }
            let from = socket.remoteAddress?.description ?? "?"
            do {
                let (peer, purpose) = try Handshake.accept(on: socket, secret: config.secret, myNode: config.node)
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
            } catch {
                diagnose("brazos: node \(config.node): refused a connection from \(from): \(error)")
            }
        }
    }

    /// Waits for word from the launcher: a peer's failure ends this node at once with a
    /// message naming it, whatever this node's threads are doing.
    private func watchLauncher() {
        guard let control else { return }
        while true {
            do {
                let (verb, text) = try control.receive()
                if verb == "failed" {
                    // Said before anything else happens: woken threads would race to
                    // report their own failed waits first.
                    exitAfterFailure("brazos: node \(config.node): stopping because node \(text)")
                }
                if verb == "exit" {
                    connections.withLock { exitGranted = true; connectionsChanged.broadcast() }
                    return
                }
                if verb == "drain" {
                    connections.withLock { drainWish = Int(text) }
                    continue
                }
                if verb == "joining", let joiner = Int(text), joiner >= config.nodeCount, joiner < lateLinks.count {
                    connections.withLock { _ = joiners.insert(joiner) }
                    lateLinks[joiner].expect()
                    try control.send("expecting", "\(joiner)")
                    continue
                }
                if verb == "admit" {
                    connections.withLock { joinWish = Int(text) }
                    continue
                }
                if verb == "unneeded" {
                    // Joining, not yet admitted, and the job has ended: nothing is here.
                    diagnose("brazos: node \(config.node): the job ended before this node was admitted; leaving")
                    fflush(nil)
                    _exit(0)
                }
                if verb == "stop" {
                    // A planned stop: every node's checkpoint is written; nothing is in flight.
                    fflush(nil)
                    _exit(0)
                }
                let handler = connections.withLock { () -> (@Sendable (String, Substring) -> Void)? in
                    if requestHandler == nil { earlyRequests.append((verb, text)) }
                    return requestHandler
                }
                handler?(verb, text)
            } catch {
                // A launcher gone while this node finishes has nothing left to say.
                if connections.withLock({ () -> Bool in
                    if finishing { exitGranted = true; connectionsChanged.broadcast() }
                    return finishing
                }) { return }
                exitAfterFailure("brazos: node \(config.node): lost the launcher (\(error)); stopping")
            }
        }
    }

    /// Tells the launcher this node is alive, every `BRAZOS_HEARTBEAT` seconds, so that it
    /// can tell a hung or cut-off node from a slow one.
    private func sendHeartbeats() {
        guard let control else { return }
        let period = JobConfig.environment("BRAZOS_HEARTBEAT").flatMap { Double($0) }.flatMap { $0 > 0 ? $0 : nil } ?? 1
        while true {
            usleep(UInt32(min(period, 3600) * 1e6))
            let (over, reporters) = connections.withLock { (finishing, statusReporters) }
            if over { return }
            // The watch thread reports a lost launcher.
            do { try control.send("heartbeat", reporters.map { $0() }.joined(separator: " ")) } catch { return }
        }
    }

    /// Whether a launcher (brazosrun) watches this node and can be told things.
    public var hasLauncher: Bool { control != nil }

    /// Tells the launcher something (a checkpoint part written, a planned stop).
    public func tellLauncher(_ verb: String, _ text: String = "") throws {
        guard let control else { throw BrazosError.configuration("no launcher to tell '\(verb)' (run under brazosrun)") }
        try control.send(verb, text)
    }

    /// Where the launcher's requests other than failure and exit go (checkpoint requests,
    /// interval changes, a planned stop); called on the thread that watches the launcher.
    /// Requests that came before get to it at once.
    public func onLauncherRequest(_ handler: @escaping @Sendable (String, Substring) -> Void) {
        let early = connections.withLock {
            requestHandler = handler
            defer { earlyRequests = [] }
            return earlyRequests
        }
        for (verb, text) in early { handler(verb, text) }
    }

    /// The node brazosrun asked to drain, if any (see `SharedMemory`'s drain).
    public var drainRequested: Int? { connections.withLock { drainWish } }

    /// The drain of `node` is done (on every node, once it is).
    public func drainDone(_ node: Int) {
        connections.withLock { if drainWish == node { drainWish = nil } }
    }

    /// The joining node brazosrun asked the job to admit, if any (see `SharedMemory`'s
    /// admission).
    public var joinRequested: Int? { connections.withLock { joinWish } }

    /// The admission of `node` is done (on every node, once it is).
    public func joinDone(_ node: Int) {
        connections.withLock { if joinWish == node { joinWish = nil } }
    }

    /// Rank `rank` arrived here from node `node`: a joining node tells brazosrun it is in
    /// (the first time); at level debug (brazosrun `--verbose`) every move is told.
    public func noteArrival(rank: Int, from node: Int) {
        guard hasLauncher else { return }
        if config.joining && connections.withLock({ () -> Bool in
            defer { admissionSaid = true }
            return !admissionSaid
        }) {
            try? tellLauncher("admitted")
        }
        if Log.says(.debug) { try? tellLauncher("moved", "\(rank) \(node) \(config.node)") }
    }

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

    /// Adds to what each heartbeat tells brazosrun of this node: `key=value` words, shown
    /// by `brazosrun status`.
    public func reportsStatus(_ reporter: @escaping @Sendable () -> String) {
        connections.withLock { statusReporters.append(reporter) }
    }

    /// Work to finish before this node leaves the job (a checkpoint still being written).
    public func beforeFinishing(_ hook: @escaping () throws -> Void) {
        connections.withLock { finishingHooks.append(hook) }
    }

    private func exitAfterFailure(_ message: String) -> Never {
        fflush(nil)
        diagnose(message)
        _exit(1)
    }

    private func bindToCore() throws {
        let sameHost = cards.filter { $0.hostKey == cards[config.node].hostKey }.map(\.node)
        let slot = sameHost.firstIndex(of: config.node) ?? 0
        guard brazos_bind_to_core(Int32(slot * config.threadsPerNode), 0) == 0 else {
            throw BrazosError.lastSystemError("hwloc binding of node \(config.node)")
        }
    }

    /// The core for local thread `index` of this node under `--bind-to core`, or nil.
    public func core(forThread index: Int) -> Int? {
        guard config.bindToCore else { return nil }
        let sameHost = cards.filter { $0.hostKey == cards[config.node].hostKey }.map(\.node)
        return (sameHost.firstIndex(of: config.node) ?? 0) * config.threadsPerNode + index
    }

    // MARK: Ending

    /// Leaves a job that goes on without this node (it was drained: no rank and no page
    /// is here any more, and every node has stopped sending here): finishes what it owes
    /// (a checkpoint part being written), tells brazosrun, closes its links, and waits for
    /// brazosrun's `exit` (an exit it has not heard `drained` before would be a failure).
    public func leaveDrained() throws {
        for hook in connections.withLock({ finishingHooks }) { try hook() }
        connections.withLock { finishing = true }
        try tellLauncher("drained")
        for link in links { link.close() }
        progress.detachSink()
        connections.withLock { while !exitGranted { connectionsChanged.wait(connections, seconds: 1) } }
        fflush(nil)
    }

    /// Ends this node's part in the job cleanly: every node reaches this point before any
    /// leaves, so nothing still in flight is lost.
    public func finish() throws {
        for hook in connections.withLock({ finishingHooks }) { try hook() }
        connections.withLock { finishing = true }
        for link in links { link.close() }
        try wireUp.leave()
        progress.detachSink()
        if case .brazosrun = config.launcher {
            connections.withLock { while !exitGranted { connectionsChanged.wait(connections, seconds: 1) } }
        }
        fflush(nil)
    }
}
