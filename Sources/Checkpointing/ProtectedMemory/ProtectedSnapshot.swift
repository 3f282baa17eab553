import BrazosCore
import CBrazos
import Checkpoint

/// One checkpoint's whole pages of protected buffers, saved copy-on-write: the checkpoint
/// only write-protects them; the writer then digests each chunk of pages from the
/// program's own memory, writes the pages whose digest changed (every page when full)
/// and lifts the protection. A chunk the program writes first is saved by the fault
/// handler instead: it digests the chunk, copies its changed pages into a block of the
/// bounded pool (`CopyBlocks`), lifts the protection and lets the program go on; the
/// writer writes such copies first, so that blocks come back soon. When no block is
/// free the handler waits for one, and the program with it.
///
/// A chunk goes `protected` → `reading` → `saved` (the writer) or `protected` →
/// `reading` → `copied` → `saved` (the handler, then the writer): whoever claims it under
/// `mutex` reads it alone, while it is still protected and so unchanged. The writer goes
/// from the last chunk to the first: programs mostly write upwards, so the two meet
/// once instead of the program waiting on every chunk the writer has just claimed.
///
/// Unchecked: `chunks`, `copied`, `cursor`, `changedPages` and the blocks are guarded by
/// `mutex`. The digests of a chunk are written by whichever claimed it; the rest never
/// changes after init.
final class ProtectedSnapshot: SealedPieces, @unchecked Sendable {
    /// Pages a chunk: a fault saves a chunk at once (one fault costs tens of
    /// microseconds here; a page of copy, a fraction of one).
    static let chunkPages = 64
    static let pageSize = SavedSection.pageSize

    /// A protected buffer's whole pages.
    struct Area {
        let key: ProtectedMemory.Key
        /// Where its digests are kept (`PageDigests`), and the index there of its first page.
        let digestKey: String
        let firstPage: Int
        let bufferSize: Int
        /// Its first whole page, and that page's offset in the buffer.
        let start: UnsafeMutableRawPointer
        let offset: Int
        let pages: Int
        /// Their digests at the last checkpoint (nil: every page changed).
        let before: [UInt64]?
        var chunks: Int { (pages + ProtectedSnapshot.chunkPages - 1) / ProtectedSnapshot.chunkPages }
    }

    /// Pages of a chunk copied into a block: (first page of the area, pages, offset in the block).
    struct CopiedRun {
        let page: Int
        let count: Int
        let offset: Int
    }

    enum Chunk {
        case protected
        /// Being read by the writer or the fault handler, still protected.
        case reading
        case copied(block: Int?, runs: [CopiedRun])
        case saved
    }

    let areas: [Area]
    private let full: Bool
    private let protection: WriteProtection
    private let blocks: CopyBlocks
    private let mutex = PthreadMutex()
    private let condition = PthreadCondition()
    private var chunks: [[Chunk]]
    /// Copied chunks not yet written, oldest first.
    private var copied: [(area: Int, chunk: Int)] = []
    /// The writer's next chunk, going down from the last.
    private var cursor: (area: Int, chunk: Int)?
    /// Pages that changed since the last checkpoint, of the areas it had digests of.
    private var changedPages = 0
    private var completed = false
    /// The fault handler's CPU time on this snapshot, and the ranks' waits in its faults.
    private var handlerCosts = PieceCosts()
    /// Per area, the digests of this checkpoint, one a page.
    private let after: [UnsafeMutableBufferPointer<UInt64>]

    /// A snapshot of `areas` (sorted by address, none overlapping), not protected yet:
    /// route the faults to it first, then `protect`.
    init(areas: [Area], full: Bool, protection: WriteProtection, blockCount: Int) {
        self.areas = areas
        self.full = full
        self.protection = protection
        blocks = CopyBlocks(count: blockCount)
        chunks = areas.map { [Chunk](repeating: .protected, count: $0.chunks) }
        after = areas.map { .allocate(capacity: $0.pages) }
        cursor = areas.isEmpty ? nil : (areas.count - 1, areas[areas.count - 1].chunks - 1)
    }

    /// Write-protects every area, or throws with none left protected.
    func protect() throws(BrazosError) {
        for (index, area) in areas.enumerated() {
            do {
                try protection.protect(area.start, length: area.pages * Self.pageSize)
            } catch {
                for earlier in areas[..<index] { protection.unprotect(earlier.start, length: earlier.pages * Self.pageSize) }
                mutex.withLock { chunks = chunks.map { $0.map { _ in .saved } } }
                throw error
            }
        }
    }

    deinit {
        for digests in after { digests.deallocate() }
    }

