import BrazosCore
import Checkpoint
#if canImport(Glibc)
import Glibc
#endif

/// Starts the nodes of a job, serves their wire-up over authenticated control
/// connections, and watches them: the first node to fail is named, the others are told
/// and stopped, and the job's exit status says so. Nodes may join a running job whose
/// threads move (`brazosrun join`) and leave it (`brazosrun drain`).
final class Supervisor: @unchecked Sendable {
    struct NodeState {
        var pid: pid_t = 0
        var host = ""
        var channel: ControlChannel?
        var card: NodeCard?
        var ready = false
        var done = false
        var exited = false
        var failed = false
        /// When the node last said it was alive (monotonic seconds), once it is ready.
        var heard: Double?
        /// The epoch of the checkpoint the node stopped at, in a planned stop.
        var stoppedAt: Int?
        /// Asked to drain (`brazosrun drain`) and when (monotonic seconds), and then gone
        /// from the job by its own choice.
        var draining = false
        var drainAsked = 0.0
        var drained = false
        /// Started by `brazosrun join` while the job ran; admitted once a thread arrived
        /// there. While it joins: the nodes yet to say they expect its connections, and
        /// when it was asked for (monotonic seconds).
        var joined = false
        var admitted = false
        var awaitedExpecting: Set<Int> = []
        var joinAsked = 0.0

        /// What its last heartbeat said of it (`threads`, `arrivals`, `barriers`).
        var reported: [Substring: Substring] = [:]

        /// In the job now: not drained, and if it joined, admitted.
        var isMember: Bool { !drained && !exited && (!joined || admitted) }
    }

    let options: Options
    let jobID: String
    let secret: [UInt8]
    private let lock = PthreadMutex()
    private var nodes: [NodeState]
    private var firstFailure: (node: Int, status: Int32)?
    /// What ended the job, if a node failed: which node, why, and whether the program
    /// itself chose to exit with an error (then a recovery would only repeat it), and
    /// when it was seen (monotonic seconds).
    private(set) var failure: (node: Int, reason: String, byTheProgram: Bool, at: Double)?
    /// Writes each checkpoint's manifest once every node's part is in.
    let coordinator: CheckpointCoordinator?
    /// A planned stop was asked for (SIGTERM or SIGPWR): each node, once ready, is told.
    private(set) var stopRequested: Bool
    /// The checkpoint every node stopped at, after a planned stop.
    private(set) var plannedStop: Int?
    /// Seconds between checkpoints as last told to the nodes (the configuration file
    /// may change it while the job runs), and the version of that file last read.
    private(set) var interval: Double?
    private(set) var configSeen: String?
    /// Whether the nodes were told to go: requests before that wait for it.
    private var started = false
    private var checkpointRequested = false
    /// The user's signals passed on to the nodes: their end is not a failure to recover
    /// from, and a node one of them kills is not reported as failed.
    private var forwarded: Set<Int32> = []
    var interrupted: Bool { lock.withLock { !forwarded.isEmpty } }
    /// The node that got SIGTERM or SIGPWR from outside: the job stops after a checkpoint
    /// and continues from it without that node's host.
    private(set) var evacuated: (node: Int, signal: String)?
    /// The control port nodes connect to, the node joining now (one at a time), and the
    /// threads that copy the output of nodes that joined.
    private var controlPort: UInt16 = 0
    private var joining: Int?
    private var joinedForwarders: [pthread_t] = []
    /// When brazosrun last said a drain was still waiting (monotonic seconds).
    private var lastDrainReport = 0.0

    /// Recoveries before this attempt, and when the job's first attempt started
    /// (monotonic seconds), for `brazosrun status`.
    let recoveries: Int
    let jobStarted: Double
    /// The recovery this attempt is, reported as it goes.
    private let recovery: RecoveryProgress?

    init(options: Options, stopRequested: Bool = false, recoveries: Int = 0, jobStarted: Double = monotonicSeconds(),
         recovery: RecoveryProgress? = nil) throws {
        self.recoveries = recoveries
        self.recovery = recovery
        self.jobStarted = jobStarted
        self.options = options
        let jobID = Handshake.randomBytes(6).hexString
        self.jobID = jobID
        secret = Handshake.randomBytes(32)
        nodes = Array(repeating: NodeState(), count: options.nodes)
        coordinator = try options.checkpointDirectory.map { CheckpointCoordinator(store: try CheckpointStore(directory: $0), options: options, jobID: jobID) }
        self.stopRequested = stopRequested
        interval = options.checkpointInterval
        configSeen = options.configVersion
    }

