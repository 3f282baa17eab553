import BrazosCore
import CBrazos
#if canImport(Glibc)
import Glibc
#endif

/// The node's shared-memory service thread: it serves the page faults this node's threads
/// cannot serve themselves (a page whose home is on another host), the requests of other
/// nodes' service threads (pages it is home of, diffs for them), and the commands of this
/// node's barrier (release, invalidate). It alone touches the protocol sockets; the page
/// table it shares with the fault handler, under the table's lock.
///
/// Home-based lazy release consistency (docs/ARCHITECTURE.md): the home's copy of a page
/// is the master; other nodes fetch it on a fault, twin it before writing, and send the
/// diff home at release; the release's write notices invalidate stale copies elsewhere.
///
/// Unchecked: every `var` (`peers`, `locks`, `acquiring`, `nextToken`, `learned`,
/// `releasedSinceBarrier`, `grantsToApply`) is touched only by the service thread, which
/// init starts after setting them; the `lockManager` closure is called only there too.
/// Other threads reach the service only through `commands` (which locks itself),
/// `listener`'s port and `mapPeers` (which the table locks); `table` locks itself; the
/// rest is set in init and never changes.
final class CoherenceService: @unchecked Sendable {
    private let region: SharedRegion
    private let faults: FaultService
    private let table: PageTable
    /// Regions of nodes of this host, mapped here; the table copies pages from them.
    private let peerRegions = Guarded<[Int: PeerRegion]>([:])
    private let me: Int
    private let nodes: Int
    /// The node that manages a lock (`lock % nodes`, or the one standing for it if drained).
    private let lockManager: (Int) -> Int
    private let secret: [UInt8]
    private var peers: [Int: PeerChannel] = [:]
    private let listener: ServiceListener
    private let host: String

    let commands = CommandQueue()
    /// Locks this node manages.
    private var locks = LockManager()
    /// This node's lock requests in flight: token → ticket of the acquiring thread.
    private var acquiring: [UInt64: CommandQueue.Ticket] = [:]
    private var nextToken: UInt64 = 1
    /// Notices this node learned from lock grants since the last barrier: a release
    /// passes them on (release consistency is transitive), unless it is scoped.
    private var learned: Set<Int> = []
    /// Pages this node released through locks since the last barrier: the barrier's
    /// notices must name them too, for the nodes that never took those locks.
    private var releasedSinceBarrier: Set<Int> = []
    /// Grants of locks to this node's threads, applied only when no operation waits for
    /// replies: applying one may itself wait for replies, and a nested wait could take a
    /// reply the outer one expects.
    private var grantsToApply: [(token: UInt64, notices: [Int])] = []

    /// `BRAZOS_DSM_TRACE=1`: every protocol step on stderr, for debugging the protocol.
    private let tracing = getenv("BRAZOS_DSM_TRACE") != nil

    private func trace(_ text: @autoclosure () -> String) {
        if tracing { diagnose("dsm node \(me): \(text())") }
    }

    /// At most this many diffs are unacknowledged per home (the socket buffers hold them).
    static let diffWindow = 16

    init(region: SharedRegion, faults: FaultService, table: PageTable, me: Int, nodes: Int, host: String, secret: [UInt8],
         lockManager: @escaping (Int) -> Int) throws {
        self.region = region
        self.lockManager = lockManager
        self.faults = faults
        self.me = me
        self.nodes = nodes
        self.host = host
        self.secret = secret
        self.table = table
        listener = try ServiceListener(host: host, me: me, secret: secret)
        NativeThread.spawn { [self] in run() }
    }

    var port: Int { listener.port }

    private func homes(_ page: Int) -> Int { table.home(of: page) }

    /// The home of `page` now.
    func home(of page: Int) -> Int { table.home(of: page) }

