#if canImport(Glibc)
import Glibc
#endif

/// The bounded pool where a copy-on-write checkpoint keeps the pages the program wrote
/// before the writer saved them: `count` blocks of one chunk each, mapped once and
/// touched only as used, so the memory it costs is the blocks in use at the worst moment
/// (a quarter of the protected bytes at most, by the issue-18 target; an eighth here).
/// Blocks are taken last-given-first, which keeps the pages touched few.
///
/// Unchecked: used under its snapshot's mutex only; `base` never changes.
final class CopyBlocks: @unchecked Sendable {
    static let blockBytes = ProtectedSnapshot.chunkPages * SavedSection.pageSize
    private let base: UnsafeMutableRawPointer?
    private let count: Int
    private var free: [Int]

    /// `count` blocks, or none if the memory cannot be mapped (then every copied page
    /// waits for the writer instead).
    init(count: Int) {
        let mapped = mmap(nil, count * Self.blockBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
        base = mapped == MAP_FAILED ? nil : mapped
        self.count = base == nil ? 0 : count
        free = (0..<self.count).reversed()
    }

    deinit {
        if let base { munmap(base, count * Self.blockBytes) }
    }

    func take() -> Int? { free.popLast() }

    func give(_ block: Int) { free.append(block) }

    func bytes(of block: Int) -> UnsafeMutableRawPointer { base! + block * Self.blockBytes }
}
