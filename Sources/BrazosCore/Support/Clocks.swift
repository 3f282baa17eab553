#if canImport(Glibc)
import Glibc
#endif

/// Seconds on the monotonic clock.
public func monotonicSeconds() -> Double {
    seconds(on: CLOCK_MONOTONIC)
}

/// The CPU seconds (user and system) the calling thread has used: what a checkpoint's
/// threads report of their work, so that its cost can be told apart from the noise of
/// a shared machine's wall clock.
public func threadCPUSeconds() -> Double {
    seconds(on: CLOCK_THREAD_CPUTIME_ID)
}

private func seconds(on clock: clockid_t) -> Double {
    var ts = timespec()
    clock_gettime(clock, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}
