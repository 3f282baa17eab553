import CBrazos
#if canImport(Glibc)
import Glibc
#endif

/// SIGTERM and SIGPWR sent to one node of a brazosrun job from outside (a power monitor
/// on a UPS, an operator, a batch system taking the host back): the node tells
/// brazosrun, which saves the job and continues it without this node's host (see
/// docs/ARCHITECTURE.md, "Failures"). The same signals from brazosrun itself, which sends
/// them to stop a job at once, end the node as they always did.
enum PowerSignals {
    static let taken: [Int32] = [SIGTERM, SIGPWR]

    /// Blocks the signals here and in every thread started after: call before the node
    /// starts any thread.
    static func block() {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in taken { sigaddset(&set, signal) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// Takes the signals on a thread of their own: one from the parent (brazosrun) ends
    /// the process by the signal's default action, any other goes to `report`.
    static func startTaking(report: @escaping @Sendable (Int32) -> Void) {
        NativeThread.spawn {
            while true {
                var sender: pid_t = 0
                let signal = taken.withUnsafeBufferPointer { brazos_wait_for_signal($0.baseAddress, Int32($0.count), &sender) }
                guard signal > 0 else { continue }
                guard sender != getppid() else { endBy(signal) }
                report(signal)
            }
        }
    }

    private static func endBy(_ signal: Int32) -> Never {
        Glibc.signal(signal, SIG_DFL)
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, signal)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        raise(signal)
        _exit(128 + signal)
    }
}
