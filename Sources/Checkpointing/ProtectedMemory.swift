import BrazosCore

/// The buffers the ranks of this node protect (`Checkpoints.protect`, `VELOC_Mem_protect`):
/// the program's own memory, saved at every checkpoint. What changed is found by a digest
/// per 4 KiB page kept from the last checkpoint (`PageDigests`), and only changed pages
/// (every page for a full checkpoint) are copied aside, while the node's threads wait,
/// for the writer; the copies go once written. The memory a checkpoint costs beyond the
/// program's own is so 8 bytes a page, and the copied pages while they are written.
///
/// Unchecked: `buffers` is guarded. `digests`, `changed` and `staging` are used by the
/// node's saver only, inside the checkpoint while every thread of the node waits, and by
/// the writer's `piecesWritten`, which the saver waits for (`waitUntilIdle`) before it
/// captures again.
package final class ProtectedMemory: PartContributor, @unchecked Sendable {
    static let pageSize = SavedSection.pageSize

    /// One protected buffer of one rank.
    struct Key: Hashable, Comparable {
        let rank: Int
        let id: Int
        var name: String { "\(rank) \(id)" }
        static func < (a: Key, b: Key) -> Bool { (a.rank, a.id) < (b.rank, b.id) }
    }

    private let buffers = Guarded<[Key: UnsafeMutableRawBufferPointer]>([:])
    private var digests = PageDigests()
    /// Per buffer at this checkpoint: the buffer, and which of its pages changed.
    private var changed: [Key: (buffer: UnsafeMutableRawBufferPointer, pages: [Bool])] = [:]
    private var staging: StagedCopies?

    func protect(rank: Int, id: Int, _ buffer: UnsafeMutableRawBufferPointer) {
        buffers.withLock { $0[Key(rank: rank, id: id)] = buffer }
    }

    func unprotect(rank: Int, id: Int) {
        buffers.withLock { _ = $0.removeValue(forKey: Key(rank: rank, id: id)) }
    }

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
        changed = [:]
        var changedPages = 0, totalPages = 0
        for (key, buffer) in buffers.withLock({ $0 }) {
            // The size is part of the key: a buffer protected again with another size is new.
            let flags = digests.changes(of: "\(key.name) \(buffer.count)", pages: Self.pages(of: buffer))
            changed[key] = (buffer, flags)
            changedPages += flags.count { $0 }
            totalPages += flags.count
        }
        digests.keep(only: Set(changed.map { "\($0.key.name) \($0.value.buffer.count)" }))
        return (changedPages, totalPages)
    }

    package func pieces(full: Bool) -> [PartPiece] {
        // Runs of consecutive pages to copy, per buffer, in a stable order.
        var runs: [(key: Key, buffer: UnsafeMutableRawBufferPointer, offset: Int, count: Int)] = []
        for (key, (buffer, flags)) in changed.sorted(by: { $0.key < $1.key }) {
            var start: Int?
            for page in 0...flags.count {
                let copied = page < flags.count && (full || flags[page])
                if let first = start, !copied {
                    let offset = first * Self.pageSize
                    runs.append((key, buffer, offset, min(buffer.count, page * Self.pageSize) - offset))
                    start = nil
                }
                if copied && start == nil { start = page }
            }
        }
        guard !runs.isEmpty else { return [] }
        let copies = StagedCopies(bytes: runs.reduce(0) { $0 + $1.count })
        staging = copies
        return runs.map { run in
            PartPiece(name: "protected \(run.key.name)", header: SavedSection.protectedRunHeader(size: run.buffer.count, offset: run.offset),
                      bytes: copies.copy([UnsafeRawBufferPointer(rebasing: run.buffer[run.offset..<(run.offset + run.count)])]))
        }
    }

    package func piecesWritten() {
        staging = nil
    }

    private static func pages(of buffer: UnsafeMutableRawBufferPointer) -> [UnsafeRawBufferPointer] {
        stride(from: 0, to: buffer.count, by: pageSize).map { UnsafeRawBufferPointer(rebasing: buffer[$0..<min(buffer.count, $0 + pageSize)]) }
    }
}
