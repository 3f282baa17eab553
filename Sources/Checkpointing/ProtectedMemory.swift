import BrazosCore
import CBrazos
#if canImport(Glibc)
import Glibc
#endif

/// The buffers the ranks of this node protect (`Checkpoints.protect`, `VELOC_Mem_protect`):
/// the program's own memory, saved at every checkpoint. What changed is found by a CRC-32C
/// per 4 KiB page, kept from the last checkpoint (4 bytes a page, where a copy would cost
/// the page), and only changed pages are copied aside, at the checkpoint, for the writer;
/// the copies are let go once written. A full checkpoint copies every page.
/// (The memory a checkpoint costs beyond the program's own is so the checksums, and the
/// changed pages while they are written.)
///
/// Unchecked: `buffers` is guarded. `saved` and `staging` are used by the node's saver
/// only, inside the checkpoint while every thread of the node waits, and `staging` is read
/// by the writer until it is idle, which the saver waits for before touching it again.
package final class ProtectedMemory: PartContributor, @unchecked Sendable {
    static let pageSize = SavedSection.pageSize

    /// One protected buffer of one rank.
    struct Key: Hashable, Comparable {
        let rank: Int
        let id: Int
        static func < (a: Key, b: Key) -> Bool { (a.rank, a.id) < (b.rank, b.id) }
    }

    private let buffers = Guarded<[Key: UnsafeMutableRawBufferPointer]>([:])
    /// Per buffer, its size and each page's checksum at the last checkpoint that saved it.
    private var saved: [Key: (size: Int, checksums: [UInt32])] = [:]
    /// Per buffer at this checkpoint: which pages changed.
    private var changed: [Key: [Bool]] = [:]
    /// The copies the writer writes from.
    private var staging: UnsafeMutableRawBufferPointer?

    deinit { staging?.deallocate() }

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

    package func piecesWritten() {
        staging?.deallocate()
        staging = nil
    }

    package func capture() throws -> (changed: Int, total: Int) {
        changed = [:]
        var changedPages = 0, totalPages = 0
        for (key, buffer) in buffers.withLock({ $0 }) {
            let pages = (buffer.count + Self.pageSize - 1) / Self.pageSize
            let before = saved[key].flatMap { $0.size == buffer.count ? $0.checksums : nil }
            var checksums = [UInt32](repeating: 0, count: pages)
            var flags = [Bool](repeating: true, count: pages)
            for page in 0..<pages {
                let bytes = UnsafeRawBufferPointer(rebasing: buffer[(page * Self.pageSize)..<min(buffer.count, (page + 1) * Self.pageSize)])
                checksums[page] = brazos_crc32c(0, bytes.baseAddress!, bytes.count)
                if let before { flags[page] = before[page] != checksums[page] }
            }
            saved[key] = (buffer.count, checksums)
            changed[key] = flags
            changedPages += flags.count { $0 }
            totalPages += pages
        }
        // A buffer unprotected since is no longer saved, and is new if protected again.
        let current = Set(changed.keys)
        saved = saved.filter { current.contains($0.key) }
        return (changedPages, totalPages)
    }

    package func pieces(full: Bool) -> [PartPiece] {
        let all = buffers.withLock { $0 }
        // Runs of consecutive pages to copy, per buffer, in a stable order.
        var runs: [(key: Key, offset: Int, count: Int)] = []
        for key in changed.keys.sorted() {
            guard let buffer = all[key], let flags = changed[key] else { continue }
            var start: Int?
            for page in 0...flags.count {
                let copied = page < flags.count && (full || flags[page])
                if let first = start, !copied {
                    let offset = first * Self.pageSize
                    runs.append((key, offset, min(buffer.count, page * Self.pageSize) - offset))
                    start = nil
                }
                if copied && start == nil { start = page }
            }
        }
        let bytes = runs.reduce(0) { $0 + $1.count }
        guard bytes > 0 else { return [] }
        let copies = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes, alignment: Self.pageSize)
        staging = copies
        var at = 0
        var pieces: [PartPiece] = []
        for run in runs {
            let buffer = all[run.key]!
            let target = UnsafeMutableRawBufferPointer(rebasing: copies[at..<(at + run.count)])
            target.copyMemory(from: UnsafeRawBufferPointer(rebasing: buffer[run.offset..<(run.offset + run.count)]))
            pieces.append(PartPiece(name: "protected \(run.key.rank) \(run.key.id)",
                                    header: SavedSection.protectedRunHeader(size: buffer.count, offset: run.offset),
                                    bytes: UnsafeRawBufferPointer(target)))
            at += run.count
        }
        return pieces
    }
}
