import BrazosCore
#if canImport(Glibc)
import Glibc
#endif

/// Memory the program asked the library for (`MPI_Alloc_mem`, `MPI_Free_mem`). The
/// addresses handed out are remembered, so that freeing any other address is an error of
/// class `MPI_ERR_BASE` instead of a crash in `free`.
public final class AllocatedMemory: Sendable {
    /// The process's allocations.
    public static let shared = AllocatedMemory()
    /// Alignment of every block: a cache line, enough for any type.
    public static let alignment = 64

    private let addresses = Guarded(Set<Int>())

    /// No allocations yet.
    public init() {}

    /// `byteCount` bytes (zero gives a distinct, valid address): `MPI_ERR_ARG` for a
    /// negative count, `MPI_ERR_NO_MEM` when the memory cannot be had.
    public func allocate(byteCount: Int) throws(MPIError) -> UnsafeMutableRawPointer {
        guard byteCount >= 0 else { throw MPIError(.arg, "negative size \(byteCount)") }
        var block: UnsafeMutableRawPointer?
        guard posix_memalign(&block, Self.alignment, max(byteCount, 1)) == 0, let block else {
            throw MPIError(.noMem, "cannot allocate \(byteCount) bytes")
        }
        addresses.withLock { _ = $0.insert(Int(bitPattern: block)) }
        return block
    }

    /// Frees a block from `allocate`; any other address fails with `MPI_ERR_BASE`.
    public func free(_ block: UnsafeMutableRawPointer) throws(MPIError) {
        guard addresses.withLock({ $0.remove(Int(bitPattern: block)) }) != nil else {
            throw MPIError(.base, "\(block) was not allocated by MPI_Alloc_mem, or was freed already")
        }
        Glibc.free(block)
    }
}
