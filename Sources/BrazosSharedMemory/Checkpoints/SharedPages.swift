import Checkpointing
#if canImport(Glibc)
import Glibc
#endif

/// Shared memory's piece of a node's checkpoint part: the node's home pages that changed
/// since the last checkpoint, found by their digests (`PageDigests`: 8 bytes a page, not
/// a copy of every page), and copied aside at the checkpoint for the writer: the changed
/// ones, or for a full checkpoint every one that is not all zero (allocations start zero,
/// so a restart needs nothing for those).
///
/// Unchecked: `digests`, `captured` and `homePages` are used by one thread at a time, in
/// an order the collectives around them give: `prepare` (under `onceHere`, inside a
/// collective allocation; `homePages` is set once, before the first) and the node's saver
/// inside a checkpoint. The writer reads only the copies `seal` made.
final class SharedPages: PartContributor, @unchecked Sendable {
    private let region: SharedRegion
    private var digests = PageDigests()
    /// Per allocation, the pages homed here now (homes move where nodes drain and follow their writers).
    var homePages: () -> [(SharedAllocator.Allocation, homePages: [Int])] = { [] }
    /// What the last `capture` found: per allocation, its home pages and which changed.
    private var captured: [(allocation: SharedAllocator.Allocation, pages: [Int], changed: [Bool])] = []

    init(region: SharedRegion) {
        self.region = region
    }

    /// A new allocation: its home pages' digests are taken now (zero, or restored), so the
    /// first checkpoint finds what the program changed since.
    func prepare(_ allocation: SharedAllocator.Allocation, homePages pages: [Int]) {
        _ = digests.changes(of: Self.key(allocation, pages), pages: pages.map { page(region.servicePage($0)) })
    }

    func capture() throws -> (changed: Int, total: Int) {
        let homes = homePages()
        captured = homes.map { allocation, pages in
            (allocation, pages, digests.changes(of: Self.key(allocation, pages), pages: pages.map { page(region.servicePage($0)) }))
        }
        digests.keep(only: Set(homes.map { Self.key($0.0, $0.homePages) }))
        return (captured.reduce(0) { $0 + $1.changed.count { $0 } }, captured.reduce(0) { $0 + $1.pages.count })
    }

    func seal(full: Bool) -> any SealedPieces {
        let pageSize = SharedRegion.pageSize
        // Runs of consecutive region pages to copy: (allocation, index of its first home page, count).
        var runs: [(allocation: SharedAllocator.Allocation, pages: [Int], first: Int, count: Int)] = []
        for (allocation, pages, changed) in captured {
            var start: Int?
            for index in 0...pages.count {
                let copied = index < pages.count && (changed[index] || full && !isZero(region.servicePage(pages[index])))
                let continues = copied && start != nil && pages[index - 1] == pages[index] - 1
                if let first = start, !continues {
                    runs.append((allocation, pages, first, index - first))
                    start = nil
                }
                if copied && start == nil { start = index }
            }
        }
        let counts = (changed: captured.reduce(0) { $0 + $1.changed.count { $0 } }, total: captured.reduce(0) { $0 + $1.pages.count })
        guard !runs.isEmpty else { return CopiedPieces([], in: nil, counts: counts) }
        let copies = StagedCopies(bytes: runs.reduce(0) { $0 + $1.count } * pageSize)
        let pieces = runs.map { run in
            let sources = run.pages[run.first..<(run.first + run.count)].map { page(region.servicePage($0)) }
            return CopiedPieces.Piece(name: SavedSection.pagesPrefix + run.allocation.name,
                                      header: withUnsafeBytes(of: UInt64(run.pages[run.first] - run.allocation.pages.lowerBound).littleEndian) { Array($0) },
                                      bytes: copies.copy(sources))
        }
        return CopiedPieces(pieces, in: copies, counts: counts)
    }

    /// Digests are compared page by page in order, so they are kept per allocation and
    /// set of home pages: where homes moved (to their writers, or from a drained node),
    /// every home page counts as changed once, and is saved.
    private static func key(_ allocation: SharedAllocator.Allocation, _ pages: [Int]) -> String {
        allocation.name + "\u{0}" + String(pages.reduce(0xcbf2_9ce4_8422_2325 as UInt64) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01b3 }, radix: 16)
    }

    private func page(_ bytes: UnsafeMutableRawBufferPointer) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(bytes) }

    private static let zeroPage = [UInt8](repeating: 0, count: SharedRegion.pageSize)

    private func isZero(_ page: UnsafeMutableRawBufferPointer) -> Bool {
        Self.zeroPage.withUnsafeBytes { memcmp(page.baseAddress!, $0.baseAddress!, SharedRegion.pageSize) == 0 }
    }
}
