#if canImport(Glibc)
import Glibc
#endif

/// Starts an OS thread running a Swift closure. The entry point is a global function, as
/// Swift 6 requires for code that a C library calls on another thread.
public enum NativeThread {
    final class Box { let body: () -> Void; init(_ body: @escaping () -> Void) { self.body = body } }

    /// Starts a thread running `body` and returns it for `join`; stops the process if the
    /// thread cannot be created.
    @discardableResult
    public static func spawn(_ body: @escaping () -> Void) -> pthread_t {
        var thread = pthread_t()
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        let rc = pthread_create(&thread, nil, nativeThreadEntry, box)
        precondition(rc == 0, "pthread_create failed: \(rc)")
        return thread
    }

    /// Waits for a thread started by `spawn` to end.
    public static func join(_ thread: pthread_t) { pthread_join(thread, nil) }

    /// Starts a thread nobody joins: its resources go back when it ends.
    public static func spawnDetached(_ body: @escaping () -> Void) {
        pthread_detach(spawn(body))
    }
}

private func nativeThreadEntry(_ argument: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    let box = Unmanaged<NativeThread.Box>.fromOpaque(argument!).takeRetainedValue()
    box.body()
    return nil
}

