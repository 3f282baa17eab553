import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A pthread mutex with a stable address (a class, so it is never copied), for the few
/// places that need try-lock or a condition variable beside it.
///
/// Unchecked: its one stored property is a `let` pointer to the pthread mutex, allocated
/// in init and freed in deinit; the pthread calls synchronise every use of it.
public final class PthreadMutex: @unchecked Sendable {
    let mutex: UnsafeMutablePointer<pthread_mutex_t>

    /// A new, unlocked mutex.
    public init() {
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Blocks until this thread holds the mutex.
    @inline(__always) public func lock() { pthread_mutex_lock(mutex) }
    /// Releases the mutex; the calling thread must hold it.
    @inline(__always) public func unlock() { pthread_mutex_unlock(mutex) }
    /// Takes the mutex if it is free; returns whether it did, never blocking.
    @inline(__always) public func tryLock() -> Bool { pthread_mutex_trylock(mutex) == 0 }

    /// Runs `body` holding the mutex and returns its result.
    @inline(__always) public func withLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        lock()
        defer { unlock() }
        return try body()
    }
}

/// A condition variable used with a `PthreadMutex`.
///
/// Unchecked: its one stored property is a `let` pointer to the pthread condition,
/// allocated in init and freed in deinit; the pthread calls synchronise every use of it
/// (waits hold the mutex they are given).
public final class PthreadCondition: @unchecked Sendable {
    let condition: UnsafeMutablePointer<pthread_cond_t>

    /// A condition variable timed on the monotonic clock.
    public init() {
        condition = .allocate(capacity: 1)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        condition.deallocate()
    }

    /// Waits at most `seconds`; the mutex must be held.
    public func wait(_ mutex: PthreadMutex, seconds: Double) {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let total = Double(now.tv_nsec) + seconds * 1e9
        var deadline = timespec(tv_sec: now.tv_sec + Int(total / 1e9), tv_nsec: Int(total.truncatingRemainder(dividingBy: 1e9)))
        pthread_cond_timedwait(condition, mutex.mutex, &deadline)
    }

    /// Wakes every thread waiting on the condition.
    public func broadcast() { pthread_cond_broadcast(condition) }
}

/// A lock for short critical sections on hot paths: Synchronization's `Mutex` (an
/// inlined atomic fast path, a futex when contended) with the closure shape of
/// `PthreadMutex`. Where only one thread can ever enter (a node hosting a single rank,
/// like MPI_THREAD_SINGLE) it is made with `needed: false` and costs nothing.
public final class FastLock: Sendable {
    #if BRAZOS_TSAN
    // ThreadSanitizer does not see `Mutex`'s futex; scripts/tsan builds with a pthread
    // mutex here, which it does see.
    @usableFromInline let mutex = PthreadMutex()
    #else
    @usableFromInline let mutex = Mutex<Void>(())
    #endif
    /// False for code only one thread can enter: the lock then does nothing.
    public let needed: Bool

    /// A lock; with `needed: false`, one that does nothing, for code only one thread can enter.
    public init(needed: Bool = true) { self.needed = needed }

    /// Runs `body` holding the lock (or just runs it if the lock is not needed).
    @inlinable @inline(__always)
    public func withLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        guard needed else { return try body() }
        #if BRAZOS_TSAN
        return try mutex.withLock(body)
        #else
        return try mutex.withLock { (_: inout Void) throws(E) -> T in try body() }
        #endif
    }
}

/// State behind a `FastLock`-like lock: Synchronization's `Mutex` holding the value
/// inline, so that its accesses need no dynamic exclusivity check (a class's stored
/// property behind `Guarded` costs one, with a thread-local lookup, on every call).
/// Under ThreadSanitizer (`BRAZOS_TSAN`) a `Guarded`, which it sees.
public final class FastGuarded<Value: Sendable>: Sendable {
    #if BRAZOS_TSAN
    @usableFromInline let guarded: Guarded<Value>
    #else
    @usableFromInline let mutex: Mutex<Value>
    #endif

    /// Shared state starting as `value`.
    public init(_ value: Value) {
        #if BRAZOS_TSAN
        guarded = Guarded(value)
        #else
        mutex = Mutex(value)
        #endif
    }

    /// Runs `body` on the state, holding the lock, and returns its result.
    @inlinable @inline(__always)
    public func withLock<T: Sendable, E: Error>(_ body: (inout Value) throws(E) -> T) throws(E) -> T {
        #if BRAZOS_TSAN
        return try guarded.withLock(body)
        #else
        return try mutex.withLock { (value: inout Value) throws(E) -> T in try body(&value) }
        #endif
    }
}

/// A pthread read-write lock with a stable address: many readers at once, or one writer.
/// Readers may take it again while they hold it (glibc prefers readers by default).
///
/// Unchecked: its one stored property is a `let` pointer to the pthread lock, allocated
/// in init and freed in deinit; the pthread calls synchronise every use of it.
public final class ReadWriteLock: @unchecked Sendable {
    let lock: UnsafeMutablePointer<pthread_rwlock_t>

    /// A new, unlocked read-write lock.
    public init() {
        lock = .allocate(capacity: 1)
        pthread_rwlock_init(lock, nil)
    }

    deinit {
        pthread_rwlock_destroy(lock)
        lock.deallocate()
    }

    /// Runs `body` holding the lock for reading, alongside other readers.
    @inline(__always) public func reading<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        pthread_rwlock_rdlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return try body()
    }

    /// Runs `body` as the only holder, or returns nil at once if others hold the lock.
    public func writingIfFree<T>(_ body: () throws -> T) rethrows -> T? {
        guard pthread_rwlock_trywrlock(lock) == 0 else { return nil }
        defer { pthread_rwlock_unlock(lock) }
        return try body()
    }
}
