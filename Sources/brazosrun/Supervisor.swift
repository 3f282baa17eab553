import BrazosCore
import Checkpoint
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// One attempt of a job: starts its nodes, acts on what they say on their control
/// connections and on what brazosrun is asked (its signals, the job-control socket), and
/// ends when every node has exited. The first node to fail is named, the others are told
/// and stopped, and the job's exit status says so. Nodes may join a running job whose
/// threads move (`brazosrun join`) and leave it (`brazosrun drain`).
///
/// Each part owns its state under its own lock: `Membership` the nodes and what is
/// decided about them, `FailureDetector` the failures and the signals passed on,
/// `ConfigurationReload` the configuration file, `CheckpointCoordinator` the checkpoints.
/// `NodeSpawner` and `ControlServer` hold nothing that changes. No part's lock is held
/// while another's is taken.
final class Supervisor: Sendable {
    let options: Options
    let jobID: String
    /// Recoveries before this attempt, and when the job's first attempt started
    /// (monotonic seconds), for `brazosrun status`.
    let recoveries: Int
    let jobStarted: Double
    /// Writes each checkpoint's manifest once every node's part is in.
    private let coordinator: CheckpointCoordinator?
    /// The recovery this attempt is, reported as it goes.
    private let recovery: RecoveryProgress?
    private let listener: Socket
    private let secret: [UInt8]
    private let spawner: NodeSpawner
    private let membership: Membership
    private let failures: FailureDetector
    private let configuration: ConfigurationReload
    /// The threads copying the nodes' tagged output, joined once every node has exited.
    private let forwarders = Guarded<[pthread_t]>([])

    init(options: Options, stopRequested: Bool = false, recoveries: Int = 0, jobStarted: Double = monotonicSeconds(),
         recovery: RecoveryProgress? = nil) throws {
        self.options = options
        self.recoveries = recoveries
        self.jobStarted = jobStarted
        self.recovery = recovery
        let jobID = Handshake.randomBytes(6).hexString
        self.jobID = jobID
        secret = Handshake.randomBytes(32)
        listener = try Socket.listen(host: options.controlAddress)
        guard let port = listener.localAddress?.port else { throw BrazosError.lastSystemError("getsockname") }
        spawner = NodeSpawner(options: options, jobID: jobID, secret: secret, port: port)
        membership = Membership(hosts: options.placement, ranks: options.rankPlacement.rankCount, migratable: options.migratable,
                                stopRequested: stopRequested)
        failures = FailureDetector(membership: membership, heartbeat: options.heartbeat, throughSrun: options.srunJob != nil)
        configuration = ConfigurationReload(options: options)
        coordinator = try options.checkpointDirectory.map { CheckpointCoordinator(store: try CheckpointStore(directory: $0), options: options, jobID: jobID) }
    }

    /// Runs the attempt to its end: every node has exited.
    func run() throws -> AttemptOutcome {
        ControlServer(listener: listener, secret: secret, claim: { [membership] in membership.claim($0, $1) },
                      handle: { [self] in try handle($0, from: $1) }, closed: { [self] in connectionClosed($0, $1) }).start()
        if options.displayMap {
            for (node, host) in options.placement.enumerated() {
                let ranks = options.rankPlacement.ranks(of: node), first = ranks.lowerBound, last = ranks.upperBound - 1
                diagnose("brazosrun: node \(node) on \(host): rank\(first == last ? " \(first)" : "s \(first)-\(last)")")
            }
        }
        for (node, host) in options.placement.enumerated() {
            let started = try spawner.start(node: node, on: host, interval: options.checkpointInterval)
            membership.spawned(node, pid: started.pid)
            if let forwarder = started.forwarder { forwarders.withLock { $0.append(forwarder) } }
        }
        NativeThread.spawn { [self] in failures.watchHeartbeats { everyHalfHeartbeat() } }
        failures.reapChildren()
        // Every node has exited; what they wrote last may still be in the pipes.
        for forwarder in forwarders.withLock({ $0 }) { NativeThread.join(forwarder) }
        removeLeftoverSegments()
        let ending = membership.ending, configured = configuration.current
        return AttemptOutcome(status: failures.exitStatus, failure: failures.failure, interrupted: failures.interrupted,
                              stopRequested: ending.stopRequested, plannedStop: ending.plannedStop, evacuated: ending.evacuated,
                              interval: configured.interval, configVersion: configured.version, lastCheckpoint: coordinator?.completed)
    }