    /// At a shared barrier, after its invalidations, every node moves the same homes: the
    /// new home's copy (its writer's, equal to the old home's once its diff is in) is the
    /// master from now on. The old home drops its copy, as every other node did at this
    /// barrier (the writer's notice), so the new home's copy is unshared: writable, its
    /// writes untracked until another node copies it. Called on a thread of the node
    /// while its others wait at the barrier; the table's lock orders it with the service
    /// thread.
    ///
    /// A thread that arrived here during the interval may have dropped this node's copy of
    /// a page it alone wrote (the thread's notices name pages its old node flushed): such
    /// a page's contents come from the old home first. An arrival always comes before this
    /// node's part of the barrier, so what the table says now holds until the move.
    func moveHomes(_ moves: [(page: Int, home: Int)], in allocator: SharedAllocator) throws(SharedMemoryError) {
        let gained = moves.filter { $0.home == me }.map { (page: $0.page, from: home(of: $0.page)) }
        let lost = moves.filter { home(of: $0.page) == me && $0.home != me }.map(\.page)
        trace("homes move: \(moves.count) pages, \(gained.count) to this node, \(lost.count) from it")
        lostHomes.withLock { $0 = Set(lost) }
        let dropped = table.withLock { table in gained.filter { table[$0.page] != .readOnly && table[$0.page] != .writable } }
        for (page, from) in dropped { _ = try perform(.fetchMaster(page: page, from: from)) }
        allocator.moveHomes(moves)
        try table.withLock { (table) throws(SharedMemoryError) in
            for (page, _) in gained {
                table.clearShared(page)
                try table.set(.writable, .readWrite, pages: page..<(page + 1))
            }
            for page in lost {
                table.clearDirty(page)
                try table.set(.invalid, .none, pages: page..<(page + 1))
            }
        }
    }

    /// Pages this node was home of until the last move: it still serves their contents
    /// to their new homes (`fetchMaster`), which may ask before or after it switched.
    private let lostHomes = Guarded<Set<Int>>([])

    /// Copies `page` from node `home` into the service view, leaving its state alone:
    /// straight from the node's region on this host, else by a request over TCP.
    private func fetchMaster(_ page: Int, from home: Int) throws {
        trace("fetch the master of page \(page) from node \(home)")
        if let view = peerRegions.withLock({ $0[home] }) {
            region.servicePage(page).copyMemory(from: UnsafeRawBufferPointer(start: view.pages + page * SharedRegion.pageSize, count: SharedRegion.pageSize))
            return
        }
        try requestPages(page, count: 1, from: home).withUnsafeBytes { region.servicePage(page).copyMemory(from: $0) }
    }

    /// Maps the regions of `nodes` (node and process id; nodes of this host) so that
    /// faults on their pages copy them directly; a node whose region cannot be opened
    /// keeps being asked through its service thread.
    func mapPeers(_ nodes: [(node: Int, pid: Int32)]) {
        for (node, pid) in nodes where peerRegions.withLock({ $0[node] == nil }) {
            guard let view = PeerRegion(pid: pid, size: region.size) else {
                trace("the region of node \(node) (pid \(pid)) cannot be mapped: its pages come through its service")
                continue
            }
            peerRegions.withLock { $0[node] = view }
            table.mapPeer(node, view)
        }
    }

    /// Runs `command` on the service thread and waits for its answer.
    func perform(_ command: CommandQueue.Command) throws(SharedMemoryError) -> [Int] { try commands.perform(command) }

    // MARK: The service loop

    private func run() {
        do {
            while true { try serveOnce(waitingFor: nil) }
        } catch {
            fflush(nil)
            let text = "\(error)"
            diagnose("brazos: node \(me): " + (text.hasPrefix("shared memory") ? text : "shared memory: \(text)"))
            _exit(1)
        }
    }

