import BrazosCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// `--timeout TIME` (or `MPIEXEC_TIMEOUT`), as mpirun's: once the job has run that long,
/// its nodes are stopped (SIGTERM, not recovered) and brazosrun exits with status 124, as
/// timeout(1) does.
enum Timeout {
    private static let expired = Atomic<Bool>(false)

    static var hasExpired: Bool { expired.load(ordering: .acquiring) }

    /// Watches the clock from now; `setting` names what asked for the limit; `attempt` gives the attempt running at that moment
    /// (none between a failure and its recovery: the next one is stopped as it starts).
    static func start(after seconds: Double, setting: String, attempt: @escaping @Sendable () -> Supervisor?) {
        let deadline = monotonicSeconds() + seconds
        NativeThread.spawn {
            while monotonicSeconds() < deadline { usleep(UInt32(min(max(deadline - monotonicSeconds(), 0.001), 0.5) * 1e6)) }
            expired.store(true, ordering: .releasing)
            diagnose("brazosrun: the job ran past its \(setting) of \(format1(seconds)) s; stopping it")
            while true {
                attempt()?.forward(SIGTERM)
                usleep(500_000)
            }
        }
    }
}
