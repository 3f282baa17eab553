import CBrazos
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A node's side of its control connection to brazosrun once wire-up is done
/// (docs/ARCHITECTURE.md, "The node"): a thread watches the launcher (another node's
/// failure ends this one at once; `exit` lets it leave), requests go to the layers above,
/// a thread sends heartbeats with what those layers report, and SIGTERM or SIGPWR from
/// outside is passed on. What it keeps is under its own mutex.
final class LauncherSession: Sendable {
    private let channel: LauncherConnection
    private let node: Int
    private let joining: Bool
    /// Takes in a joining node's card (its connections are accepted from then on, and a
    /// node of this host is reached through shared memory); false for a number that
    /// cannot join this job.
    private let expectJoiner: @Sendable (NodeCard) -> Bool
    /// Runs before the node exits at once (a failure, a planned stop, never admitted):
    /// removes what would outlive the process (its segment's name).
    private let beforeExit: @Sendable () -> Void
    private let state = Guarded(State())
    /// Wakes `waitForExit`: taken around the check of `exitGranted` and the broadcast
    /// after it is set, so that no wake-up is lost.
    private let exitSignal = PthreadMutex()
    private let exitChanged = PthreadCondition()

    private struct State {
        /// The node is leaving: a closed connection is no failure any more.
        var finishing = false
        /// brazosrun said `exit` (or went away while the node was leaving).
        var exitGranted = false
        /// Where requests go, and those that came before it was set (the program had not
        /// attached its shared memory yet).
        var requestHandler: (@Sendable (LauncherRequest) -> Void)?
        var earlyRequests: [LauncherRequest] = []
        /// What each heartbeat says of the node, from the layers above.
        var statusReporters: [@Sendable () -> [String: Int]] = []
        /// The node brazosrun asked to drain and the joining node it asked the job to
        /// admit, each until the job has done it; whether this node, joining, has said it
        /// was admitted.
        var drainWish: Int?
        var joinWish: Int?
        var admissionSaid = false
    }

    init(channel: LauncherConnection, node: Int, joining: Bool, expectJoiner: @escaping @Sendable (NodeCard) -> Bool,
         beforeExit: @escaping @Sendable () -> Void) {
        self.channel = channel
        self.node = node
        self.joining = joining
        self.expectJoiner = expectJoiner
        self.beforeExit = beforeExit
    }

    /// Starts watching the launcher, the heartbeats and the power signals, once wire-up
    /// is done.
    func start() {
        NativeThread.spawn { [self] in watch() }
        NativeThread.spawn { [self] in sendHeartbeats() }
        PowerSignals.startTaking { [self] signal in
            diagnose("brazos: node \(node): \(signalName(signal)); asking brazosrun to save the job and continue it without this host")
            try? tell(.signalled(signal: signal))
        }
    }

    /// Tells the launcher something; safe from any thread.
    func tell(_ message: NodeMessage) throws(BrazosError) { try channel.send(message) }

    /// Where the launcher's checkpoint requests go (called on the watching thread); those
    /// that came before get to it at once.
    func onRequest(_ handler: @escaping @Sendable (LauncherRequest) -> Void) {
        let early = state.withLock { state in
            state.requestHandler = handler
            defer { state.earlyRequests = [] }
            return state.earlyRequests
        }
        for request in early { handler(request) }
    }

    var drainRequested: Int? { state.withLock { $0.drainWish } }

    func drainDone(_ node: Int) {
        state.withLock { state in if state.drainWish == node { state.drainWish = nil } }
    }

    var joinRequested: Int? { state.withLock { $0.joinWish } }

    func joinDone(_ node: Int) {
        state.withLock { state in if state.joinWish == node { state.joinWish = nil } }
    }

    func reportsStatus(_ reporter: @escaping @Sendable () -> [String: Int]) {
        state.withLock { $0.statusReporters.append(reporter) }
    }