    /// Waits for something to do and does it; with `awaited`, returns a reply it accepts
    /// (from which node, of which kind) when one comes, serving everything else meanwhile
    /// except faults and commands, which wait for the operation in progress.
    @discardableResult
    private func serveOnce(waitingFor awaited: ((Int, ProtocolMessage.Kind) -> Bool)?) throws -> (node: Int, message: ProtocolMessage)? {
        let channels = Array(peers.values)
        var descriptors = channels.map { pollfd(fd: $0.socket.descriptor, events: Int16(POLLIN), revents: 0) }
        if awaited == nil {
            descriptors.append(pollfd(fd: faults.bell, events: Int16(POLLIN), revents: 0))
            descriptors.append(pollfd(fd: commands.bell, events: Int16(POLLIN), revents: 0))
        }
        let ready = poll(&descriptors, nfds_t(descriptors.count), -1)
        if ready < 0 {
            if errno == EINTR { return nil }
            throw SharedMemoryError.system(call: "poll", errno: errno)
        }
        for (index, channel) in channels.enumerated() where descriptors[index].revents != 0 {
            // A node that finished (or failed: the launcher reports that) closes its end.
            // It matters only if this node still needs it.
            guard let message = try receiveOrDrop(channel) else { continue }
            switch message.kind {
            case .pageRequest, .diff:
                try serveRequest(message, from: channel)
            case .lockAcquire, .lockRelease:
                try manageLock(message, from: channel.node)
            case .lockGrant:
                try granted(message)
            case .homePage:
                try becomeHome(message, from: channel)
            case .pageReply, .diffAck, .homePageAck:
                guard let awaited, awaited(channel.node, message.kind) else {
                    throw SharedMemoryError.malformed("unexpected \(message.kind) for page \(message.page) from node \(channel.node)")
                }
                return (channel.node, message)
            }
        }
        guard awaited == nil else { return nil }
        if descriptors[channels.count].revents != 0 {
            faults.drainBell()
            for fault in faults.parkedFaults() {
                try serve(fault)
                faults.resolve(fault)
            }
        }
        if descriptors[channels.count + 1].revents != 0 {
            for (command, ticket) in commands.take() { try run(command, ticket) }
        }
        // Before the next poll, which may block: grants that arrived or were made above.
        while !grantsToApply.isEmpty {
            let grant = grantsToApply.removeFirst()
            try acquired(token: grant.token, notices: grant.notices)
        }
        return nil
    }

    /// The next message on `channel`, or nil (and the channel dropped) if its node closed it.
    private func receiveOrDrop(_ channel: PeerChannel) throws(SharedMemoryError) -> ProtocolMessage? {
        do {
            return try channel.receive()
        } catch {
            guard case let .peerLost(node, reason) = error else { throw error }
            channel.socket.close()
            peers[node] = nil
            trace("node \(node) closed its connection: \(reason)")
            return nil
        }
    }

    private func awaitReply(accepting accepts: @escaping (Int, ProtocolMessage.Kind) -> Bool) throws -> (node: Int, message: ProtocolMessage) {
        while true {
            if let reply = try serveOnce(waitingFor: accepts) { return reply }
        }
    }

    private func run(_ command: CommandQueue.Command, _ ticket: CommandQueue.Ticket) throws {
        do {
            switch command {
            case let .connect(ports):
                try connect(ports: ports)
                ticket.complete(.success([]))
            case .release:
                let notices = releasedSinceBarrier.union(try release(atBarrier: true))
                releasedSinceBarrier.removeAll()
                ticket.complete(.success(notices.sorted()))
            case let .invalidate(pages):
                try invalidate(pages)
                learned.removeAll()
                ticket.complete(.success([]))
            case let .acquireLock(lock):
                try requestLock(lock, ticket)
            case let .releaseLock(lock, scope):
                try releaseLock(lock, scope: scope)
                ticket.complete(.success([]))
            case let .claimHomes(pages):
                try claimHomes(pages)
                ticket.complete(.success([]))
            case .releaseForMessage:
                releasedSinceBarrier.formUnion(try release())
                ticket.complete(.success(releasedSinceBarrier.union(learned).sorted()))
            case let .acquireFromMessage(notices):
                try invalidate(notices)
                learned.formUnion(notices)
                ticket.complete(.success([]))
            case let .handOver(pages, homes):
                try handOver(pages, to: homes)
                ticket.complete(.success([]))
            case let .connectLate(nodes):
                try connectLate(to: nodes)
                ticket.complete(.success([]))
            case let .fetchMaster(page, node):
                try fetchMaster(page, from: node)
                ticket.complete(.success([]))
            case let .adopt(node, socket):
                peers[node] = PeerChannel(node: node, socket: socket)
                trace("node \(node) joined")
                ticket.complete(.success([]))
            }
        } catch let error as SharedMemoryError {
            ticket.complete(.failure(error))
        }
    }

    // MARK: Faults

