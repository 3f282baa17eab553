import BrazosCore
import CBrazos
import Checkpoint

/// The buffers the ranks protect (`Checkpoints.protect`, `VELOC_Mem_protect`): the
/// program's own memory, saved at every checkpoint. What changed is found by a digest per
/// page of memory kept from the last checkpoint (`PageDigests`). A buffer's whole pages
/// are saved copy-on-write (`ProtectedSnapshot`): the checkpoint only write-protects them,
/// and the writer digests and writes them from the program's memory while the program
/// goes on, a page being copied only when the program writes it first. The pages a
/// buffer shares with other memory (its first and last, unless aligned), and every page
/// where the kernel offers no write protection (`WriteProtection`), are digested and
/// copied while the node's threads wait. The memory a checkpoint costs beyond the
/// program's own is so 8 bytes a page, the bounded pool of pages written before they were
/// saved, and the partial pages.
///
/// Unchecked: `buffers` and `snapshot` are guarded. `digests`, `plans` and `lastCounts`
/// are used by the node's saver only, inside the checkpoint while every thread of the
/// node waits and the writer is idle (it waits for the writer before it captures).
package final class ProtectedMemory: PartContributor, @unchecked Sendable {
    static let pageSize = SavedSection.pageSize

    /// One protected buffer of one rank.
    struct Key: Hashable, Comparable {
        let rank: Int
        let id: Int
        var name: String { "\(rank) \(id)" }
        static func < (a: Key, b: Key) -> Bool { (a.rank, a.id) < (b.rank, b.id) }
    }

    /// What a capture found for one buffer, for `seal`.
    private struct Plan {
        let key: Key
        let buffer: UnsafeMutableRawBufferPointer
        let pages: PageLayout
        /// The pages saved copy-on-write (whole pages); the others are copied at the checkpoint.
        var copyOnWrite: Range<Int>
        /// Per page copied at the checkpoint: whether it changed.
        var changed: [Bool]
        /// The digests of the last checkpoint, one a page (nil: every page changed).
        let before: [UInt64]?
        var digestKey: String { "\(key.name) \(buffer.count)" }
    }

    private let buffers = Guarded<[Key: UnsafeMutableRawBufferPointer]>([:])
    private var digests = PageDigests()
    private var plans: [Plan] = []
    /// The copy-on-write snapshot of the last checkpoint: its digests come back at the next
    /// capture, and `unprotect` waits until it no longer reads the buffer.
    private let snapshot = Guarded<ProtectedSnapshot?>(nil)
    /// What the last snapshot found (pages changed of those compared): the guess for the
    /// vote about pages that are compared only while written.
    private var lastCounts: (changed: Int, total: Int)?
    /// Whether whole pages are saved copy-on-write where the kernel allows it (the tests
    /// also try the copies at the checkpoint).
    private let copyOnWrite: Bool

    package init(copyOnWrite: Bool = true) {
        self.copyOnWrite = copyOnWrite
    }

    package func protect(rank: Int, id: Int, _ buffer: UnsafeMutableRawBufferPointer) {
        buffers.withLock { $0[Key(rank: rank, id: id)] = buffer }
    }

    /// Forgets the buffer, once the checkpoint being written no longer reads it (the
    /// program may then let its memory go).
    package func unprotect(rank: Int, id: Int) {
        let key = Key(rank: rank, id: id)
        buffers.withLock { _ = $0.removeValue(forKey: key) }
        snapshot.withLock { $0 }?.waitUntilRead(key)
    }

    /// Whether the last checkpoint saves whole pages copy-on-write (until the next capture).
    package var isCopyingOnWrite: Bool { snapshot.withLock { $0 != nil } }

    /// Rank `rank`'s protected buffers, by id.
    func protected(by rank: Int) -> [Int: UnsafeMutableRawBufferPointer] {
        buffers.withLock { Dictionary(uniqueKeysWithValues: $0.filter { $0.key.rank == rank }.map { ($0.key.id, $0.value) }) }
    }

    /// The list a checkpoint keeps for each rank hosted here: its buffers' ids and sizes.
    func lists(for ranks: [Int]) -> [Int: [RestoredCheckpoint.ProtectedBuffer]] {
        let all = buffers.withLock { $0 }
        var lists: [Int: [RestoredCheckpoint.ProtectedBuffer]] = [:]
        for rank in ranks { lists[rank] = [] }
        for (key, buffer) in all.sorted(by: { $0.key < $1.key }) where lists[key.rank] != nil {
            lists[key.rank]!.append(RestoredCheckpoint.ProtectedBuffer(id: key.id, size: buffer.count))
        }
        return lists
    }

    package func capture() throws -> (changed: Int, total: Int) {
        takeDigestsOfLastSnapshot()
        let copyOnWrite = copyOnWrite && (try? WriteProtection.open().get()) != nil
        var claimed: [Range<UInt>] = []
        var changed = 0, total = 0
        plans = []
        for (key, buffer) in buffers.withLock({ $0 }).sorted(by: { $0.key < $1.key }) {
            let pages = PageLayout(buffer)
            var whole = copyOnWrite ? pages.whole : 0..<0
            // Buffers that share pages are copied at the checkpoint: a page's protection,
            // lifted for one, would be lifted for the other.
            let span = pages.addresses(whole)
            if claimed.contains(where: { $0.overlaps(span) }) { whole = 0..<0 } else if !whole.isEmpty { claimed.append(span) }
            let digestKey = "\(key.name) \(buffer.count)"
            let before = digests[digestKey].flatMap { $0.count == pages.count ? $0 : nil }
            digests[digestKey] = before ?? [UInt64](repeating: 0, count: pages.count)
            var plan = Plan(key: key, buffer: buffer, pages: pages, copyOnWrite: whole,
                            changed: [Bool](repeating: false, count: pages.count), before: before)
            digest(&plan, pages: (0..<pages.count).filter { !whole.contains($0) })
            changed += plan.changed.count { $0 }
            total += pages.count
            // Pages saved copy-on-write are compared only while written: the vote counts
            // the share that changed last time (none when unknown: a full checkpoint the
            // vote did not need costs more than an incremental one that holds most pages).
            if before == nil {
                changed += whole.count
            } else if let last = lastCounts {
                changed += whole.count * last.changed / last.total
            }
            plans.append(plan)
        }
        digests.keep(only: Set(plans.map(\.digestKey)))
        return (changed, total)
    }

    package func seal(full: Bool) -> any SealedPieces {
        var areas: [ProtectedSnapshot.Area] = []
        for plan in plans where !plan.copyOnWrite.isEmpty {
            let bytes = plan.pages.bytes(plan.copyOnWrite)
            areas.append(ProtectedSnapshot.Area(key: plan.key, digestKey: plan.digestKey, firstPage: plan.copyOnWrite.lowerBound,
                                                bufferSize: plan.buffer.count, start: plan.buffer.baseAddress! + bytes.lowerBound,
                                                offset: bytes.lowerBound, pages: plan.copyOnWrite.count,
                                                before: plan.before.map { Array($0[plan.copyOnWrite]) }))
        }
        areas.sort { $0.start < $1.start }
        var made: ProtectedSnapshot?
        if !areas.isEmpty, case let .success(protection) = WriteProtection.open() {
            let pages = areas.reduce(0) { $0 + $1.pages }
            let snapshot = ProtectedSnapshot(areas: areas, full: full, protection: protection,
                                             blockCount: max(4, pages * Self.pageSize / Self.poolShare / CopyBlocks.blockBytes))
            protection.handleFaults { page in snapshot.fault(at: page) }
            do {
                try snapshot.protect()
                made = snapshot
            } catch {
                diagnose("brazos: protected buffers copied at the checkpoint, not on write: \(error)", level: .info)
                for index in plans.indices where !plans[index].copyOnWrite.isEmpty {
                    digest(&plans[index], pages: Array(plans[index].copyOnWrite))
                    plans[index].copyOnWrite = 0..<0
                }
            }
        }
        snapshot.withLock { $0 = made }
        return ProtectedPieces(copies: copies(full: full), snapshot: made)
    }

    /// The share of the copy-on-write pages the pool holds at most: an eighth.
    private static let poolShare = 8

    /// Copies of the pages saved at the checkpoint (not copy-on-write) that changed, or
    /// every one when `full`, as runs of consecutive pages.
    private func copies(full: Bool) -> CopiedPieces {
        var runs: [(plan: Int, bytes: Range<Int>)] = []
        var changed = 0, total = 0
        for (index, plan) in plans.enumerated() {
            let saved = (0..<plan.pages.count).filter { !plan.copyOnWrite.contains($0) && (full || plan.changed[$0]) }
            runs += ProtectedSnapshot.runs(of: saved).map { (index, plan.pages.bytes($0)) }
            changed += plan.changed.count { $0 }
            total += plan.pages.count - plan.copyOnWrite.count
        }
        guard !runs.isEmpty else { return CopiedPieces([], in: nil, counts: (changed, total)) }
        let copies = StagedCopies(bytes: runs.reduce(0) { $0 + $1.bytes.count })
        let pieces = runs.map { run in
            let plan = plans[run.plan]
            return CopiedPieces.Piece(name: "protected \(plan.key.name)",
                                      header: SavedSection.protectedRunHeader(size: plan.buffer.count, offset: run.bytes.lowerBound),
                                      bytes: copies.copy([UnsafeRawBufferPointer(rebasing: plan.buffer[run.bytes])]))
        }
        return CopiedPieces(pieces, in: copies, counts: (changed, total))
    }

    /// Digests `pages` of the plan's buffer now, and notes which changed.
    private func digest(_ plan: inout Plan, pages: [Int]) {
        guard !pages.isEmpty, var now = digests[plan.digestKey] else { return }
        for page in pages {
            let bytes = plan.pages.bytes(page)
            let digest = brazos_page_digest(plan.buffer.baseAddress! + bytes.lowerBound, bytes.count)
            now[page] = digest
            plan.changed[page] = plan.before.map { $0[page] != digest } ?? true
        }
        digests[plan.digestKey] = now
    }

    /// The last snapshot's digests replace the ones kept for its pages; a snapshot whose
    /// part failed leaves its buffers without digests (all changed next time).
    private func takeDigestsOfLastSnapshot() {
        guard let last = snapshot.withLock({ snapshot in defer { snapshot = nil }; return snapshot }) else { return }
        if let results = last.results {
            for (area, new) in results.digests {
                guard var now = digests[area.digestKey], area.firstPage + new.count <= now.count else { continue }
                now.replaceSubrange(area.firstPage..<(area.firstPage + new.count), with: new)
                digests[area.digestKey] = now
            }
            lastCounts = results.compared > 0 ? (results.changed, results.compared) : nil
        } else {
            for area in last.areas { digests[area.digestKey] = nil }
            lastCounts = nil
        }
    }
}

/// Protected memory's sealed piece: the pages copied at the checkpoint, then the
/// copy-on-write snapshot of the rest.
private struct ProtectedPieces: SealedPieces {
    let copies: CopiedPieces
    let snapshot: ProtectedSnapshot?

    func write(to part: PartWriter) throws -> (changed: Int, total: Int) {
        let copied = try copies.write(to: part)
        guard let snapshot else { return copied }
        let written = try snapshot.write(to: part)
        return (copied.changed + written.changed, copied.total + written.total)
    }

    func release() {
        snapshot?.release()
    }

    var costs: PieceCosts { snapshot?.costs ?? PieceCosts() }
}