    /// Runs the job to its end; returns the exit status for brazosrun.
    func run() throws -> Int32 {
        let listener = try Socket.listen(host: options.controlAddress)
        guard let port = listener.localAddress?.port else { throw BrazosError.lastSystemError("getsockname") }
        lock.withLock { controlPort = port }
        NativeThread.spawn { [self] in acceptNodes(on: listener) }
        if options.displayMap {
            for (node, host) in options.placement.enumerated() {
                let first = node * options.threadsPerNode, last = first + options.threadsPerNode - 1
                diagnose("brazosrun: node \(node) on \(host): rank\(first == last ? " \(first)" : "s \(first)-\(last)")")
            }
        }
        var pids: [pid_t] = []
        var forwarders: [pthread_t] = []
        for (node, host) in options.placement.enumerated() {
            let (pid, output) = try spawn(command(for: host, node: node, port: port), environment: environment(node: node, port: port),
                                          captureOutput: options.tagOutput)
            lock.withLock { nodes[node].pid = pid; nodes[node].host = host }
            pids.append(pid)
            if let output { forwarders.append(NativeThread.spawn { [self] in forwardTagged(output, prefix: tag(node: node)) }) }
        }
        NativeThread.spawn { [self] in watchHeartbeats() }
        reapChildren()
        // Every node has exited; what they wrote last may still be in the pipes.
        for forwarder in forwarders + lock.withLock({ joinedForwarders }) { NativeThread.join(forwarder) }
        removeLeftoverSegments()
        return lock.withLock { firstFailure?.status ?? 0 }
    }

    /// The prefix of a node's output lines: its rank when it hosts one, else the node
    /// (the threads of a node share its standard output).
    private func tag(node: Int) -> String {
        options.threadsPerNode == 1 && node < options.nodes ? "[rank \(node)] " : "[node \(node)] "
    }

    private func isLocal(_ host: String) -> Bool {
        host == "localhost" || host == "127.0.0.1" || host == HostIdentity.name
    }

    private func command(for host: String, node: Int, port: UInt16) -> [String] {
        if isLocal(host) { return options.program }
        let launcher = options.launcher.replacingAll("{host}", with: host).split(separator: " ").map(String.init)
        // `env` carries the job's variables through launchers (ssh) that do not.
        let job = jobVariables(node: node, port: port)
        return launcher + ["env"] + Self.settingsPassedOn(besides: job) + job + options.program
    }

    private func jobVariables(node: Int, port: UInt16) -> [String] {
        var variables = [
            "BRAZOS_JOB=\(jobID)", "BRAZOS_SECRET=\(secret.hexString)", "BRAZOS_NODES=\(options.nodes)",
            "BRAZOS_THREADS_PER_NODE=\(options.threadsPerNode)",
        ]
        variables.append("BRAZOS_NODE=\(node)")
        variables.append("BRAZOS_CONTROL=\(options.controlAddress):\(port)")
        // A node that joins gets its ranks by moves, never from a checkpoint.
        let joining = node >= options.nodes
        if joining { variables.append("BRAZOS_JOINING=1") }
        if options.bindToCore { variables.append("BRAZOS_BIND=core") }
        if let transport = options.transport { variables.append("BRAZOS_TRANSPORT=\(transport)") }
        if options.migratable { variables.append("BRAZOS_MIGRATABLE=1") }
        if let directory = options.checkpointDirectory { variables.append("BRAZOS_CHECKPOINT_DIR=\(directory)") }
        if let epoch = options.restartEpoch, !joining { variables.append("BRAZOS_RESTART_EPOCH=\(epoch)") }
        variables.append("BRAZOS_LOG_FORMAT=\(options.logFormat.rawValue)")
        variables.append("BRAZOS_LOG_LEVEL=\(options.logLevel.rawValue)")
        if let directory = options.localCheckpointDirectory { variables.append("BRAZOS_LOCAL_CHECKPOINT_DIR=\(directory)") }
        if let interval = joining ? lock.withLock({ interval }) : options.checkpointInterval { variables.append("BRAZOS_CHECKPOINT_INTERVAL=\(interval)") }
        variables.append("BRAZOS_HEARTBEAT=\(options.heartbeat)")
        for item in options.exported {
            if item.contains("=") { variables.append(item) }
            else if let value = JobConfig.environment(item) { variables.append("\(item)=\(value)") }
        }
        return variables
    }