    // MARK: The nodes' messages

    private func handle(_ message: NodeMessage, from node: Int) throws {
        switch message {
        case let .hello(card):
            guard card.node == node else { throw BrazosError.malformed("node \(node) sent the card of node \(card.node)") }
            deliver(membership.hello(node, card))
        case let .expecting(joiner):
            deliver(membership.expecting(joiner, by: node))
        case .ready:
            switch membership.ready(node) {
            case .waiting: break
            case let .joinerReady(deliveries): deliver(deliveries)
            case let .allReady(go): start(go)
            }
        case .admitted:
            let (asked, host) = membership.admitted(node)
            diagnose("brazosrun: node \(node) (on \(host)) joined the job: admitted, its first thread arrived \(Int((monotonicSeconds() - asked) * 1000)) ms after the request",
                     level: .info, metadata: ["event": "join", "node": "\(node)"])
        case let .moved(rank, from, to):
            guard to == node else { throw BrazosError.malformed("node \(node) reported a move to node \(to)") }
            diagnose("brazosrun: rank \(rank) moved from node \(from) to node \(node)", level: .debug,
                     metadata: ["event": "migration", "rank": "\(rank)", "from": "\(from)", "to": "\(node)"])
        case let .partWritten(report):
            guard let coordinator else { throw BrazosError.malformed("node \(node) wrote a checkpoint part, but the job has no checkpoint directory") }
            guard report.node == node else { throw BrazosError.malformed("node \(node) reported the part of node \(report.node)") }
            try coordinator.partWritten(report)
        case let .partFailed(epoch, writer, reason):
            coordinator?.partFailed(epoch: epoch, node: writer, reason: reason)
        case let .restored(_, bytes, milliseconds):
            recovery?.restored(node: node, bytes: bytes, milliseconds: milliseconds, of: options.nodes)
        case let .stopping(epoch):
            deliver(membership.stopped(node, at: epoch))
        case let .heartbeat(report):
            membership.heartbeat(node, report)
        case let .signalled(signal):
            evacuate(node, signal: signal)
        case .drained:
            let (asked, exit) = membership.drained(node)
            deliver(exit)
            try coordinator?.nodeLeft(node)
            diagnose("brazosrun: node \(node) drained: its threads and pages are on the other nodes, and it left the job \(formatDuration(monotonicSeconds() - asked)) after the request",
                     level: .info, metadata: ["event": "drained", "node": "\(node)"])
            deliver(membership.exitIfAllDone())
        case .done:
            membership.done(node)
            deliver(membership.exitIfAllDone())
        }
    }

    /// Every first node is ready: they go, then get the requests held until now.
    private func start(_ go: [Delivery]) {
        deliver(go)
        recovery?.connected(nodes: options.nodes)
        let held = membership.markStarted()
        if let change = configuration.changedSinceStart { broadcast(.request(.interval(seconds: change.seconds))) }
        if held.checkpoint { broadcast(.request(.checkpoint)) }
        if held.stop { broadcast(.request(.plannedStop)) }
    }

    /// The exit status, when it comes, says more than the closed connection: it is given
    /// a moment before the connection itself is reported.
    private func connectionClosed(_ node: Int, _ error: any Error) {
        usleep(2_000_000)
        if !membership.isOver(node) { failures.nodeFailed(node, .lostConnection("\(error)")) }
    }

    private func broadcast(_ message: LauncherMessage) { deliver(membership.broadcast(message)) }

