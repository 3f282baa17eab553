import BrazosCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A message to send once `Membership`'s lock is let go.
struct Delivery {
    let channel: NodeConnection
    let message: LauncherMessage
}

/// Sends each message; a node whose connection is gone is the failure detector's concern.
func deliver(_ deliveries: [Delivery]) {
    for delivery in deliveries { try? delivery.channel.send(delivery.message) }
}

/// The nodes of one attempt and what brazosrun decides about them: their phases as
/// their control messages move them on, who is in the job (joins, drains, admissions),
/// and the job-wide facts those decisions need (told to go, a planned stop). One mutex
/// guards it all; no other lock is taken under it, and messages are returned as
/// `Delivery`s, sent after it is let go.
final class Membership: Sendable {
    /// The nodes the job started with (`0..<firstNodes`); joining nodes are numbered past them.
    let firstNodes: Int
    private let ranks: Int
    private let migratable: Bool
    private let state: Guarded<State>

    private struct State {
        var nodes: [NodeRecord]
        /// Whether the nodes were told to go: requests before that wait for it.
        var started = false
        var checkpointHeld = false
        var stopRequested: Bool
        /// The checkpoint every node stopped at, after a planned stop.
        var plannedStop: Int?
        /// The node that got SIGTERM or SIGPWR from outside, and the signal: the job stops
        /// after a checkpoint and continues from it without that node's host.
        var evacuated: (node: Int, signal: Int32)?
        /// The node joining now (one at a time).
        var joining: Int?
        /// When brazosrun last said a drain was still waiting (monotonic seconds).
        var lastDrainReport = 0.0
    }

    init(hosts: [String], ranks: Int, migratable: Bool, stopRequested: Bool) {
        firstNodes = hosts.count
        self.ranks = ranks
        self.migratable = migratable
        state = Guarded(State(nodes: hosts.map { NodeRecord(host: $0, joined: false) }, stopRequested: stopRequested))
    }

    // MARK: Processes and connections

    func spawned(_ node: Int, pid: pid_t) {
        state.withLock { state in state.nodes[node].process = .running(pid) }
    }

    /// The control connection of `node`, which the handshake says it is: false if the
    /// node is not one of the job's or has a connection already.
    func claim(_ node: Int, _ channel: NodeConnection) -> Bool {
        state.withLock { state in
            guard state.nodes.indices.contains(node), state.nodes[node].channel == nil else { return false }
            state.nodes[node].channel = channel
            return true
        }
    }

    /// The process `pid` ended: which node it was, whether that node had finished, and
    /// whether it, or any node, had said hello.
    func processEnded(_ pid: pid_t) -> (node: Int, finished: Bool, greeted: Bool, anyGreeted: Bool)? {
        state.withLock { state in
            guard let node = state.nodes.firstIndex(where: { $0.process == .running(pid) }) else { return nil }
            state.nodes[node].process = .ended(pid)
            return (node, state.nodes[node].phase.hasFinished, state.nodes[node].card != nil, state.nodes.contains { $0.card != nil })
        }
    }

    /// Whether `node` has said all it will say, or its process ended.
    func isOver(_ node: Int) -> Bool {
        state.withLock { state in state.nodes[node].phase.hasFinished || state.nodes[node].hasExited }
    }

    var allExited: Bool { state.withLock { state in state.nodes.allSatisfy(\.hasExited) } }

    var runningPids: [pid_t] {
        state.withLock { state in state.nodes.compactMap { if case let .running(pid) = $0.process { return pid }; return nil } }
    }

    func identity(of node: Int) -> (pid: pid_t, host: String) {
        state.withLock { state in (state.nodes[node].pid, state.nodes[node].host) }
    }

    /// `message` to every node with a connection but `skipped`.
    func broadcast(_ message: LauncherMessage, except skipped: Int? = nil) -> [Delivery] {
        state.withLock { state in
            state.nodes.indices.filter { $0 != skipped }.compactMap { state.nodes[$0].channel.map { Delivery(channel: $0, message: message) } }
        }
    }

    func send(_ message: LauncherMessage, to node: Int) -> [Delivery] {
        state.withLock { state in state.nodes[node].channel.map { [Delivery(channel: $0, message: message)] } ?? [] }
    }

