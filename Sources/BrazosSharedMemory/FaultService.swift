import BrazosCore
import CBrazos
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The application side of the fault path: the SIGSEGV handler (C) parks a faulting
/// thread on its slot and rings `bell`; whoever serves faults (the coherence service's
/// thread) drains the bell, takes the parked faults, makes their pages accessible and
/// resolves them, and the threads retry their accesses.
///
/// One per process (the signal handler is process-wide). Threads that touch the region
/// register first; a fault on any other thread, or outside the region, goes to the
/// handler installed before ours.
///
/// Unchecked: `slots` is a `let` pointer to a fixed block of slots, each held by one
/// registered thread at a time (handed out through `registered` and `freeSlots`). A
/// slot's fault is written by its thread's signal handler before a release store of its
/// state; the serving thread reads it after an acquire load and hands it back with a
/// release store (C atomics, futex). `region` and `bell` never change.
public final class FaultService: @unchecked Sendable {
    /// A parked fault: the page, whether the access was a write, and its slot.
    public struct Fault: Equatable, Sendable {
        /// The faulting page's index in the region.
        public let page: Int
        /// Whether the access was a write (else a read).
        public let isWrite: Bool
        let slot: Int

        /// Equal when page and kind of access are; the slot is not compared.
        public static func == (a: Fault, b: Fault) -> Bool { a.page == b.page && a.isWrite == b.isWrite }
    }

    /// Threads that may be registered at once; one more stops the process.
    public static let maximumThreads = 256

    private let region: SharedRegion
    private let slots: UnsafeMutablePointer<brazos_fault_slot>
    private let registered = Atomic<Int>(0)
    /// Slots of threads that ended (threads that move come and go), for reuse.
    private let freeSlots = Guarded<[Int]>([])
    /// Readable when a fault is parked (an eventfd).
    public let bell: Int32

    /// Installs the SIGSEGV handler for `region`; throws `system` if the eventfd or the
    /// handler cannot be had. Make one per process.
    public init(region: SharedRegion) throws(SharedMemoryError) {
        self.region = region
        bell = brazos_blocking_eventfd()
        guard bell >= 0 else { throw .system(call: "eventfd", errno: errno) }
        slots = .allocate(capacity: Self.maximumThreads)
        slots.initialize(repeating: brazos_fault_slot(state: 0, write: 0, address: 0), count: Self.maximumThreads)
        guard brazos_fault_install(region.base, region.size, bell) == 0 else {
            throw .system(call: "sigaction(SIGSEGV)", errno: errno)
        }
    }

    /// Lets the calling thread's faults in the region be served (once per thread).
    public func registerCurrentThread() {
        guard brazos_fault_thread_registered() == 0 else { return }
        let index = freeSlots.withLock { $0.popLast() } ?? registered.wrappingAdd(1, ordering: .relaxed).oldValue
        precondition(index < Self.maximumThreads, "more than \(Self.maximumThreads) threads touch the shared region")
        brazos_fault_register_thread(slots + index)
    }

    /// The calling thread ends: its slot may serve another.
    public func unregisterCurrentThread() {
        guard let slot = brazos_fault_unregister_thread() else { return }
        freeSlots.withLock { $0.append(slot - slots) }
    }

    /// Empties the bell (after poll(2) said it rang).
    public func drainBell() {
        var count: UInt64 = 0
        _ = read(bell, &count, 8)
    }

    /// The faults parked now.
    public func parkedFaults() -> [Fault] {
        var faults: [Fault] = []
        for index in 0..<min(registered.load(ordering: .acquiring), Self.maximumThreads) {
            let slot = slots + index
            guard brazos_fault_state(slot) == UInt32(BRAZOS_FAULT_PENDING),
                  let page = region.page(containing: UInt(slot.pointee.address)) else { continue }
            faults.append(Fault(page: page, isWrite: slot.pointee.write != 0, slot: index))
        }
        return faults
    }

    /// Lets the thread of `fault` retry its access.
    public func resolve(_ fault: Fault) { brazos_fault_resolve(slots + fault.slot) }
}