    /// The heartbeat watch's tick: a changed configuration file applies, and a drain that
    /// waits long says so.
    private func everyHalfHeartbeat() {
        if let change = configuration.reloadIfChanged(), membership.isStarted {
            broadcast(.request(.interval(seconds: change.seconds)))
        }
        reportLongDrain()
    }

    // MARK: Requests (signals to brazosrun)

    /// SIGUSR1: a checkpoint at the next eligible barrier.
    func requestCheckpoint() {
        guard options.checkpointDirectory != nil else {
            diagnose("brazosrun: SIGUSR1 asks for a checkpoint, but the job has no --checkpoint-dir; ignored")
            return
        }
        if membership.requestCheckpoint() { broadcast(.request(.checkpoint)) }
    }

    /// SIGTERM or SIGPWR: with a checkpoint directory, a checkpoint at the next eligible
    /// barrier and then a clean stop; a second one, or one without, stops the nodes now.
    func requestStop(_ signal: Int32) {
        let (first, started) = membership.requestStop()
        guard first, options.checkpointDirectory != nil else { return forward(SIGTERM) }
        diagnose("brazosrun: \(signalName(signal)): stopping after a checkpoint at the next eligible barrier (send it again to stop now)")
        if started { broadcast(.request(.plannedStop)) }
    }

    /// Sends `signal` to every node process still running. A job ended by the user's
    /// signal is not recovered.
    func forward(_ signal: Int32) {
        if failures.forwarding(signal) { diagnose("brazosrun: \(signalName(signal)): passing it to every node") }
        for pid in membership.runningPids where pid > 0 { kill(pid, signal) }
    }

    /// SIGHUP, or a change to the configuration file: the checkpoint interval it gives is
    /// applied to the running job. Without a configuration file, SIGHUP goes to the nodes.
    func reloadConfiguration(forwarding: Bool) {
        guard configuration.hasFile else { return forwarding ? forward(SIGHUP) : () }
        if let change = configuration.reload(), membership.isStarted { broadcast(.request(.interval(seconds: change.seconds))) }
    }

    /// A node got SIGTERM or SIGPWR from outside (its power is failing, its host is taken
    /// back): with a checkpoint directory, a checkpoint at the next eligible barrier, after
    /// which the job stops and continues from it without that host; without one, the job
    /// stops now (there is nowhere to save it).
    private func evacuate(_ node: Int, signal: Int32) {
        let host = membership.identity(of: node).host, name = signalName(signal)
        // The paper's power-failure handling: move the node's threads away while the others
        // can take them; only if they cannot, save the job and restart it elsewhere.
        if options.migratable {
            let healthy = membership.othersHealthy(than: node, within: 2 * options.heartbeat, failed: failures.failed)
            switch healthy ? drain(node) : .failure(.othersNotAnswering) {
            case .success, .failure(.alreadyDraining):
                diagnose("brazosrun: node \(node) (on \(host)) got \(name): draining it (its threads move to the other nodes)")
                return
            case let .failure(refusal):
                diagnose("brazosrun: node \(node) (on \(host)) got \(name) and cannot be drained (\(refusal))")
            }
        }
        guard options.checkpointDirectory != nil else {
            diagnose("brazosrun: node \(node) (on \(host)) got \(name), and the job has no --checkpoint-dir to save it in; stopping the job")
            return forward(SIGTERM)
        }
        guard let started = membership.evacuate(node, signal: signal) else { return }
        diagnose("brazosrun: node \(node) (on \(host)) got \(name): saving the job at its next eligible barrier, then continuing it without that host")
        if started { broadcast(.request(.plannedStop)) }
    }

    // MARK: Requests (the job-control socket)

    /// `brazosrun drain JOB --node K`: node K's threads move to the others at the next
    /// eligible barrier, its pages get new homes, and it leaves the job. One drain at a
    /// time; never the job's last node. Returns what the operator is told.
    func drain(_ node: Int) -> Result<String, DrainRefusal> {
        let decision = membership.drain(node)
        guard case let .success(host) = decision else { return decision }
        diagnose("brazosrun: draining node \(node) (on \(host)): its threads move to the other nodes at the job's next eligible barrier",
                 level: .info, metadata: ["event": "drain", "node": "\(node)"])
        broadcast(.drain(node: node))
        return .success("node \(node) drains at the job's next eligible barrier")
    }

