import CBrazos
#if canImport(Glibc)
import Glibc
#endif

/// A lock in memory that several processes map (a `MemoryFile`), for sections of a few
/// hundred nanoseconds: a 32-bit word taken by an atomic exchange. A waiter spins a little,
/// then yields its core at each try: nodes outnumber cores here, and the holder may be
/// the process it would keep from running.
public struct SharedSpinLock {
    private let word: UnsafeMutableRawPointer

    /// The lock at `word` (4-byte aligned, zero when free), in memory that outlives it.
    public init(word: UnsafeMutableRawPointer) { self.word = word }

    public func withLock<Result, Failure: Error>(_ body: () throws(Failure) -> Result) throws(Failure) -> Result {
        var tries = 0
        while brazos_exchange_u32(word, 1) != 0 {
            repeat {
                tries += 1
                if tries < 64 { brazos_cpu_relax() } else { sched_yield() }
            } while brazos_load_acquire_u32(word) != 0
        }
        defer { brazos_store_seq_cst_u32(word, 0) }
        return try body()
    }
}