    // MARK: Wire-up

    /// `node` said hello with `card`. The first nodes get every card once all have said
    /// it; every node in the job is told to expect a joining node's connections (or the
    /// joining node, if the job has ended meanwhile, that it is not needed).
    func hello(_ node: Int, _ card: NodeCard) -> [Delivery] {
        state.withLock { state in
            state.nodes[node].card = card
            if state.nodes[node].phase == .starting { state.nodes[node].phase = .connected }
            guard state.nodes[node].joined else {
                let cards = state.nodes.compactMap(\.card)
                guard cards.count == firstNodes else { return [] }
                return state.nodes.compactMap { $0.channel.map { Delivery(channel: $0, message: .peers(cards)) } }
            }
            if state.nodes[node].phase == .unneeded { return state.nodes[node].channel.map { [Delivery(channel: $0, message: .unneeded)] } ?? [] }
            let members = state.nodes.indices.filter { state.nodes[$0].isMember }
            state.nodes[node].awaitedExpecting = Set(members)
            return members.compactMap { state.nodes[$0].channel.map { Delivery(channel: $0, message: .joining(card)) } }
        }
    }

    /// `member` expects the connections of joining node `joiner`: once every node in the
    /// job does, the joiner gets every card (those of nodes gone too: the table is indexed
    /// by node) and the list of the nodes in the job.
    func expecting(_ joiner: Int, by member: Int) -> [Delivery] {
        state.withLock { state in
            guard state.nodes.indices.contains(joiner), state.nodes[joiner].joined, state.nodes[joiner].awaitedExpecting.remove(member) != nil,
                  state.nodes[joiner].awaitedExpecting.isEmpty, let channel = state.nodes[joiner].channel else { return [] }
            let cards = state.nodes[...joiner].compactMap(\.card)
            let members = state.nodes.indices.filter { state.nodes[$0].isMember } + [joiner]
            return [Delivery(channel: channel, message: .peers(cards)), Delivery(channel: channel, message: .members(members))]
        }
    }

    enum Readiness {
        /// Others are not ready yet.
        case waiting
        /// Every first node is ready: tell them all to go, then `markStarted`.
        case allReady([Delivery])
        /// A joining node is connected to every node: it goes on, and the members admit it
        /// at their next eligible barrier.
        case joinerReady([Delivery])
    }

    /// `node` said its links are up.
    func ready(_ node: Int) -> Readiness {
        state.withLock { state in
            state.nodes[node].heard = monotonicSeconds()
            guard !state.nodes[node].joined else {
                // One the job ended for meanwhile was told it is not needed, and leaves.
                guard state.nodes[node].phase == .connected else { return .waiting }
                state.nodes[node].phase = .awaitingAdmission
                let admit = state.nodes.indices.filter { state.nodes[$0].isMember }.compactMap { state.nodes[$0].channel.map { Delivery(channel: $0, message: .admit(node: node)) } }
                return .joinerReady((state.nodes[node].channel.map { [Delivery(channel: $0, message: .go)] } ?? []) + admit)
            }
            state.nodes[node].phase = .ready
            guard state.nodes.allSatisfy({ $0.phase == .ready }) else { return .waiting }
            for index in state.nodes.indices { state.nodes[index].phase = .running }
            return .allReady(state.nodes.compactMap { $0.channel.map { Delivery(channel: $0, message: .go) } })
        }
    }

    /// The nodes were told to go: requests go to them directly from now on. Returns those
    /// held until now (a checkpoint, a planned stop).
    func markStarted() -> (checkpoint: Bool, stop: Bool) {
        state.withLock { state in
            state.started = true
            return (state.checkpointHeld, state.stopRequested)
        }
    }

    var isStarted: Bool { state.withLock { state in state.started } }

    // MARK: Running

    func heartbeat(_ node: Int, _ report: [String: Int]) {
        state.withLock { state in
            state.nodes[node].heard = monotonicSeconds()
            state.nodes[node].reported = report
        }
    }

