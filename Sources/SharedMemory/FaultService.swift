import CBrazos
import BrazosCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Serves the page faults of the shared region: the SIGSEGV handler (C) parks a faulting
/// thread on its slot and rings an eventfd; this service's thread finds the parked slots,
/// asks `resolve` to make the page accessible, and lets the thread retry.
///
/// One per process (the signal handler is process-wide). Threads that touch the region
/// register first; a fault on any other thread, or outside the region, goes to the
/// handler installed before ours.
public final class FaultService: @unchecked Sendable {
    /// A fault to serve: the page, and whether the access was a write.
    public struct Fault: Equatable, Sendable {
        public let page: Int
        public let isWrite: Bool
    }

    public static let maximumThreads = 256

    private let region: SharedRegion
    private let slots: UnsafeMutablePointer<brazos_fault_slot>
    private let registered = Atomic<Int>(0)
    private let bell: Int32
    private let stopping = Atomic<Bool>(false)
    private var thread: pthread_t?
    private let resolve: (Fault) -> Void

    /// Installs the handler for `region` and starts the service thread. `resolve` runs on
    /// that thread; when it returns the page must allow the access.
    public init(region: SharedRegion, resolve: @escaping (Fault) -> Void) throws(SharedMemoryError) {
        self.region = region
        self.resolve = resolve
        bell = brazos_blocking_eventfd()
        guard bell >= 0 else { throw .system(call: "eventfd", errno: errno) }
        slots = .allocate(capacity: Self.maximumThreads)
        slots.initialize(repeating: brazos_fault_slot(state: 0, write: 0, address: 0), count: Self.maximumThreads)
        guard brazos_fault_install(region.base, region.size, bell) == 0 else {
            throw .system(call: "sigaction(SIGSEGV)", errno: errno)
        }
        thread = NativeThread.spawn { [self] in serve() }
    }

    /// Stops the service thread. The handler stays installed for the process's life: a
    /// later fault in the region on a registered thread would wait forever, so callers
    /// stop only when no thread touches the region any more.
    public func stop() {
        stopping.store(true, ordering: .releasing)
        var one: UInt64 = 1
        _ = write(bell, &one, 8)
        if let thread { NativeThread.join(thread) }
        thread = nil
    }

    deinit {
        stop()
        close(bell)
    }

    /// Lets the calling thread's faults in the region be served (once per thread).
    public func registerCurrentThread() {
        guard brazos_fault_thread_registered() == 0 else { return }
        let index = registered.wrappingAdd(1, ordering: .relaxed).oldValue
        precondition(index < Self.maximumThreads, "more than \(Self.maximumThreads) threads touch the shared region")
        brazos_fault_register_thread(slots + index)
    }

    private func serve() {
        while !stopping.load(ordering: .acquiring) {
            var count: UInt64 = 0
            guard read(bell, &count, 8) == 8 else { continue }
            // Several faults may share one wake-up; serve every parked slot.
            for index in 0..<min(registered.load(ordering: .acquiring), Self.maximumThreads) {
                let slot = slots + index
                guard brazos_fault_state(slot) == UInt32(BRAZOS_FAULT_PENDING) else { continue }
                if let page = region.page(containing: UInt(slot.pointee.address)) {
                    resolve(Fault(page: page, isWrite: slot.pointee.write != 0))
                }
                brazos_fault_resolve(slot)
            }
        }
    }
}
