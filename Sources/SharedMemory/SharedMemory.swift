import BrazosCore
import BrazosMPI
import CBrazos
#if canImport(Glibc)
import Glibc
#endif

/// A node's part of the job's shared memory: the region, its allocator and its fault
/// service.
///
/// ```swift
/// let job = try Brazos.join()
/// let shared = try SharedMemory.attach(to: job)
/// try job.run { thread in
///     let grid = try shared.allocate("grid", count: n * n, of: Double.self, pageAligned: true, by: thread)
///     grid[thread.rank] = 1
/// }
/// ```
///
/// Coherence: within a node the hardware shares the pages among threads. Between nodes
/// the protocol of docs/ARCHITECTURE.md is not built yet: in a job of several nodes,
/// allocation works (and is checked), but touching the region stops the node with a clear
/// message.
public final class SharedMemory: @unchecked Sendable {
    public let region: SharedRegion
    public let allocator: SharedAllocator
    private var faults: FaultService?
    private let nodes: Int

    private init(region: SharedRegion, nodes: Int) {
        self.region = region
        self.nodes = nodes
        allocator = SharedAllocator(capacity: region.size)
    }

    /// Maps the region (at `BRAZOS_SHARED_BASE`, `BRAZOS_SHARED_BYTES` long) and starts the
    /// fault service. Call once per process, before `run`.
    public static func attach(to job: Brazos) throws -> SharedMemory {
        let environment = { (name: String) -> String? in getenv(name).map { String(cString: $0) } }
        let base = environment("BRAZOS_SHARED_BASE").flatMap { UInt($0.hasPrefix("0x") ? String($0.dropFirst(2)) : $0, radix: 16) } ?? SharedRegion.defaultBase
        let size = environment("BRAZOS_SHARED_BYTES").flatMap { Int($0) } ?? SharedRegion.defaultSize
        let memory = SharedMemory(region: try SharedRegion(base: base, size: size / SharedRegion.pageSize * SharedRegion.pageSize), nodes: job.node.config.nodeCount)
        memory.faults = try FaultService(region: memory.region) { [unowned memory] fault in memory.serve(fault) }
        return memory
    }

    /// Collective over every rank of the job, in the same order everywhere: `count` values
    /// of `T` under `name`, zero at first. The same name on the same node gives the same
    /// place back. A rank whose allocation differs from another's gets
    /// `SharedMemoryError.mismatchedAllocation`.
    public func allocate<T: BitwiseCopyable>(_ name: String, count: Int, of type: T.Type = T.self, pageAligned: Bool = false,
                                             by thread: BrazosThread) throws -> SharedArray<T> {
        let bytes = try allocateBytes(name, size: count * MemoryLayout<T>.stride,
                                      alignment: pageAligned ? SharedRegion.pageSize : MemoryLayout<T>.alignment, by: thread)
        return SharedArray(base: bytes.bindMemory(to: T.self, capacity: count), count: count)
    }

    /// `allocate` for raw bytes.
    public func allocateBytes(_ name: String, size: Int, alignment: Int = 16, by thread: BrazosThread) throws -> UnsafeMutableRawPointer {
        faults?.registerCurrentThread()
        let allocation = try allocator.place(name, size: size, alignment: alignment)
        try SharedAllocator.checkAgreement(allocation, on: thread.world)
        return region.base + allocation.offset
    }

    /// Makes a faulting page accessible. One node: its pages are all its own (first touch
    /// reads zeros), and threads share them through the hardware.
    private func serve(_ fault: FaultService.Fault) {
        guard nodes == 1 else {
            fflush(nil)
            diagnose("brazos: shared memory between nodes is not built yet (coherence protocol, issue 5); this job has \(nodes) nodes and touched shared page \(fault.page)")
            _exit(1)
        }
        do {
            try region.setAccess(.readWrite, pages: fault.page..<(fault.page + 1))
        } catch {
            fflush(nil)
            diagnose("brazos: shared page \(fault.page): \(error)")
            _exit(1)
        }
    }
}