    /// Variables brazosrun sets for the job itself: an outer environment's values (another
    /// job's identity, a stale restart epoch) must never reach the nodes.
    private static let setByTheLauncher: Set<Substring> = [
        "BRAZOS_JOB", "BRAZOS_SECRET", "BRAZOS_NODES", "BRAZOS_THREADS_PER_NODE", "BRAZOS_NODE", "BRAZOS_CONTROL",
        "BRAZOS_JOINING", "BRAZOS_BIND", "BRAZOS_CHECKPOINT_DIR", "BRAZOS_RESTART_EPOCH", "BRAZOS_LOG_FORMAT", "BRAZOS_LOG_LEVEL",
        "BRAZOS_LOCAL_CHECKPOINT_DIR", "BRAZOS_CHECKPOINT_INTERVAL", "BRAZOS_HEARTBEAT",
    ]

    /// brazosrun's environment, then the job's variables.
    private func environment(node: Int, port: UInt16) -> [String] {
        let job = jobVariables(node: node, port: port)
        return Self.inherited { !$0.hasPrefix("BRAZOS_") } + Self.settingsPassedOn(besides: job) + job
    }

    /// brazosrun's `BRAZOS_` settings that are not the job's own (the shared region's size,
    /// the transport's tuning, traces): every node gets them as they are, on any host.
    private static func settingsPassedOn(besides job: [String]) -> [String] {
        let given = Set(job.map { $0.prefix { $0 != "=" } })
        return inherited { name in name.hasPrefix("BRAZOS_") && !given.contains(name) && !setByTheLauncher.contains(name) }
    }

    /// The entries of brazosrun's environment whose names `including` accepts.
    private static func inherited(_ including: (Substring) -> Bool) -> [String] {
        var entries: [String] = []
        var entry = environ
        while let pointer = entry.pointee {
            let text = String(cString: pointer)
            if including(text.prefix { $0 != "=" }) { entries.append(text) }
            entry += 1
        }
        return entries
    }

    // MARK: Control connections

    private func acceptNodes(on listener: Socket) {
        while let socket = try? listener.accept() {
            NativeThread.spawn { [self] in serve(socket) }
        }
    }

    private func serve(_ socket: Socket) {
        let node: Int
        do {
            let (claimed, purpose) = try Handshake.accept(on: socket, secret: secret, myNode: Handshake.launcherNode)
            guard purpose == .control, lock.withLock({ nodes.indices.contains(claimed) && nodes[claimed].channel == nil }) else {
                diagnose("brazosrun: refused a control connection claiming node \(claimed)", level: .warning)
                return
            }
            node = claimed
        } catch {
            diagnose("brazosrun: refused a connection from \(socket.remoteAddress?.description ?? "?"): \(error)", level: .warning)
            return
        }
        let channel = ControlChannel(socket: socket)
        lock.withLock { nodes[node].channel = channel }
        while true {
            do {
                let (verb, text) = try channel.receive()
                try handle(verb, text, from: node)
            } catch {
                // The exit status, when it comes, says more than the closed connection:
                // give it a moment before reporting the connection itself.
                usleep(2_000_000)
                let clean = lock.withLock { nodes[node].done || nodes[node].exited }
                if !clean { nodeFailed(node, reason: "its control connection closed (\(error))", status: 1) }
                return
            }
        }
    }