    /// `brazosrun join JOB [--host H]`: starts a node on `host` (this machine by default;
    /// in a Slurm allocation, the node of the batch script, SlurmAllocation.thisNode) that joins the running job: it connects to every node, and at the job's next
    /// eligible barrier it is admitted and threads move to it. One at a time. Returns what
    /// the operator is told.
    func join(host requested: String?) -> Result<String, JoinRefusal> {
        guard let host = requested ?? (options.srunJob == nil ? "localhost" : SlurmAllocation.thisNode) else {
            return .failure(.slurmNodeNeeded)
        }
        let node: Int
        switch membership.reserveJoiner(on: host) {
        case let .failure(refusal): return .failure(refusal)
        case let .success(reserved): node = reserved
        }
        do {
            let started = try spawner.start(node: node, on: host, interval: configuration.current.interval)
            membership.spawned(node, pid: started.pid)
            if let forwarder = started.forwarder { forwarders.withLock { $0.append(forwarder) } }
        } catch {
            membership.joinerNotStarted(node)
            return .failure(.notStarted(node: node, host: host, error: "\(error)"))
        }
        diagnose("brazosrun: node \(node) (on \(host)) is joining the job; it is admitted at the job's next eligible barrier",
                 level: .info, metadata: ["event": "join", "node": "\(node)"])
        return .success("node \(node) (on \(host)) joins; it is admitted at the job's next eligible barrier")
    }

    /// A drain waits for the job's next eligible barrier, which may be far off: while it
    /// waits, brazosrun says so every `JobConfig.progressInterval` seconds (a heartbeat at
    /// least).
    private func reportLongDrain() {
        guard let waiting = membership.longDrain(every: max(JobConfig.progressInterval, options.heartbeat), after: JobConfig.progressInterval) else { return }
        diagnose("brazosrun: node \(waiting.node) still draining \(formatDuration(waiting.seconds)) after the request: waiting for the job's next "
                 + "eligible barrier (SharedMemory.barrier(by:saving:))", level: .info,
                 metadata: ["event": "drain-waiting", "node": "\(waiting.node)"])
    }

    // MARK: Status

    /// What `brazosrun status` shows of this attempt, taken at once.
    func snapshot() -> JobSnapshot {
        let checkpoint = coordinator?.newestComplete, failed = failures.failed
        let (nodes, running) = membership.view
        return JobSnapshot(options: options, recoveries: recoveries, jobStarted: jobStarted, running: running, nodes: nodes, failed: failed,
                           checkpoint: checkpoint, now: monotonicSeconds())
    }

    /// Those of nodes that died, and, where nodes may join (their segments stay named
    /// while they run), of joined nodes too.
    private func removeLeftoverSegments() {
        for node in 0..<options.nodes + JobConfig.joinLimit { shm_unlink(SharedMemoryLayout.segmentName(job: jobID, node: node)) }
    }
}

/// What an attempt left when it ended, read once every node has exited: `Recovery`
/// decides from it what comes next.
struct AttemptOutcome {
    /// brazosrun's exit status: the failed node's, 128 + the signal that stopped the job, or 0.
    let status: Int32
    let failure: JobFailure?
    /// Ended by a signal of the user's, passed on to the nodes: not recovered.
    let interrupted: Bool
    let stopRequested: Bool
    /// The checkpoint every node stopped at, after a planned stop.
    let plannedStop: Int?
    /// The node that got SIGTERM or SIGPWR from outside, and the signal.
    let evacuated: (node: Int, signal: Int32)?
    /// The checkpoint interval and the configuration file's version as last read.
    let interval: Double?
    let configVersion: String?
    /// The newest checkpoint this attempt completed.
    let lastCheckpoint: Int?
}
