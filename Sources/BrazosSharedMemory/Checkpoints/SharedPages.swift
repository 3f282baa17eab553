import Checkpointing

/// Shared memory's piece of a node's checkpoint part: the node's home pages that changed
/// since the last checkpoint, found and copied by the `PageSnapshot`.
///
/// Unchecked: `snapshot` and `homePages` are used by one thread at a time, in an order
/// the collectives around them give: `prepare` (under `onceHere`, inside a collective
/// allocation; `homePages` is set once, before the first) and the node's saver inside a
/// checkpoint. The writer reads the snapshot's copies until it is idle, and the saver
/// waits for that before the next `capture`.
final class SharedPages: PartContributor, @unchecked Sendable {
    private let snapshot = PageSnapshot()
    private let region: SharedRegion
    /// Per allocation, the pages homed here now (they move where nodes drain).
    var homePages: () -> [(SharedAllocator.Allocation, homePages: [Int])] = { [] }
    /// What the last `capture` compared, for `pieces`.
    private var captured: [SharedAllocator.Allocation] = []

    init(region: SharedRegion) {
        self.region = region
    }

    /// A new allocation: its home pages' copies are made now, not at the first checkpoint.
    func prepare(_ allocation: SharedAllocator.Allocation, homePages pages: [Int]) {
        _ = snapshot.update(allocation, homePages: pages, region: region)
    }

    package func capture() throws -> (changed: Int, total: Int) {
        var changed = 0, total = 0
        let allocations = homePages()
        for (allocation, pages) in allocations {
            changed += snapshot.update(allocation, homePages: pages, region: region)
            total += pages.count
        }
        captured = allocations.map(\.0)
        return (changed, total)
    }

    package func pieces(full: Bool) -> [PartPiece] {
        captured.flatMap { snapshot.runs(of: $0, full: full) }.map { run in
            PartPiece(name: SavedSection.pagesPrefix + run.allocation,
                      header: withUnsafeBytes(of: UInt64(run.first).littleEndian) { Array($0) }, bytes: run.bytes)
        }
    }

    /// The copies stay: the next checkpoint compares with them.
    package func piecesWritten() {}
}