    private func handle(_ verb: String, _ text: Substring, from node: Int) throws {
        switch verb {
        case "hello" where node >= options.nodes:
            let card = try NodeCard(parsing: text)
            guard card.node == node else { throw BrazosError.malformed("node \(node) sent the card of node \(card.node)") }
            greetJoiner(node, card)
        case "expecting":
            guard let joiner = Int(text) else { throw BrazosError.malformed("node \(node) expects '\(text)'") }
            expecting(joiner, by: node)
        case "ready" where node >= options.nodes:
            admit(node)
        case "admitted":
            let (asked, host) = lock.withLock { () -> (Double, String) in
                nodes[node].admitted = true
                if joining == node { joining = nil }
                return (nodes[node].joinAsked, nodes[node].host)
            }
            diagnose("brazosrun: node \(node) (on \(host)) joined the job: admitted, its first thread arrived \(Int((monotonicSeconds() - asked) * 1000)) ms after the request", level: .info, metadata: ["event": "join", "node": "\(node)"])
        case "moved":
            let words = text.split(separator: " ")
            guard words.count == 3, let rank = Int(words[0]), let from = Int(words[1]), Int(words[2]) == node else {
                throw BrazosError.malformed("node \(node) reported a move as '\(text)'")
            }
            diagnose("brazosrun: rank \(rank) moved from node \(from) to node \(node)", level: .debug,
                     metadata: ["event": "migration", "rank": "\(rank)", "from": "\(from)", "to": "\(node)"])
        case "hello":
            let card = try NodeCard(parsing: text)
            guard card.node == node else { throw BrazosError.malformed("node \(node) sent the card of node \(card.node)") }
            let table: String? = lock.withLock {
                nodes[node].card = card
                let cards = nodes.compactMap(\.card)
                return cards.count == options.nodes ? NodeCard.encodeTable(cards) : nil
            }
            if let table { broadcast("peers", table) }
        case "ready":
            let all = lock.withLock { nodes[node].ready = true; nodes[node].heard = monotonicSeconds(); return nodes.allSatisfy(\.ready) }
            guard all else { return }
            broadcast("go")
            recovery?.connected(nodes: options.nodes)
            // Requests that came before the nodes could hear them.
            let (stop, checkpoint, changed) = lock.withLock { () -> (Bool, Bool, Double?) in
                started = true
                return (stopRequested, checkpointRequested, interval != options.checkpointInterval ? interval ?? 0 : nil)
            }
            if let changed { broadcast("interval", "\(changed)") }
            if checkpoint { broadcast("checkpoint") }
            if stop { broadcast("shutdown") }
        case "part":
            guard let coordinator else { throw BrazosError.malformed("node \(node) wrote a checkpoint part, but the job has no checkpoint directory") }
            try coordinator.partWritten(text, from: node)
        case "restored":
            try recovery?.restored(text, node: node, of: options.nodes)
        case "part-failed":
            coordinator?.partFailed(text, from: node)
        case "stopping":
            let all = lock.withLock { () -> Bool in
                nodes[node].stoppedAt = Int(text)
                nodes[node].done = true
                return nodes.allSatisfy { $0.stoppedAt != nil || $0.drained || ($0.joined && !$0.admitted) }
            }
            if all {
                lock.withLock { plannedStop = nodes.compactMap(\.stoppedAt).max() }
                broadcast("stop")
            }
        case "heartbeat":
            var reported: [Substring: Substring] = [:]
            for word in text.split(separator: " ") {
                guard let equals = word.firstIndex(of: "=") else { throw BrazosError.malformed("node \(node)'s heartbeat says '\(word)'") }
                reported[word[..<equals]] = word[word.index(after: equals)...]
            }
            lock.withLock {
                nodes[node].heard = monotonicSeconds()
                nodes[node].reported = reported
            }
        case "signalled":
            evacuate(node, signal: String(text))
        case "drained":
            let asked = lock.withLock {
                nodes[node].drained = true
                nodes[node].done = true
                return nodes[node].drainAsked
            }
            // It waits for this before exiting, so its exit is never taken for a failure.
            send("exit", to: node)
            try coordinator?.nodeLeft(node)
            diagnose("brazosrun: node \(node) drained: its threads and pages are on the other nodes, and it left the job \(formatDuration(monotonicSeconds() - asked)) after the request",
                     level: .info, metadata: ["event": "drained", "node": "\(node)"])
            exitIfAllDone()
        case "done":
            lock.withLock { nodes[node].done = true }
            exitIfAllDone()
        default:
            throw BrazosError.malformed("unknown control message '\(verb)' from node \(node)")
        }
    }

    /// Once every node is done, they may exit; a node still joining then has nothing to
    /// join, and is told so.
    private func exitIfAllDone() {
        let (all, unneeded) = lock.withLock { () -> (Bool, [ControlChannel]) in
            let pending = nodes.indices.filter { !nodes[$0].done }
            guard pending.allSatisfy({ nodes[$0].joined && !nodes[$0].admitted }) else { return (false, []) }
            for index in pending { nodes[index].done = true }
            joining = nil
            return (true, pending.compactMap { nodes[$0].channel })
        }
        for channel in unneeded { try? channel.send("unneeded") }
        if all { broadcast("exit") }
    }

    private func broadcast(_ verb: String, _ text: String = "", except skipped: Int? = nil) {
        let channels = lock.withLock { nodes.enumerated().filter { $0.offset != skipped }.compactMap(\.element.channel) }
        for channel in channels { try? channel.send(verb, text) }
    }

    // MARK: Requests (signals to brazosrun)