    /// A fault the handler left to this thread: the page comes from its home over TCP,
    /// then the table does the rest as the handler would.
    private func serve(_ fault: FaultService.Fault) throws {
        let page = fault.page
        trace("\(fault.isWrite ? "write" : "read") fault on page \(page) (home \(home(of: page)))")
        while try table.serveFault(page: page, isWrite: fault.isWrite) == .needsFetch {
            try fetch(page)
        }
    }

    /// Fetches `page` from its home, with the pages after it that have the same home and
    /// no valid copy here (up to `fetchBatch` in all): one request for a run of pages a
    /// loop is about to cross.
    private func fetch(_ page: Int) throws {
        let count = table.withLock { $0.fetchRun(from: page) }
        let pages = try requestPages(page, count: count, from: home(of: page))
        let pageSize = SharedRegion.pageSize
        try table.withLock { (table) throws(SharedMemoryError) in
            for index in 0..<(pages.count / pageSize) where table[page + index] == .untouched || table[page + index] == .invalid || table[page + index] == .flushing {
                pages.withUnsafeBytes { bytes in
                    region.servicePage(page + index).copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[(index * pageSize)..<((index + 1) * pageSize)]))
                }
                try table.set(.readOnly, .read, pages: (page + index)..<(page + index + 1))
            }
        }
    }

    /// Asks `home` for `page` and up to `count - 1` pages after it; their bytes, at least
    /// the first page's (a home sends only the pages it is home of).
    private func requestPages(_ page: Int, count: Int, from home: Int) throws -> [UInt8] {
        guard let channel = peers[home] else { throw SharedMemoryError.peerLost(node: home, reason: "no connection to the home of page \(page)") }
        try channel.send(ProtocolMessage(kind: .pageRequest, page: page, payload: ProtocolMessage.words([count])))
        let reply = try awaitReply { node, kind in node == home && kind == .pageReply }.message
        let pageSize = SharedRegion.pageSize
        guard reply.page == page, reply.payload.count >= pageSize, reply.payload.count % pageSize == 0, reply.payload.count <= count * pageSize else {
            throw SharedMemoryError.malformed("reply for page \(reply.page) (\(reply.payload.count) bytes) to a request for \(count) pages at \(page)")
        }
        return reply.payload
    }

    /// Pages one request may ask for.
    static let fetchBatch = Int(BRAZOS_PAGE_BATCH)

    /// Makes the untouched pages of `pages` homed here readable and writable, in as few
    /// `mprotect` calls as there are runs: what their first touch would do one fault at a
    /// time. (Unshared home pages need no tracking.)
    private func claimHomes(_ pages: Range<Int>) throws {
        try table.withLock { (table) throws(SharedMemoryError) in
            var runStart: Int?
            for page in pages.lowerBound...pages.upperBound {
                let claimable = page < pages.upperBound && table.home(of: page) == me && table[page] == .untouched && !table.isShared(page)
                if claimable {
                    if runStart == nil { runStart = page }
                } else if let start = runStart {
                    try table.set(.writable, .readWrite, pages: start..<page)
                    runStart = nil
                }
            }
        }
    }

    // MARK: Requests from other nodes

    private func serveRequest(_ message: ProtocolMessage, from channel: PeerChannel) throws {
        let page = message.page
        trace("\(message.kind) for page \(page) from node \(channel.node)")
        guard page >= 0, page < region.pageCount, home(of: page) == me || message.kind == .pageRequest && lostHomes.withLock({ $0.contains(page) }) else {
            throw SharedMemoryError.malformed("\(message.kind) for page \(page), which node \(me) is not home of")
        }
        switch message.kind {
        case .pageRequest:
            let wanted = try message.words().first ?? 1
            guard wanted >= 1, wanted <= Self.fetchBatch else { throw SharedMemoryError.malformed("request for \(wanted) pages") }
            var payload: [UInt8] = []
            payload.reserveCapacity(wanted * SharedRegion.pageSize)
            if home(of: page) != me {
                // A page this node lost at the last move, asked for by its new home.
                try channel.send(ProtocolMessage(kind: .pageReply, page: page, payload: Array(UnsafeRawBufferPointer(region.servicePage(page)))))
                return
            }
            var next = page
            while next < min(page + wanted, region.pageCount), home(of: next) == me {
                try table.withLock { (table) throws(SharedMemoryError) in
                    // From now on writes here need notices: catch them, and notice the
                    // writes made before (the copy sent may or may not hold them).
                    table.markShared(next)
                    if table[next] == .writable {
                        try table.set(.readOnly, .read, pages: next..<(next + 1))
                        table.markDirty(next)
                    }
                }
                payload += UnsafeRawBufferPointer(region.servicePage(next))
                next += 1
            }
            try channel.send(ProtocolMessage(kind: .pageReply, page: page, payload: payload))
        case .diff:
            try PageDiff.apply(message.payload, to: region.servicePage(page).baseAddress!)
            try channel.send(ProtocolMessage(kind: .diffAck, page: page))
        default:
            break
        }
    }

    // MARK: Draining

    /// On a drained node, inside the drain's barrier (every page current at its home):
    /// sends each page it is home of to its new home and waits for every acknowledgement.
    private func handOver(_ pages: [Int], to newHomes: [Int]) throws {
        trace("hand over \(pages.count) pages")
        for (page, home) in zip(pages, newHomes) {
            guard let channel = peers[home] else { throw SharedMemoryError.peerLost(node: home, reason: "no connection to the new home of page \(page)") }
            try channel.send(ProtocolMessage(kind: .homePage, page: page, payload: Array(UnsafeRawBufferPointer(region.servicePage(page)))))
        }
        for _ in pages { _ = try awaitReply { _, kind in kind == .homePageAck } }
    }

    /// A page whose home was drained is homed here from now on: its contents as the home
    /// had them; read-only and `shared`, since others may hold copies (writes here then
    /// make notices).
    private func becomeHome(_ message: ProtocolMessage, from channel: PeerChannel) throws {
        let page = message.page
        guard page >= 0, page < region.pageCount, message.payload.count == SharedRegion.pageSize else {
            throw SharedMemoryError.malformed("page \(page) handed over with \(message.payload.count) bytes")
        }
        try table.withLock { (table) throws(SharedMemoryError) in
            message.payload.withUnsafeBytes { region.servicePage(page).copyMemory(from: $0) }
            _ = table.takeTwin(of: page)
            table.clearDirty(page)
            try table.set(.readOnly, .read, pages: page..<(page + 1))
            table.markShared(page)
        }
        try channel.send(ProtocolMessage(kind: .homePageAck, page: page))
    }

    // MARK: Barrier commands

    /// Write-protects a page written here and, off its home, sends its diff home (at most
    /// `diffWindow` unacknowledged per home). Protected first, so that no write of another
    /// thread of this node slips in between the diff and the protection.
    private func flush(_ page: Int, _ outstanding: inout [Int: Int]) throws {
        let home = self.home(of: page)
        let diff = try table.withLock { (table) throws(SharedMemoryError) -> [UInt8]? in
            if table[page] == .writable { try table.set(.readOnly, .read, pages: page..<(page + 1)) }
            // Made under the lock: a write fault after it would take a new twin.
            guard home != me, let twin = table.takeTwin(of: page) else { return nil }
            return PageDiff.make(page: region.servicePage(page).baseAddress!, twin: twin)
        }
        if let diff { try sendDiff(diff, of: page, to: home, &outstanding) }
    }

    /// Sends a diff home, with at most `diffWindow` unacknowledged per home.
    private func sendDiff(_ diff: [UInt8], of page: Int, to home: Int, _ outstanding: inout [Int: Int]) throws {
        guard let channel = peers[home] else { throw SharedMemoryError.peerLost(node: home, reason: "no connection to the home of page \(page)") }
        while outstanding[home, default: 0] == Self.diffWindow { try awaitAck(&outstanding) }
        try channel.send(ProtocolMessage(kind: .diff, page: page, payload: diff))
        outstanding[home, default: 0] += 1
    }

    /// Waits for one diff acknowledgement; they come back in any order among homes (diffs
    /// unacknowledged by home, which may be a node that joined: homes follow writers).
    private func awaitAck(_ outstanding: inout [Int: Int]) throws {
        let waiting = outstanding
        let (node, _) = try awaitReply { node, kind in kind == .diffAck && waiting[node, default: 0] > 0 }
        outstanding[node, default: 0] -= 1
    }

    private func awaitAllAcks(_ outstanding: inout [Int: Int]) throws {
        while outstanding.values.contains(where: { $0 > 0 }) { try awaitAck(&outstanding) }
    }

    /// Every page written since the last release is flushed; returns them (the notices).
    /// (A page written again while the others are flushed stays dirty for the next.)
    ///
    /// At a shared barrier, every other node invalidates its copies of the pages noticed,
    /// so this node's home pages among them are unshared from then on: writable, with
    /// no fault and no notice until another node copies them again (then they are
    /// shared anew, by its request or by the bit it sets). A lock's or a message's
    /// release invalidates only the acquirer's copies, and leaves them shared.
    private func release(atBarrier: Bool = false) throws -> [Int] {
        let notices = try table.withLock { (table) throws(SharedMemoryError) in
            try table.absorbShares()
            return table.takeDirty()
        }
        trace("release: notices \(notices)")
        var outstanding: [Int: Int] = [:]
        for page in notices { try flush(page, &outstanding) }
        try awaitAllAcks(&outstanding)
        if atBarrier {
            try table.withLock { (table) throws(SharedMemoryError) in
                for page in notices where table.home(of: page) == me && table[page] == .readOnly {
                    table.clearShared(page)
                    try table.set(.writable, .readWrite, pages: page..<(page + 1))
                }
            }
        }
        return notices
    }

    /// Invalidates copies of pages written elsewhere (not those homed here). A copy this
    /// node has written too sends its diff home first; the page stays among this node's
    /// notices for its next release.
    /// Such a page is `flushing` until its diff is acknowledged: a fault on it waits for
    /// this thread, so that no copy is fetched from a home that lacks this node's writes.
    private func invalidate(_ pages: [Int]) throws {
        trace("invalidate \(pages)")
        let diffs = try table.withLock { (table) throws(SharedMemoryError) in
            var diffs: [(page: Int, diff: [UInt8])] = []
            for page in pages where table.home(of: page) != me && (table[page] == .readOnly || table[page] == .writable) {
                if let twin = table.takeTwin(of: page) {
                    try table.set(.flushing, .none, pages: page..<(page + 1))
                    diffs.append((page, PageDiff.make(page: region.servicePage(page).baseAddress!, twin: twin)))
                } else {
                    try table.set(.invalid, .none, pages: page..<(page + 1))
                }
            }
            return diffs
        }
        var outstanding: [Int: Int] = [:]
        for (page, diff) in diffs { try sendDiff(diff, of: page, to: home(of: page), &outstanding) }
        try awaitAllAcks(&outstanding)
        table.withLock { table in
            for (page, _) in diffs where table[page] == .flushing { table[page] = .invalid }
        }
    }

    // MARK: Locks

    private func manager(of lock: Int) -> Int { lockManager(lock) }

    private func channel(to node: Int) throws -> PeerChannel {
        guard let channel = peers[node] else { throw SharedMemoryError.peerLost(node: node, reason: "no connection") }
        return channel
    }

    private func requestLock(_ lock: Int, _ ticket: CommandQueue.Ticket) throws {
        let token = nextToken
        nextToken += 1
        acquiring[token] = ticket
        trace("acquire lock \(lock) (token \(token))")
        if manager(of: lock) == me {
            if let grant = locks.acquire(lock, by: .init(node: me, token: token)) { try deliver(grant) }
        } else {
            try channel(to: manager(of: lock)).send(ProtocolMessage(kind: .lockAcquire, page: lock, payload: ProtocolMessage.words([Int(token)])))
        }
    }

    /// A release of a lock is a release of the pages: diffs home first, then the notices
    /// go to the lock's manager, which hands them to the next acquirer.
    private func releaseLock(_ lock: Int, scope: Bool) throws {
        // Writes are tracked per node, not per thread or lock: another thread's release may
        // already have flushed pages written under this lock. So a release names every
        // page this node flushed since the last barrier (scope), and with release
        // consistency also the notices it learned from grants (transitivity).
        releasedSinceBarrier.formUnion(try release())
        let notices = (scope ? releasedSinceBarrier : releasedSinceBarrier.union(learned)).sorted()
        trace("release lock \(lock) with notices \(notices)")
        if manager(of: lock) == me {
            if let grant = try locks.release(lock, by: me, notices: notices) { try deliver(grant) }
        } else {
            try channel(to: manager(of: lock)).send(ProtocolMessage(kind: .lockRelease, page: lock, payload: ProtocolMessage.words(notices)))
        }
    }

    /// A lock message from another node, for a lock this node manages.
    private func manageLock(_ message: ProtocolMessage, from node: Int) throws {
        guard message.page >= 0, manager(of: message.page) == me else {
            throw SharedMemoryError.malformed("\(message.kind) for lock \(message.page), which node \(me) does not manage")
        }
        switch message.kind {
        case .lockAcquire:
            let words = try message.words()
            guard words.count == 1 else { throw SharedMemoryError.malformed("lock request without its token") }
            if let grant = locks.acquire(message.page, by: .init(node: node, token: UInt64(words[0]))) { try deliver(grant) }
        default:
            if let grant = try locks.release(message.page, by: node, notices: try message.pages(below: region.pageCount)) { try deliver(grant) }
        }
    }

    private func deliver(_ grant: LockManager.Grant) throws {
        if grant.acquirer.node == me {
            grantsToApply.append((grant.acquirer.token, grant.notices))
        } else {
            try channel(to: grant.acquirer.node).send(ProtocolMessage(kind: .lockGrant, page: grant.lock,
                                                                      payload: ProtocolMessage.words([Int(grant.acquirer.token)] + grant.notices)))
        }
    }

    private func granted(_ message: ProtocolMessage) throws {
        let words = try message.words()
        guard let token = words.first else { throw SharedMemoryError.malformed("lock grant without its token") }
        let notices = Array(words.dropFirst())
        if let stray = notices.first(where: { $0 >= region.pageCount }) {
            throw SharedMemoryError.malformed("grant of lock \(message.page) names page \(stray) of a region of \(region.pageCount)")
        }
        grantsToApply.append((UInt64(token), notices))
    }

    /// An acquire of a lock is an acquire of the pages: stale copies go, then the thread
    /// that asked goes on.
    private func acquired(token: UInt64, notices: [Int]) throws {
        guard let ticket = acquiring.removeValue(forKey: token) else { throw SharedMemoryError.malformed("grant for unknown lock request \(token)") }
        try invalidate(notices)
        learned.formUnion(notices)
        ticket.complete(.success([]))
    }

    // MARK: Connections

    /// Connects to every higher node and takes every lower one's connection (their
    /// handshakes run on the listener's threads, whatever else connects there); connections
    /// go upward only, so the waits form no cycle.
    private func connect(ports: [Int]) throws {
        for node in (me + 1)..<nodes {
            guard let port = UInt16(exactly: ports[node]) else { throw SharedMemoryError.malformed("node \(node)'s service port \(ports[node])") }
            let socket = try Socket.connect(to: SocketAddress(host: hosts[node], port: port))
            let answered = try Handshake.connect(on: socket, secret: secret, myNode: me, purpose: .sharedMemory)
            guard answered == node else { throw SharedMemoryError.malformed("node \(node)'s port answered as node \(answered)") }
            peers[node] = PeerChannel(node: node, socket: socket)
        }
        for (node, socket) in try listener.take(from: (0..<min(me, nodes)).filter { peers[$0] == nil }, within: 60) {
            peers[node] = PeerChannel(node: node, socket: socket)
        }
    }

    /// Each node's address (from its card), set before `connect`.
    var hosts: [String] = []

    /// On a node that joined the running job: connects to every other node's service
    /// through that node's own listening socket, which hands the connection over (the
    /// service's port was never published beyond the job's first nodes).
    private func connectLate(to nodes: [(node: Int, host: String, port: Int)]) throws {
        for (node, host, port) in nodes {
            let socket = try Socket.connect(to: SocketAddress(host: host, port: UInt16(port)))
            let answered = try Handshake.connect(on: socket, secret: secret, myNode: me, purpose: .sharedMemory)
            guard answered == node else { throw SharedMemoryError.malformed("node \(node)'s address answered as node \(answered)") }
            peers[node] = PeerChannel(node: node, socket: socket)
        }
    }
}
