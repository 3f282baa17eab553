#if canImport(Glibc)
import Glibc
#endif

/// Starts OS threads running Swift closures. The entry point is a global function, as
/// Swift 6 requires for code that a C library calls on another thread. A thread is either
/// detached (its resources go back when it ends) or joined by whoever started it: never
/// neither, which would keep each ended thread's stack until the process exits.
public enum NativeThread {
    final class Box: Sendable { let body: @Sendable () -> Void; init(_ body: @escaping @Sendable () -> Void) { self.body = body } }

    /// Starts a thread nobody waits for; stops the process if it cannot be created.
    public static func spawn(_ body: @escaping @Sendable () -> Void) {
        pthread_detach(spawnJoinable(body))
    }

    /// Starts a thread that the caller must `join`; stops the process if it cannot be created.
    public static func spawnJoinable(_ body: @escaping @Sendable () -> Void) -> pthread_t {
        var thread = pthread_t()
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        let rc = pthread_create(&thread, nil, nativeThreadEntry, box)
        precondition(rc == 0, "pthread_create failed: \(rc)")
        return thread
    }

    /// Waits for a thread started by `spawnJoinable` to end.
    public static func join(_ thread: pthread_t) { pthread_join(thread, nil) }
}

private func nativeThreadEntry(_ argument: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    let box = Unmanaged<NativeThread.Box>.fromOpaque(argument!).takeRetainedValue()
    box.body()
    return nil
}