    /// SIGUSR1: a checkpoint at the next eligible barrier.
    func requestCheckpoint() {
        guard options.checkpointDirectory != nil else {
            diagnose("brazosrun: SIGUSR1 asks for a checkpoint, but the job has no --checkpoint-dir; ignored")
            return
        }
        if lock.withLock({ checkpointRequested = !started; return started }) { broadcast("checkpoint") }
    }

    /// SIGTERM or SIGPWR: with a checkpoint directory, a checkpoint at the next eligible
    /// barrier and then a clean stop; a second one, or one without, stops the nodes now.
    func requestStop(_ signal: Int32) {
        let first = lock.withLock { () -> Bool in
            defer { stopRequested = true }
            return !stopRequested
        }
        guard first, options.checkpointDirectory != nil else { return forward(SIGTERM) }
        diagnose("brazosrun: \(signalName(signal)): stopping after a checkpoint at the next eligible barrier (send it again to stop now)")
        if lock.withLock({ started }) { broadcast("shutdown") }
    }

    /// A node got SIGTERM or SIGPWR from outside (its power is failing, its host is taken
    /// back): with a checkpoint directory, a checkpoint at the next eligible barrier, after
    /// which the job stops and continues from it without that host; without one, the job
    /// stops now (there is nowhere to save it).
    private func evacuate(_ node: Int, signal: String) {
        let host = lock.withLock { nodes[node].host }
        // The paper's power-failure handling: move the node's threads away while the others
        // can take them; only if they cannot, save the job and restart it elsewhere.
        if options.migratable {
            let healthy = othersHealthy(than: node)
            let answer = healthy ? drain(node) : "refused: another node is not answering its heartbeats"
            if answer.hasPrefix("ok") || answer.contains("draining already") {
                diagnose("brazosrun: node \(node) (on \(host)) got \(signal): draining it (its threads move to the other nodes)")
                return
            }
            diagnose("brazosrun: node \(node) (on \(host)) got \(signal) and cannot be drained (\(answer.dropFirst("refused: ".count)))")
        }
        guard options.checkpointDirectory != nil else {
            diagnose("brazosrun: node \(node) (on \(host)) got \(signal), and the job has no --checkpoint-dir to save it in; stopping the job")
            return forward(SIGTERM)
        }
        let (first, running) = lock.withLock { () -> (Bool, Bool) in
            guard evacuated == nil && !stopRequested else { return (false, started) }
            evacuated = (node, signal)
            stopRequested = true
            return (true, started)
        }
        guard first else { return }
        diagnose("brazosrun: node \(node) (on \(host)) got \(signal): saving the job at its next eligible barrier, then continuing it without that host")
        if running { broadcast("shutdown") }
    }

    /// Whether every node but `node` that is still in the job runs and was heard from
    /// within two heartbeat periods.
    private func othersHealthy(than node: Int) -> Bool {
        let now = monotonicSeconds()
        return lock.withLock {
            nodes.indices.allSatisfy { other in
                other == node || nodes[other].drained || (nodes[other].joined && !nodes[other].admitted)
                    || (!nodes[other].failed && !nodes[other].exited && nodes[other].heard.map { now - $0 < 2 * options.heartbeat } == true)
            }
        }
    }

    /// `brazosrun drain JOB --node K` (through the job-control socket): node K's threads
    /// move to the others at the next eligible barrier, its pages get new homes, and it
    /// leaves the job. One drain at a time; never the job's last node.
    func drain(_ node: Int) -> String {
        guard options.migratable else { return "refused: job \(getpid()) was not started with --migratable (its threads cannot move)" }
        let refusal: String? = lock.withLock {
            if !started { return "refused: the job is still starting; ask again" }
            guard nodes.indices.contains(node), !nodes[node].joined || nodes[node].admitted || nodes[node].drained else {
                return "refused: node \(node) is not in the job (its nodes are \(nodes.indices.filter { nodes[$0].isMember }.map(String.init).joined(separator: ",")))"
            }
            if nodes[node].drained { return "refused: node \(node) has drained already" }
            if let joiner = joining { return "refused: node \(joiner) is joining; ask again once it is admitted" }
            if nodes[node].draining { return "refused: node \(node) is draining already" }
            if let other = nodes.indices.first(where: { nodes[$0].draining && !nodes[$0].drained }) {
                return "refused: node \(other) is draining; ask again once it has left"
            }
            if stopRequested { return "refused: the job is stopping" }
            if !nodes.indices.contains(where: { $0 != node && !nodes[$0].drained }) { return "refused: node \(node) is the job's last node" }
            nodes[node].draining = true
            nodes[node].drainAsked = monotonicSeconds()
            return nil
        }
        if let refusal { return refusal }
        let host = lock.withLock { nodes[node].host }
        diagnose("brazosrun: draining node \(node) (on \(host)): its threads move to the other nodes at the job's next eligible barrier", level: .info, metadata: ["event": "drain", "node": "\(node)"])
        broadcast("drain", "\(node)")
        return "ok: node \(node) drains at the job's next eligible barrier"
    }