    /// The first node (not finished, not exited) silent for more than `limit` seconds.
    func silentNode(limit: Double) -> Int? {
        let now = monotonicSeconds()
        return state.withLock { state in
            state.nodes.indices.first { !state.nodes[$0].phase.hasFinished && !state.nodes[$0].hasExited && state.nodes[$0].heard.map { now - $0 > limit } ?? false }
        }
    }

    /// Whether every node but `node` still in the job runs and was heard from within
    /// `within` seconds (`failed`: the nodes taken for failed).
    func othersHealthy(than node: Int, within: Double, failed: Set<Int>) -> Bool {
        let now = monotonicSeconds()
        return state.withLock { state in
            state.nodes.indices.allSatisfy { other in
                other == node || state.nodes[other].phase == .drained || !state.nodes[other].wasAdmitted
                    || (!failed.contains(other) && !state.nodes[other].hasExited && state.nodes[other].heard.map { now - $0 < within } == true)
            }
        }
    }

    /// A checkpoint was asked for: true if the nodes can be told now, else it waits for them.
    func requestCheckpoint() -> Bool {
        state.withLock { state in
            state.checkpointHeld = !state.started
            return state.started
        }
    }

    /// A planned stop was asked for: whether it is the first request, and whether the
    /// nodes can be told now.
    func requestStop() -> (first: Bool, started: Bool) {
        state.withLock { state in
            defer { state.stopRequested = true }
            return (!state.stopRequested, state.started)
        }
    }

    /// `node` got `signal` from outside and cannot be drained: a planned stop after which
    /// the job continues without its host. Nil if a stop is under way already; else
    /// whether the nodes can be told now.
    func evacuate(_ node: Int, signal: Int32) -> Bool? {
        state.withLock { state in
            guard state.evacuated == nil && !state.stopRequested else { return nil }
            state.evacuated = (node, signal)
            state.stopRequested = true
            return state.started
        }
    }

    /// `node` stopped at checkpoint `epoch` in a planned stop: once every node in the job
    /// has, they are all told to stop.
    func stopped(_ node: Int, at epoch: Int) -> [Delivery] {
        state.withLock { state in
            state.nodes[node].phase = .stopped(epoch: epoch)
            let stoppedAt = state.nodes.compactMap { if case let .stopped(epoch) = $0.phase { return epoch }; return nil }
            guard state.nodes.allSatisfy({ if case .stopped = $0.phase { return true }; return $0.phase == .drained || !$0.wasAdmitted }) else { return [] }
            state.plannedStop = stoppedAt.max()
            return state.nodes.compactMap { $0.channel.map { Delivery(channel: $0, message: .stop) } }
        }
    }

    /// `node` is done.
    func done(_ node: Int) {
        state.withLock { state in state.nodes[node].phase = .done }
    }

    /// Once every node is done, they may exit; a node still joining then has nothing to
    /// join, and is told so.
    func exitIfAllDone() -> [Delivery] {
        state.withLock { state in
            let pending = state.nodes.indices.filter { !state.nodes[$0].phase.hasFinished }
            guard pending.allSatisfy({ !state.nodes[$0].wasAdmitted }) else { return [] }
            for node in pending { state.nodes[node].phase = .unneeded }
            state.joining = nil
            let unneeded = pending.compactMap { state.nodes[$0].channel.map { Delivery(channel: $0, message: .unneeded) } }
            return unneeded + state.nodes.compactMap { $0.channel.map { Delivery(channel: $0, message: .exit) } }
        }
    }

    /// What an attempt that has ended leaves for the next: whether a stop was asked for,
    /// the checkpoint every node stopped at, and the node that asked to be evacuated.
    var ending: (stopRequested: Bool, plannedStop: Int?, evacuated: (node: Int, signal: Int32)?) {
        state.withLock { state in (state.stopRequested, state.plannedStop, state.evacuated) }
    }

    // MARK: Drains