    /// The fault handler's part: the program writes `page`. Saves its chunk, waiting for
    /// a block if the chunk has changed pages and none is free, then up to `readAhead`
    /// next chunks of the area still protected, while blocks are free: a program that
    /// writes one chunk writes the next soon, and a fault costs more than a digest.
    func fault(at page: UnsafeMutableRawPointer) {
        let claimed: [(area: Int, chunk: Int)] = mutex.withLock {
            guard let (area, chunk) = locate(page) else {
                protection.unprotect(page, length: Self.pageSize)
                return []
            }
            switch chunks[area][chunk] {
            case .reading:
                // Whoever reads it lifts the protection when done, which wakes the thread.
                return []
            case .copied, .saved:
                protection.unprotect(page, length: Self.pageSize)
                return []
            case .protected:
                var claimed = [(area, chunk)]
                for next in (chunk + 1)..<min(chunks[area].count, chunk + 1 + Self.readAhead) {
                    guard case .protected = chunks[area][next] else { break }
                    claimed.append((area, next))
                }
                for (area, chunk) in claimed { chunks[area][chunk] = .reading }
                return claimed
            }
        }
        guard !claimed.isEmpty else { return }
        let started = threadCPUSeconds(), arrived = monotonicSeconds()
        var resolved = arrived
        for (index, (area, chunk)) in claimed.enumerated() {
            copy(area, chunk, waitingForABlock: index == 0)
            // The faulting thread goes on once its own chunk, the first, is unprotected.
            if index == 0 { resolved = monotonicSeconds() }
        }
        let used = threadCPUSeconds() - started
        mutex.withLock {
            handlerCosts.handlerCPUSeconds += used
            handlerCosts.faultWaitSeconds += resolved - arrived
        }
    }

    var costs: PieceCosts {
        mutex.withLock { handlerCosts }
    }

    /// Chunks a fault saves after its own, at most.
    static let readAhead = 7

    /// For the fault handler, a chunk it claimed: digests it, copies its changed pages
    /// into a block and lifts its protection. Without a free block, it waits for one if
    /// `waitingForABlock`, else gives the chunk back to the writer.
    private func copy(_ area: Int, _ chunk: Int, waitingForABlock: Bool) {
        let pages = range(area, chunk)
        let (changed, count) = digest(area, pages)
        var block: Int?
        if !changed.isEmpty {
            block = mutex.withLock {
                while true {
                    if let block = blocks.take() { return block }
                    guard waitingForABlock else { return nil }
                    condition.wait(mutex, seconds: 1)
                }
            }
            guard block != nil else {
                mutex.withLock {
                    chunks[area][chunk] = .protected
                    condition.broadcast()
                }
                return
            }
        }
        var runs: [CopiedRun] = []
        var used = 0
        for run in Self.runs(of: changed) {
            let bytes = run.count * Self.pageSize
            blocks.bytes(of: block!).advanced(by: used).copyMemory(from: address(area, run.lowerBound), byteCount: bytes)
            runs.append(CopiedRun(page: run.lowerBound, count: run.count, offset: used))
            used += bytes
        }
        mutex.withLock {
            chunks[area][chunk] = .copied(block: block, runs: runs)
            changedPages += count
            copied.append((area, chunk))
            protection.unprotect(address(area, pages.lowerBound), length: pages.count * Self.pageSize)
            condition.broadcast()
        }
    }

    /// The writer's part: every chunk, copied ones first.
    func write(to part: PartWriter) throws -> (changed: Int, total: Int) {
        while let (area, chunk) = next() {
            let pages = range(area, chunk)
            let state = mutex.withLock { chunks[area][chunk] }
            if case let .copied(block, runs) = state {
                for run in runs {
                    try add(run.page, count: run.count, of: area, from: UnsafeRawPointer(blocks.bytes(of: block!) + run.offset), to: part)
                }
                mutex.withLock {
                    if let block { blocks.give(block) }
                    chunks[area][chunk] = .saved
                    condition.broadcast()
                }
            } else {
                let (saved, count) = digest(area, pages)
                do {
                    for run in Self.runs(of: saved) {
                        try add(run.lowerBound, count: run.count, of: area, from: UnsafeRawPointer(address(area, run.lowerBound)), to: part)
                    }
                } catch {
                    mutex.withLock { chunks[area][chunk] = .protected }
                    throw error
                }
                mutex.withLock {
                    protection.unprotect(address(area, pages.lowerBound), length: pages.count * Self.pageSize)
                    changedPages += count
                    chunks[area][chunk] = .saved
                    condition.broadcast()
                }
            }
        }
        return mutex.withLock {
            completed = true
            let new = areas.filter { $0.before == nil }.reduce(0) { $0 + $1.pages }
            return (changedPages + new, areas.reduce(0) { $0 + $1.pages })
        }
    }

    /// Lifts every protection still set (the part failed midway), and gives the blocks back.
    func release() {
        mutex.withLock {
            for (area, states) in chunks.enumerated() {
                for (chunk, state) in states.enumerated() {
                    if case .saved = state { continue }
                    let pages = range(area, chunk)
                    protection.unprotect(address(area, pages.lowerBound), length: pages.count * Self.pageSize)
                    chunks[area][chunk] = .saved
                }
            }
            copied.removeAll()
            condition.broadcast()
        }
    }