    // MARK: Status

    /// What `brazosrun status` shows of this attempt, taken at once.
    func snapshot() -> JobSnapshot {
        let checkpoint = coordinator?.newestComplete
        return lock.withLock {
            JobSnapshot(options: options, recoveries: recoveries, jobStarted: jobStarted, running: started, nodes: nodes,
                        checkpoint: checkpoint, now: monotonicSeconds())
        }
    }

    // MARK: Joining

    /// `brazosrun join JOB [--host H]`: starts a node on `host` (this machine by default)
    /// that joins the running job: it connects to every node, and at the job's next
    /// eligible barrier it is admitted and threads move to it. One at a time.
    func join(host requested: String?) -> String {
        guard options.migratable else { return "refused: job \(getpid()) was not started with --migratable (no thread could move to a new node)" }
        let decision: Result<(node: Int, host: String, port: UInt16), JoinRefusal> = lock.withLock {
            if !started { return .failure(.init("the job is still starting; ask again")) }
            if stopRequested { return .failure(.init("the job is stopping")) }
            if let joiner = joining { return .failure(.init("node \(joiner) is joining; ask again once it is admitted")) }
            if let other = nodes.indices.first(where: { nodes[$0].draining && !nodes[$0].drained }) {
                return .failure(.init("node \(other) is draining; ask again once it has left"))
            }
            let ranks = options.nodes * options.threadsPerNode, members = nodes.filter(\.isMember).count
            guard ranks > members else { return .failure(.init("the job's \(ranks) threads are one per node already; a new node would get none")) }
            guard nodes.count < options.nodes + JobConfig.joinLimit else {
                return .failure(.init("\(JobConfig.joinLimit) nodes have joined this job already, the most one job takes"))
            }
            var state = NodeState()
            state.host = requested ?? "localhost"
            state.joined = true
            state.joinAsked = monotonicSeconds()
            nodes.append(state)
            joining = nodes.count - 1
            return .success((nodes.count - 1, state.host, controlPort))
        }
        let (node, host, port): (Int, String, UInt16)
        switch decision {
        case let .failure(refusal): return "refused: \(refusal.reason)"
        case let .success(chosen): (node, host, port) = chosen
        }
        do {
            let (pid, output) = try spawn(command(for: host, node: node, port: port), environment: environment(node: node, port: port),
                                          captureOutput: options.tagOutput)
            let forwarder = output.map { output in NativeThread.spawn { [self] in forwardTagged(output, prefix: tag(node: node)) } }
            lock.withLock {
                nodes[node].pid = pid
                if let forwarder { joinedForwarders.append(forwarder) }
            }
        } catch {
            lock.withLock {
                nodes[node].exited = true
                nodes[node].done = true
                joining = nil
            }
            return "refused: node \(node) could not be started on \(host): \(error)"
        }
        diagnose("brazosrun: node \(node) (on \(host)) is joining the job; it is admitted at the job's next eligible barrier", level: .info, metadata: ["event": "join", "node": "\(node)"])
        return "ok: node \(node) (on \(host)) joins; it is admitted at the job's next eligible barrier"
    }

    private struct JoinRefusal: Error {
        let reason: String
        init(_ reason: String) { self.reason = reason }
    }

    /// A joining node said hello: every node in the job is told to expect its
    /// connections; once all have said they do, it gets the cards.
    private func greetJoiner(_ node: Int, _ card: NodeCard) {
        let (members, ended) = lock.withLock { () -> ([ControlChannel], Bool) in
            nodes[node].card = card
            let members = nodes.indices.filter { nodes[$0].isMember }
            nodes[node].awaitedExpecting = Set(members)
            return (members.compactMap { nodes[$0].channel }, nodes[node].done)
        }
        if ended { return send("unneeded", to: node) }
        for channel in members { try? channel.send("joining", "\(node)") }
    }

