import BrazosCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// brazosrun's signals, taken by one thread with sigwait (blocked in every other, from
/// the first moment): they arrive as plain calls to whichever job is running, never in
/// a handler, so acting on them may take locks and talk to the nodes.
enum Signals {
    static let handled: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGPWR]

    /// The job signals go to, and those that came while there was none (before a job
    /// started, or between a failure and its recovery): they go to the next one.
    private static let state = Guarded<(current: Supervisor?, waiting: [Int32])>((nil, []))

    /// Blocks the signals here and in every thread started after; call first thing. A
    /// signal ignored by inheritance would be discarded rather than wait for sigwait, so
    /// each gets its default disposition first (harmless while blocked).
    static func block() {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in handled {
            Glibc.signal(signal, SIG_DFL)
            sigaddset(&set, signal)
        }
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// The job that signals go to from now on; it gets those that waited for one.
    static func deliver(to supervisor: Supervisor?) {
        let waiting = state.withLock { state in
            state.current = supervisor
            defer { if supervisor != nil { state.waiting = [] } }
            return supervisor == nil ? [] : state.waiting
        }
        if let supervisor { for signal in waiting { handle(signal, by: supervisor) } }
    }

    /// Starts the thread that takes the signals.
    static func startTaking() {
        NativeThread.spawn {
            var set = sigset_t()
            sigemptyset(&set)
            for signal in handled { sigaddset(&set, signal) }
            while true {
                var signal: Int32 = 0
                guard sigwait(&set, &signal) == 0 else { continue }
                let supervisor = state.withLock { state in
                    if state.current == nil { state.waiting.append(signal) }
                    return state.current
                }
                if let supervisor { handle(signal, by: supervisor) }
            }
        }
    }

    private static func handle(_ signal: Int32, by supervisor: Supervisor) {
        switch signal {
        case SIGUSR1: supervisor.requestCheckpoint()
        case SIGTERM, SIGPWR: supervisor.requestStop(signal)
        case SIGHUP: supervisor.reloadConfiguration(forwarding: true)
        default: supervisor.forward(signal)
        }
    }
}