    /// Asks `node` to drain: one drain at a time, none while a node joins or the job
    /// starts or stops, never the job's last node.
    func drain(_ node: Int) -> Result<String, DrainRefusal> {
        guard migratable else { return .failure(.notMigratable) }
        return state.withLock { state in
            if !state.started { return .failure(.stillStarting) }
            guard state.nodes.indices.contains(node), state.nodes[node].wasAdmitted else {
                return .failure(.notInJob(node: node, members: state.nodes.indices.filter { state.nodes[$0].isMember }))
            }
            if state.nodes[node].phase == .drained { return .failure(.alreadyDrained(node: node)) }
            if let joiner = state.joining { return .failure(.joinUnderWay(joiner: joiner)) }
            if state.nodes[node].phase.isDraining { return .failure(.alreadyDraining(node: node)) }
            if let other = state.nodes.firstIndex(where: { $0.phase.isDraining }) {
                return .failure(.otherDraining(node: other))
            }
            if state.stopRequested { return .failure(.stopping) }
            if !state.nodes.indices.contains(where: { $0 != node && state.nodes[$0].phase != .drained }) { return .failure(.lastNode(node: node)) }
            guard state.nodes[node].phase == .running else { return .failure(.finished(node: node)) }
            state.nodes[node].phase = .draining(since: monotonicSeconds())
            return .success(state.nodes[node].host)
        }
    }

    /// `node` drained: it may exit, and is no longer waited for. Returns when it was asked.
    func drained(_ node: Int) -> (asked: Double, exit: [Delivery]) {
        state.withLock { state in
            let asked: Double
            if case let .draining(since) = state.nodes[node].phase { asked = since } else { asked = monotonicSeconds() }
            state.nodes[node].phase = .drained
            // It waits for this before exiting, so its exit is never taken for a failure.
            return (asked, state.nodes[node].channel.map { [Delivery(channel: $0, message: .exit)] } ?? [])
        }
    }

    /// The node draining, and for how long, if brazosrun should say it still waits: at
    /// most every `every` seconds, once it has waited `after` seconds.
    func longDrain(every: Double, after: Double) -> (node: Int, seconds: Double)? {
        let now = monotonicSeconds()
        return state.withLock { state in
            guard now - state.lastDrainReport >= every, let node = state.nodes.firstIndex(where: { $0.phase.isDraining }),
                  case let .draining(since) = state.nodes[node].phase else { return nil }
            state.lastDrainReport = now
            return now - since >= after ? (node, now - since) : nil
        }
    }

    // MARK: Joins

    /// Takes a node that is to join on `host`: one at a time, while the job runs, when a
    /// thread could move there. Returns its number.
    func reserveJoiner(on host: String) -> Result<Int, JoinRefusal> {
        guard migratable else { return .failure(.notMigratable) }
        return state.withLock { state in
            if !state.started { return .failure(.stillStarting) }
            if state.stopRequested { return .failure(.stopping) }
            if let joiner = state.joining { return .failure(.joinUnderWay(joiner: joiner)) }
            if let other = state.nodes.firstIndex(where: { $0.phase.isDraining }) {
                return .failure(.drainUnderWay(node: other))
            }
            guard ranks > state.nodes.filter(\.isMember).count else { return .failure(.oneThreadPerNode(ranks: ranks)) }
            guard state.nodes.count < firstNodes + JobConfig.joinLimit else { return .failure(.limitReached) }
            var record = NodeRecord(host: host, joined: true)
            record.joinAsked = monotonicSeconds()
            state.nodes.append(record)
            state.joining = state.nodes.count - 1
            return .success(state.nodes.count - 1)
        }
    }

    /// The joining node's process could not be started: it is over, and another may join.
    func joinerNotStarted(_ node: Int) {
        state.withLock { state in
            state.nodes[node].phase = .unneeded
            state.nodes[node].process = .ended(0)
            state.joining = nil
        }
    }

    /// A thread arrived at joining node `node`: it is in the job. Returns when it was asked
    /// for and its host.
    func admitted(_ node: Int) -> (asked: Double, host: String) {
        state.withLock { state in
            if state.nodes[node].phase == .awaitingAdmission { state.nodes[node].phase = .running }
            if state.joining == node { state.joining = nil }
            return (state.nodes[node].joinAsked ?? monotonicSeconds(), state.nodes[node].host)
        }
    }

    // MARK: Status

    /// The nodes as they are now, and whether the job runs, for `brazosrun status`.
    var view: (nodes: [NodeRecord], running: Bool) { state.withLock { state in (state.nodes, state.started) } }
}