    /// Node `member` expects the connections of joining node `joiner`: once every node
    /// in the job does, the joiner gets every card (those of nodes gone too: the table is
    /// indexed by node) and the list of the nodes in the job.
    private func expecting(_ joiner: Int, by member: Int) {
        let answer: (table: String, members: String)? = lock.withLock {
            guard nodes.indices.contains(joiner), nodes[joiner].joined, nodes[joiner].awaitedExpecting.remove(member) != nil,
                  nodes[joiner].awaitedExpecting.isEmpty else { return nil }
            let cards = nodes[...joiner].compactMap(\.card)
            let members = nodes.indices.filter { nodes[$0].isMember } + [joiner]
            return (NodeCard.encodeTable(cards), members.map(String.init).joined(separator: ","))
        }
        guard let answer else { return }
        send("peers", answer.table, to: joiner)
        send("members", answer.members, to: joiner)
    }

    /// The joining node is connected to every node: it goes on, and the nodes admit it at
    /// the next eligible barrier.
    private func admit(_ node: Int) {
        let members = lock.withLock { () -> [ControlChannel] in
            nodes[node].ready = true
            nodes[node].heard = monotonicSeconds()
            return nodes.indices.filter { nodes[$0].isMember }.compactMap { nodes[$0].channel }
        }
        send("go", to: node)
        for channel in members { try? channel.send("admit", "\(node)") }
    }

    private func send(_ verb: String, _ text: String = "", to node: Int) {
        try? lock.withLock { nodes[node].channel }?.send(verb, text)
    }

    /// Sends `signal` to every node process still running. A job ended by the user's
    /// signal is not recovered.
    func forward(_ signal: Int32) {
        let first = lock.withLock { forwarded.insert(signal).inserted }
        if first { diagnose("brazosrun: \(signalName(signal)): passing it to every node") }
        for pid in lock.withLock({ nodes.filter { !$0.exited }.map(\.pid) }) where pid > 0 { kill(pid, signal) }
    }

    /// SIGHUP, or a change to the configuration file: the checkpoint interval it gives is
    /// applied to the running job. Without a configuration file, SIGHUP goes to the nodes.
    func reloadConfiguration(forwarding: Bool) {
        guard let path = options.configFile else { return forwarding ? forward(SIGHUP) : () }
        let version = ConfigFile.version(path)
        lock.withLock { configSeen = version }
        do {
            var reloaded = options
            reloaded.checkpointInterval = nil
            try reloaded.apply(try ConfigFile.read(path))
            let changed = lock.withLock { () -> Bool in
                defer { interval = reloaded.checkpointInterval }
                return interval != reloaded.checkpointInterval
            }
            guard changed else { return }
            let text = reloaded.checkpointInterval.map { "every \(format1($0)) s" } ?? "only when asked"
            diagnose("brazosrun: \(path) changed: checkpoints \(text) from now on", level: .info)
            if lock.withLock({ started }) { broadcast("interval", "\(reloaded.checkpointInterval ?? 0)") }
        } catch {
            diagnose("brazosrun: \(path) changed but cannot be used: \(error); keeping the settings in force", level: .warning)
        }
    }

    /// Reloads the configuration file if it changed since last seen.
    private func noticeConfigurationChange() {
        guard let path = options.configFile else { return }
        guard ConfigFile.version(path) != lock.withLock({ configSeen }) else { return }
        reloadConfiguration(forwarding: false)
    }

    // MARK: Failures

    /// Names the failed node once, tells every other node, and stops them if they do
    /// not stop by themselves within a few seconds.
    private func nodeFailed(_ node: Int, reason: String, status: Int32) {
        let first: Bool = lock.withLock {
            guard !nodes[node].failed else { return false }
            nodes[node].failed = true
            if firstFailure == nil {
                firstFailure = (node, status)
                failure = (node, reason, reason.hasPrefix("exited with status"), monotonicSeconds())
                return true
            }
            return false
        }
        guard first else { return }
        let (pid, host) = lock.withLock { (nodes[node].pid, nodes[node].host) }
        diagnose("brazosrun: node \(node) (pid \(pid) on \(host)) failed: \(reason); stopping the job", level: .error, metadata: ["event": "failure", "node": "\(node)"])
        broadcast("failed", "\(node) (pid \(pid) on \(host)) failed: \(reason)", except: node)
        NativeThread.spawn { [self] in
            usleep(3_000_000)
            let survivors = lock.withLock { nodes.filter { !$0.exited }.map(\.pid) }
            for pid in survivors where pid > 0 { kill(pid, SIGKILL) }
        }
    }

