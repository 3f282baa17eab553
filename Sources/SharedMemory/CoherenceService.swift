import BrazosCore
import CBrazos
#if canImport(Glibc)
import Glibc
#endif

/// The node's shared-memory service thread: it serves this node's page faults, the
/// requests of other nodes' service threads (pages it is home of, diffs for them), and
/// the commands of this node's barrier (release, invalidate). It alone touches the page
/// table and the protocol sockets, so none of them needs a lock.
///
/// Home-based lazy release consistency (docs/ARCHITECTURE.md): the home's copy of a page
/// is the master; other nodes fetch it on a fault, twin it before writing, and send the
/// diff home at release; the release's write notices invalidate stale copies elsewhere.
final class CoherenceService: @unchecked Sendable {
    enum Command {
        /// Connect to the other nodes' services at these ports (index = node).
        case connect(ports: [Int])
        /// Send every dirty page's diff home and write-protect it; answers the notices.
        case release
        /// Invalidate these pages (written elsewhere) unless this node is their home.
        case invalidate([Int])
    }

    private let region: SharedRegion
    private let faults: FaultService
    private let homes: (Int) -> Int
    private let me: Int
    private let nodes: Int
    private let secret: [UInt8]
    private var table: PageTable
    private var peers: [Int: PeerChannel] = [:]
    let listener: Socket
    private let host: String

    // Commands from compute threads: one at a time (the node's barrier leader).
    private let commandMutex = PthreadMutex()
    private let commandDone = PthreadCondition()
    private var command: Command?
    private var answer: Result<[Int], SharedMemoryError>?
    private let commandBell: Int32
    private var thread: pthread_t?

    /// `BRAZOS_DSM_TRACE=1`: every protocol step on stderr, for debugging the protocol.
    private let tracing = getenv("BRAZOS_DSM_TRACE") != nil

    private func trace(_ text: @autoclosure () -> String) {
        if tracing { diagnose("dsm node \(me): \(text())") }
    }

    /// At most this many diffs are unacknowledged per home (the socket buffers hold them).
    static let diffWindow = 16

    init(region: SharedRegion, faults: FaultService, me: Int, nodes: Int, host: String, secret: [UInt8], homes: @escaping (Int) -> Int) throws {
        self.region = region
        self.faults = faults
        self.me = me
        self.nodes = nodes
        self.host = host
        self.secret = secret
        self.homes = homes
        table = PageTable(pages: region.pageCount)
        listener = try Socket.listen(host: host)
        commandBell = brazos_blocking_eventfd()
        thread = NativeThread.spawn { [self] in run() }
    }

    var port: Int { Int(listener.localAddress?.port ?? 0) }

    /// Runs `command` on the service thread and waits for its answer.
    func perform(_ command: Command) throws(SharedMemoryError) -> [Int] {
        commandMutex.lock()
        defer { commandMutex.unlock() }
        self.command = command
        answer = nil
        var one: UInt64 = 1
        _ = write(commandBell, &one, 8)
        while answer == nil { commandDone.wait(commandMutex, seconds: 1) }
        return try answer!.get()
    }

    // MARK: The service loop

