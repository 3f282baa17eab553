#if canImport(Glibc)
import Glibc
#endif

/// The node's home pages as the last checkpoint saved them. The next checkpoint compares
/// each home page with its copy and writes only those that changed (incremental), and the
/// background writer reads the copies while the threads compute on: a barrier holds the
/// job only for a compare and a copy of what changed, never for a disk.
final class PageSnapshot {
    /// Consecutive pages of one allocation, copied: `first` counts from the allocation's
    /// first page.
    struct Run {
        let allocation: String
        let first: Int
        let bytes: UnsafeRawBufferPointer
    }

    /// Per allocation: its home pages here (region page numbers, ascending) and their copies.
    private var copies: [String: (pages: [Int], buffer: UnsafeMutableRawBufferPointer)] = [:]

    deinit { for copy in copies.values { copy.buffer.deallocate() } }

    /// Copies the home pages that differ from their last copy (every one when `full`, or
    /// when the allocation is new), and returns them as runs, with how many pages changed
    /// (compared, even when `full`) out of how many.
    func capture(_ allocation: SharedAllocator.Allocation, homePages pages: [Int], region: SharedRegion, full: Bool) -> (runs: [Run], changed: Int) {
        let pageSize = SharedRegion.pageSize
        let isNew = copies[allocation.name]?.pages != pages
        if isNew {
            copies[allocation.name]?.buffer.deallocate()
            copies[allocation.name] = (pages, .allocate(byteCount: max(pages.count, 1) * pageSize, alignment: pageSize))
        }
        let buffer = copies[allocation.name]!.buffer
        var runs: [Run] = []
        var changed = 0
        var runStart: Int?
        func closeRun(at end: Int) {
            guard let start = runStart else { return }
            runs.append(Run(allocation: allocation.name, first: pages[start] - allocation.pages.lowerBound,
                            bytes: UnsafeRawBufferPointer(rebasing: buffer[(start * pageSize)..<(end * pageSize)])))
            runStart = nil
        }
        for (index, page) in pages.enumerated() {
            let live = UnsafeRawPointer(region.servicePage(page).baseAddress!)
            let copy = buffer.baseAddress! + index * pageSize
            let differs = isNew || memcmp(live, copy, pageSize) != 0
            if differs {
                changed += 1
                copy.copyMemory(from: live, byteCount: pageSize)
            }
            // A run continues over consecutive pages that are written.
            let written = differs || full
            if written && runStart != nil && pages[index - 1] != page - 1 { closeRun(at: index) }
            if written && runStart == nil { runStart = index }
            if !written { closeRun(at: index) }
        }
        closeRun(at: pages.count)
        return (runs, changed)
    }
}