    /// A ready node that stays silent for 5 heartbeat periods (at least 2 s) is hung or
    /// cut off: it is named, killed, and the job stops (or recovers) as for a dead node.
    private func watchHeartbeats() {
        let limit = max(5 * options.heartbeat, 2)
        while true {
            usleep(UInt32(min(options.heartbeat, 1) * 500_000))
            let (silent, over): (Int?, Bool) = lock.withLock {
                let over = nodes.allSatisfy { $0.exited } || firstFailure != nil
                let now = monotonicSeconds()
                return (nodes.indices.first { !nodes[$0].done && !nodes[$0].exited && nodes[$0].heard.map { now - $0 > limit } ?? false }, over)
            }
            if over { return }
            noticeConfigurationChange()
            reportLongDrain()
            guard let silent else { continue }
            let pid = lock.withLock { nodes[silent].pid }
            nodeFailed(silent, reason: "sent no heartbeat for \(Int(limit)) s (hung or cut off)", status: 1)
            if pid > 0 { kill(pid, SIGKILL) }
            return
        }
    }

    /// A drain waits for the job's next eligible barrier, which may be far off: while it
    /// waits, brazosrun says so every `JobConfig.progressInterval` seconds (a heartbeat at
    /// least).
    private func reportLongDrain() {
        let now = monotonicSeconds()
        let waiting: (node: Int, seconds: Double)? = lock.withLock {
            guard let node = nodes.indices.first(where: { nodes[$0].draining && !nodes[$0].drained }),
                  now - lastDrainReport >= max(JobConfig.progressInterval, options.heartbeat) else { return nil }
            lastDrainReport = now
            let seconds = now - nodes[node].drainAsked
            return seconds >= JobConfig.progressInterval ? (node, seconds) : nil
        }
        guard let waiting else { return }
        diagnose("brazosrun: node \(waiting.node) still draining \(formatDuration(waiting.seconds)) after the request: waiting for the job's next "
                 + "eligible barrier (SharedMemory.barrier(by:saving:))", level: .info,
                 metadata: ["event": "drain-waiting", "node": "\(waiting.node)"])
    }

    private func reapChildren() {
        while true {
            var status: Int32 = 0
            let pid = waitpid(-1, &status, 0)
            if pid < 0 {
                if errno == EINTR { continue }
                return  // ECHILD: every node has been reaped
            }
            handleExit(of: pid, status: status)
        }
    }

    private func handleExit(of pid: pid_t, status: Int32) {
        guard let node = lock.withLock({ nodes.firstIndex { $0.pid == pid } }) else { return }
        let (done, greeted, othersGreeted) = lock.withLock { () -> (Bool, Bool, Bool) in
            nodes[node].exited = true
            return (nodes[node].done, nodes[node].card != nil, nodes.contains { $0.card != nil })
        }
        let exitCode = (status & 0x7f) == 0 ? (status >> 8) & 0xff : -1
        let signal = status & 0x7f
        if exitCode > 0 {
            reapCausesOfFailure()
            nodeFailed(node, reason: "exited with status \(exitCode)", status: exitCode)
        } else if exitCode < 0 && lock.withLock({ forwarded.contains(signal) }) {
            // Ended by the signal brazosrun passed on: the user's stop, not a failure.
            lock.withLock { if firstFailure == nil { firstFailure = (node, 128 + signal) } }
        } else if exitCode < 0 {
            nodeFailed(node, reason: "was killed by \(signalName(signal))", status: 128 + signal)
        } else if !done && (greeted || othersGreeted) {
            nodeFailed(node, reason: "exited before the job ended", status: 1)
        }
    }

    /// A node that exits with an error just after another node died is usually that
    /// death's casualty (it lost its peer), and may be reaped first: other nodes that end
    /// within a moment are handled before it, so the death, not the casualty, is named
    /// (and the job recovers instead of taking the casualty for the program's choice).
    private func reapCausesOfFailure() {
        for _ in 0..<30 {
            var status: Int32 = 0
            let pid = waitpid(-1, &status, WNOHANG)
            if pid > 0 { handleExit(of: pid, status: status) } else if pid == 0 { usleep(10_000) } else { return }
        }
    }

    private func removeLeftoverSegments() {
        for node in 0..<options.nodes { shm_unlink(SharedMemoryLayout.segmentName(job: jobID, node: node)) }
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