    private func run() {
        do {
            while true { try serveOnce(waitingFor: nil) }
        } catch {
            fflush(nil)
            diagnose("brazos: node \(me): shared memory: \(error)")
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
            descriptors.append(pollfd(fd: commandBell, events: Int16(POLLIN), revents: 0))
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
            case .pageReply, .diffAck:
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
            var count: UInt64 = 0
            _ = read(commandBell, &count, 8)
            try runCommand()
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

    private func runCommand() throws {
        commandMutex.lock()
        let current = command
        commandMutex.unlock()
        guard let current else { return }
        let result: Result<[Int], SharedMemoryError>
        do {
            switch current {
            case let .connect(ports):
                try connect(ports: ports)
                result = .success([])
            case .release:
                result = .success(try release())
            case let .invalidate(pages):
                try invalidate(pages)
                result = .success([])
            }
        } catch let error as SharedMemoryError {
            result = .failure(error)
        }
        commandMutex.lock()
        command = nil
        answer = result
        commandDone.broadcast()
        commandMutex.unlock()
    }

    // MARK: Faults

    private func serve(_ fault: FaultService.Fault) throws {
        let page = fault.page
        trace("\(fault.isWrite ? "write" : "read") fault on page \(page) (home \(homes(page)), \(table[page]))")
        let pages = page..<(page + 1)
        if homes(page) == me {
            // The master copy is here; only writes to a page others hold need a notice.
            if table.shared.contains(page) && !fault.isWrite {
                try region.setAccess(.read, pages: pages)
                table[page] = .readOnly
            } else {
                if table.shared.contains(page) { table.dirty.insert(page) }
                try region.setAccess(.readWrite, pages: pages)
                table[page] = .writable
            }
            return
        }
        if table[page] == .untouched || table[page] == .invalid {
            try fetch(page)
            try region.setAccess(.read, pages: pages)
            table[page] = .readOnly
        }
        if fault.isWrite && table[page] != .writable {
            let twin = UnsafeMutableRawPointer.allocate(byteCount: SharedRegion.pageSize, alignment: 64)
            twin.copyMemory(from: region.servicePage(page).baseAddress!, byteCount: SharedRegion.pageSize)
            table.twins[page] = twin
            table.dirty.insert(page)
            try region.setAccess(.readWrite, pages: pages)
            table[page] = .writable
        }
    }

    private func fetch(_ page: Int) throws {
        let home = homes(page)
        guard let channel = peers[home] else { throw SharedMemoryError.peerLost(node: home, reason: "no connection to the home of page \(page)") }
        try channel.send(ProtocolMessage(kind: .pageRequest, page: page))
        let reply = try awaitReply { node, kind in node == home && kind == .pageReply }.message
        guard reply.page == page, reply.payload.count == SharedRegion.pageSize else {
            throw SharedMemoryError.malformed("reply for page \(reply.page) (\(reply.payload.count) bytes) to a request for page \(page)")
        }
        reply.payload.withUnsafeBytes { region.servicePage(page).copyMemory(from: $0) }
    }

    // MARK: Requests from other nodes

    private func serveRequest(_ message: ProtocolMessage, from channel: PeerChannel) throws {
        let page = message.page
        trace("\(message.kind) for page \(page) from node \(channel.node)")
        guard page >= 0, page < region.pageCount, homes(page) == me else {
            throw SharedMemoryError.malformed("\(message.kind) for page \(page), which node \(me) is not home of")
        }
        switch message.kind {
        case .pageRequest:
            if !table.shared.contains(page) {
                table.shared.insert(page)
                // From now on writes here need notices: catch them, and notice the writes
                // made before (the copy sent may or may not hold them).
                if table[page] == .writable {
                    try region.setAccess(.read, pages: page..<(page + 1))
                    table[page] = .readOnly
                    table.dirty.insert(page)
                }
            }
            try channel.send(ProtocolMessage(kind: .pageReply, page: page, payload: Array(UnsafeRawBufferPointer(region.servicePage(page)))))
        case .diff:
            try PageDiff.apply(message.payload, to: region.servicePage(page).baseAddress!)
            try channel.send(ProtocolMessage(kind: .diffAck, page: page))
        default:
            break
        }
    }

    // MARK: Barrier commands

    /// Diffs of dirty pages go home (a window at a time per home); every dirty page is
    /// write-protected again. Returns the write notices.
    private func release() throws -> [Int] {
        let notices = table.dirty.sorted()
        trace("release: notices \(notices)")
        // Unacknowledged diffs per home; acks come back in any order among homes.
        var outstanding = [Int](repeating: 0, count: nodes)
        func awaitAck() throws {
            let (node, _) = try awaitReply { [outstanding] node, kind in kind == .diffAck && outstanding[node] > 0 }
            outstanding[node] -= 1
        }
        for page in notices {
            let home = homes(page)
            if home != me, let twin = table.takeTwin(of: page) {
                let diff = PageDiff.make(page: region.servicePage(page).baseAddress!, twin: twin)
                twin.deallocate()
                guard let channel = peers[home] else { throw SharedMemoryError.peerLost(node: home, reason: "no connection to the home of page \(page)") }
                while outstanding[home] == Self.diffWindow { try awaitAck() }
                try channel.send(ProtocolMessage(kind: .diff, page: page, payload: diff))
                outstanding[home] += 1
            }
            try region.setAccess(.read, pages: page..<(page + 1))
            table[page] = .readOnly
        }
        while outstanding.contains(where: { $0 > 0 }) { try awaitAck() }
        table.dirty.removeAll(keepingCapacity: true)
        return notices
    }

    private func invalidate(_ pages: [Int]) throws {
        trace("invalidate \(pages)")
        for page in pages where homes(page) != me && (table[page] == .readOnly || table[page] == .writable) {
            if let twin = table.takeTwin(of: page) { twin.deallocate() }
            try region.setAccess(.none, pages: page..<(page + 1))
            table[page] = .invalid
        }
    }

    // MARK: Connections

    /// Connects to every higher node and accepts every lower one; connections go upward
    /// only, so the waits form no cycle.
    private func connect(ports: [Int]) throws {
        for node in (me + 1)..<nodes {
            let socket = try Socket.connect(to: SocketAddress(host: hosts[node], port: UInt16(ports[node])))
            let answered = try Handshake.connect(on: socket, secret: secret, myNode: me, purpose: .sharedMemory)
            guard answered == node else { throw SharedMemoryError.malformed("node \(node)'s port answered as node \(answered)") }
            peers[node] = PeerChannel(node: node, socket: socket)
        }
        while peers.count < nodes - 1 {
            let socket = try listener.accept()
            do {
                let (node, purpose) = try Handshake.accept(on: socket, secret: secret, myNode: me)
                guard purpose == .sharedMemory, node >= 0, node < me, peers[node] == nil else {
                    socket.close()
                    continue
                }
                peers[node] = PeerChannel(node: node, socket: socket)
            } catch {
                socket.close()  // without the secret: refused, and the wait goes on
            }
        }
    }

    /// Each node's address (from its card), set before `connect`.
    var hosts: [String] = []
}
