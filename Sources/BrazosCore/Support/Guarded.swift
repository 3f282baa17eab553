/// State that threads share, reached only while holding its lock: `Synchronization.Mutex`'s
/// shape on a pthread mutex. ThreadSanitizer sees pthread mutexes but not `Mutex`'s futex
/// (it reports every access made under a `Mutex` as a race), so shared state off the hot
/// paths is kept here, and scripts/tsan checks it; `FastLock` is the hot paths' lock.
///
/// Unchecked: `value` is only reached inside `withLock`, holding `mutex`.
public final class Guarded<Value>: @unchecked Sendable {
    private let mutex = PthreadMutex()
    private var value: Value

    /// Shared state starting as `value`.
    public init(_ value: Value) { self.value = value }

    /// Runs `body` on the state, holding the lock, and returns its result.
    @inline(__always)
    public func withLock<T, E: Error>(_ body: (inout Value) throws(E) -> T) throws(E) -> T {
        mutex.lock()
        defer { mutex.unlock() }
        return try body(&value)
    }
}
