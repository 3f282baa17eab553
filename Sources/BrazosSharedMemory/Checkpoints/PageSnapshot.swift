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

    /// Per allocation: its home pages here (region page numbers, ascending), their copies,
    /// and which of them changed at the last `update`.
    private var copies: [String: (pages: [Int], buffer: UnsafeMutableRawBufferPointer, changed: [Bool])] = [:]

    deinit { for copy in copies.values { copy.buffer.deallocate() } }

    /// Copies the home pages of `allocation` that differ from their last copy (all of
    /// them for an allocation not seen before); returns how many changed.
    func update(_ allocation: SharedAllocator.Allocation, homePages pages: [Int], region: SharedRegion) -> Int {
        let pageSize = SharedRegion.pageSize
        let isNew = copies[allocation.name]?.pages != pages
        if isNew {
            copies[allocation.name]?.buffer.deallocate()
            copies[allocation.name] = (pages, .allocate(byteCount: max(pages.count, 1) * pageSize, alignment: pageSize), [])
        }
        let buffer = copies[allocation.name]!.buffer
        var changed = [Bool](repeating: false, count: pages.count)
        for (index, page) in pages.enumerated() {
            let live = UnsafeRawPointer(region.servicePage(page).baseAddress!)
            let copy = buffer.baseAddress! + index * pageSize
            if isNew || memcmp(live, copy, pageSize) != 0 {
                changed[index] = true
                copy.copyMemory(from: live, byteCount: pageSize)
            }
        }
        copies[allocation.name]!.changed = changed
        return changed.count { $0 }
    }

    /// The copies to write for `allocation` as runs of consecutive pages: those that
    /// changed at the last `update`, or when `full` every one that is not all zero (an
    /// allocation starts zero, so a restart needs nothing for those).
    func runs(of allocation: SharedAllocator.Allocation, full: Bool) -> [Run] {
        guard let (pages, buffer, changed) = copies[allocation.name] else { return [] }
        let pageSize = SharedRegion.pageSize
        var runs: [Run] = []
        var start: Int?
        for index in 0...pages.count {
            let written = index < pages.count && (changed[index] || full && !Self.isZero(buffer.baseAddress! + index * pageSize))
            let continues = written && start != nil && pages[index - 1] == pages[index] - 1
            if let first = start, !continues {
                runs.append(Run(allocation: allocation.name, first: pages[first] - allocation.pages.lowerBound,
                                bytes: UnsafeRawBufferPointer(rebasing: buffer[(first * pageSize)..<(index * pageSize)])))
                start = nil
            }
            if written && start == nil { start = index }
        }
        return runs
    }

    private static let zeroPage = [UInt8](repeating: 0, count: SharedRegion.pageSize)

    private static func isZero(_ page: UnsafeRawPointer) -> Bool {
        zeroPage.withUnsafeBytes { memcmp(page, $0.baseAddress!, SharedRegion.pageSize) == 0 }
    }
}