    /// Once written whole, this checkpoint's digests of each area's pages, and of the
    /// pages the last checkpoint had digests of, how many changed and how many there
    /// are; nil for a part that failed (the next checkpoint then saves every page of
    /// these buffers again).
    var results: (digests: [(area: Area, digests: [UInt64])], changed: Int, compared: Int)? {
        mutex.withLock {
            guard completed else { return nil }
            return (areas.indices.map { (areas[$0], Array(after[$0])) }, changedPages, areas.filter { $0.before != nil }.reduce(0) { $0 + $1.pages })
        }
    }

    /// Returns once no page of `key`'s buffer is read from the program's memory any more
    /// (before the program lets the memory go: `unprotect`).
    func waitUntilRead(_ key: ProtectedMemory.Key) {
        mutex.withLock {
            while areas.indices.contains(where: { areas[$0].key == key && chunks[$0].contains(where: Self.readsMemory) }) {
                condition.wait(mutex, seconds: 1)
            }
        }
    }

    private static func readsMemory(_ chunk: Chunk) -> Bool {
        switch chunk {
        case .protected, .reading: return true
        case .copied, .saved: return false
        }
    }

    /// The next chunk for the writer, claimed: the oldest copied one, else the last still
    /// protected (now `reading`); nil once every chunk is saved. Once the cursor has
    /// passed every chunk, one the fault handler still reads may yet come back copied,
    /// or protected (a read-ahead chunk it found no block for): the writer waits for it.
    private func next() -> (area: Int, chunk: Int)? {
        mutex.withLock {
            while true {
                if !copied.isEmpty { return copied.removeFirst() }
                while let (area, chunk) = cursor {
                    cursor = chunk > 0 ? (area, chunk - 1) : area > 0 ? (area - 1, chunks[area - 1].count - 1) : nil
                    if case .protected = chunks[area][chunk] {
                        chunks[area][chunk] = .reading
                        return (area, chunk)
                    }
                }
                var handlerReads = false
                for area in chunks.indices {
                    for chunk in chunks[area].indices {
                        switch chunks[area][chunk] {
                        case .protected:
                            chunks[area][chunk] = .reading
                            return (area, chunk)
                        case .reading: handlerReads = true
                        case .copied, .saved: break
                        }
                    }
                }
                guard handlerReads else { return nil }
                condition.wait(mutex, seconds: 1)
            }
        }
    }

    /// Digests the pages of `pages` (unchanged while protected) and returns those to
    /// save (the changed ones, or every one when full) and how many changed.
    private func digest(_ area: Int, _ pages: Range<Int>) -> (saved: [Int], changed: Int) {
        var saved: [Int] = []
        var changed = 0
        for page in pages {
            let digest = brazos_page_digest(address(area, page), Self.pageSize)
            after[area][page] = digest
            let differs = areas[area].before.map { $0[page] != digest } ?? true
            if differs && areas[area].before != nil { changed += 1 }
            if differs || full { saved.append(page) }
        }
        return (saved, changed)
    }

    private func add(_ page: Int, count: Int, of area: Int, from bytes: UnsafeRawPointer, to part: PartWriter) throws {
        let header = SavedSection.protectedRunHeader(size: areas[area].bufferSize, offset: areas[area].offset + page * Self.pageSize)
        try header.withUnsafeBytes { header in
            try part.add("protected \(areas[area].key.name)", pieces: [header, UnsafeRawBufferPointer(start: bytes, count: count * Self.pageSize)])
        }
    }

    private func range(_ area: Int, _ chunk: Int) -> Range<Int> {
        chunk * Self.chunkPages..<min(areas[area].pages, (chunk + 1) * Self.chunkPages)
    }

    private func address(_ area: Int, _ page: Int) -> UnsafeMutableRawPointer {
        areas[area].start + page * Self.pageSize
    }

    private func locate(_ page: UnsafeMutableRawPointer) -> (area: Int, chunk: Int)? {
        var low = 0, high = areas.count
        while low < high {
            let middle = (low + high) / 2
            if areas[middle].start <= page { low = middle + 1 } else { high = middle }
        }
        guard low > 0 else { return nil }
        let area = low - 1
        let index = (page - areas[area].start) / Self.pageSize
        guard index < areas[area].pages else { return nil }
        return (area, index / Self.chunkPages)
    }

    /// Consecutive pages of a sorted list, as ranges.
    static func runs(of pages: [Int]) -> [Range<Int>] {
        var runs: [Range<Int>] = []
        for page in pages {
            if let last = runs.last, last.upperBound == page {
                runs[runs.count - 1] = last.lowerBound..<(page + 1)
            } else {
                runs.append(page..<(page + 1))
            }
        }
        return runs
    }
}