    /// A rank arrived here from node `from`: a joining node says it is in (the first
    /// time); at level debug every move is told.
    func noteArrival(rank: Int, from: Int) {
        if joining && state.withLock({ state in
            defer { state.admissionSaid = true }
            return !state.admissionSaid
        }) {
            try? tell(.admitted)
        }
        if Log.says(.debug) { try? tell(.moved(rank: rank, from: from, to: node)) }
    }

    /// The node is leaving: from now on the launcher's going away is expected.
    func beginFinishing() {
        state.withLock { $0.finishing = true }
    }

    /// Returns once brazosrun lets the node go (`exit`, or its connection closed while
    /// the node was leaving): an exit it has not allowed would be taken for a failure.
    func waitForExit() {
        exitSignal.withLock { while !state.withLock({ $0.exitGranted }) { exitChanged.wait(exitSignal, seconds: 1) } }
    }

    private func grantExit() {
        state.withLock { $0.exitGranted = true }
        exitSignal.withLock { exitChanged.broadcast() }
    }

    private func watch() {
        while true {
            let message: LauncherMessage
            do {
                message = try channel.receive()
            } catch {
                if case .malformed = error { channel.shutDown() }
                // A launcher gone while this node finishes has nothing left to say.
                if state.withLock({ $0.finishing }) { return grantExit() }
                if case .malformed = error {
                    exitAfterFailure("brazos: node \(node): brazosrun sent what this node cannot take (\(error)); stopping")
                }
                exitAfterFailure("brazos: node \(node): lost the launcher (\(error)); stopping")
            }
            switch message {
            case let .failed(failure):
                // Said before anything else happens: woken threads would race to report
                // their own failed waits first.
                exitAfterFailure("brazos: node \(node): stopping because node \(failure)")
            case .exit:
                return grantExit()
            case let .drain(target):
                state.withLock { $0.drainWish = target }
            case let .joining(card):
                guard expectJoiner(card) else {
                    diagnose("brazos: node \(node): brazosrun announced node \(card.node), which cannot join this job; ignored")
                    continue
                }
                do { try tell(.expecting(node: card.node)) } catch { exitAfterFailure("brazos: node \(node): lost the launcher (\(error)); stopping") }
            case let .admit(joiner):
                state.withLock { $0.joinWish = joiner }
            case .unneeded:
                // Joining, not yet admitted, and the job has ended: nothing is here.
                diagnose("brazos: node \(node): the job ended before this node was admitted; leaving")
                beforeExit()
                fflush(nil)
                _exit(0)
            case .stop:
                // A planned stop: every node's checkpoint is written; nothing is in flight.
                beforeExit()
                fflush(nil)
                _exit(0)
            case let .request(request):
                let handler = state.withLock { state in
                    if state.requestHandler == nil { state.earlyRequests.append(request) }
                    return state.requestHandler
                }
                handler?(request)
            case .peers, .members, .go:
                diagnose("brazos: node \(node): brazosrun sent '\(message.encode().prefix(64))' after wire-up; ignored")
            }
        }
    }

    /// Tells the launcher this node is alive, every `BRAZOS_HEARTBEAT` seconds, so that it
    /// can tell a hung or cut-off node from a slow one.
    private func sendHeartbeats() {
        let period = JobConfig.environment("BRAZOS_HEARTBEAT").flatMap { Double($0) }.flatMap { $0 > 0 ? $0 : nil } ?? 1
        while true {
            usleep(UInt32(min(period, 3600) * 1e6))
            let (over, reporters) = state.withLock { ($0.finishing, $0.statusReporters) }
            if over { return }
            let report = reporters.reduce(into: [String: Int]()) { report, reporter in report.merge(reporter()) { $1 } }
            // The watching thread reports a lost launcher.
            do { try tell(.heartbeat(report)) } catch { return }
        }
    }

    private func exitAfterFailure(_ message: String) -> Never {
        beforeExit()
        fflush(nil)
        diagnose(message)
        _exit(1)
    }
}
