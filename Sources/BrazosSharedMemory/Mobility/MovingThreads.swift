import BrazosCore
import BrazosMPI
import Checkpointing
import FoundationEssentials

/// Shared memory's part when a thread moves (docs/ARCHITECTURE.md, "Migration"): leaving
/// is a release (its node's writes go to their homes, and their notices travel with it),
/// arriving is an acquire (the new node invalidates those pages), so the thread sees its
/// own writes. Its barrier count, allocations and open files go along too, and what a
/// node that joined the job after them needs to know: where the allocations are, which
/// nodes were drained, which homes moved, the next checkpoint's epoch.
extension SharedMemory: MigrationParticipant {
    /// What travels, as JSON inside the move's record.
    struct Carried: Codable {
        var attached: Bool
        var barriers: Int
        var allocations: [String]
        var notices: [Int]
        var files: [CheckpointedFile.Record]
        var placements: [SharedAllocator.Allocation]
        var retired: [Int]
        var movedHomes: [SharedAllocator.MovedRun]
        var nextEpoch: Int?
    }

    /// Releases this node's writes and packs the thread's shared-memory state for the trip.
    /// Refuses (throws) while the thread holds a lock, or when it is the last thread of a
    /// node every checkpoint needs.
    public func departing(_ thread: BrazosThread, to node: Int) throws -> [UInt8] {
        let state = ranks.withLock { $0[thread.rank] } ?? RankState()
        guard state.locks.isEmpty else {
            throw SharedMemoryError.malformed("rank \(thread.rank) holds lock\(state.locks.count == 1 ? "" : "s") \(state.locks.sorted()); unlock before moving")
        }
        if takesCheckpoints && job.hostedRanks.count == 1 && !allocator.isRetired(job.node.id) {
            throw SharedMemoryError.checkpoint("rank \(thread.rank) is the last thread of node \(job.node.id), whose part every checkpoint needs; move it when another thread is here")
        }
        let notices = state.attached ? try service.perform(.releaseForMessage) : []
        let files = try state.files.compactMap(\.file).filter(\.isOpen).map { try $0.checkpointRecord() }
        let carried = Carried(attached: state.attached, barriers: state.barriers, allocations: state.allocations, notices: notices, files: files,
                              placements: allocator.allocations, retired: allocator.retiredNodes, movedHomes: allocator.movedHomes,
                              nextEpoch: checkpoints?.nextEpoch)
        return Array(try JSONEncoder().encode(carried))
    }

    /// Forgets the thread here: closes its files and unregisters it from the fault path.
    public func departed(_ thread: BrazosThread) {
        let state = ranks.withLock { $0.removeValue(forKey: thread.rank) }
        for file in state?.files ?? [] { file.file?.close() }
        faults.unregisterCurrentThread()
    }

    /// Takes in what the thread brought: adopts the allocations, drained nodes and epoch it
    /// knew, acquires the writes its notices name, and keeps its files' records for when it
    /// opens them again here. Throws `malformed` if the state does not decode.
    public func arriving(_ thread: BrazosThread, carried bytes: [UInt8]) throws {
        let carried: Carried
        do {
            carried = try JSONDecoder().decode(Carried.self, from: Data(bytes))
        } catch {
            throw SharedMemoryError.malformed("rank \(thread.rank) arrived with shared-memory state that does not decode: \(error)")
        }
        InjectedFault.arriving(node: job.node.id, rank: thread.rank, from: thread.arrival?.fromNode ?? -1)
        for allocation in carried.placements { try allocator.adopt(allocation) }
        for node in carried.retired { allocator.retire(node) }
        let nodes = job.node.config.nodeLimit
        if let stray = carried.movedHomes.first(where: { $0.first < 0 || $0.count < 1 || $0.first + $0.count > region.pageCount || !(0..<nodes).contains($0.home) }) {
            throw SharedMemoryError.malformed("rank \(thread.rank) arrived with a moved home of pages \(stray.first)..+\(stray.count) to node \(stray.home), outside the region or the job")
        }
        if let epoch = carried.nextEpoch { checkpoints?.catchUp(toEpoch: epoch) }
        faults.registerCurrentThread()
        if carried.attached {
            try clock.arrive(having: carried.barriers, behind: {
                ranks.withLock { $0.values.contains { $0.attached && $0.barriers < carried.barriers } }
            }, catchUpAlone: {
                // This node missed barriers while it hosted no thread: any copy may be stale,
                // and homes may have moved.
                allocator.adoptMovedHomes(carried.movedHomes)
                let me = job.node.id
                let copies = allocator.allocations.flatMap { $0.pages.filter { allocator.home(ofPage: $0, nodes: nodes) != me } }
                _ = try service.perform(.invalidate(copies))
            })
            _ = try service.perform(.acquireFromMessage(carried.notices))
        }
        ranks.withLock {
            $0[thread.rank] = RankState(attached: carried.attached, barriers: carried.barriers, allocations: carried.allocations,
                                        carriedFiles: carried.files)
        }
    }
}
