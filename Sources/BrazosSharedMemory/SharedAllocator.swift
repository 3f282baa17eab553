import BrazosCore
import BrazosMPI
import Synchronization

/// Hands out places in the shared region. Every node runs the same deterministic bump
/// allocator, so the same sequence of allocations gives the same offsets everywhere; the
/// threads of a node share one allocator, and a name already allocated on the node gives
/// its existing place back (so each thread may call `allocate` for every allocation).
public final class SharedAllocator: Sendable {
    /// Where an allocation's pages are homed at first (homes then follow their writers).
    public enum Placement: String, Equatable, Sendable, Codable {
        /// Node k of N is home of the k-th N-th of the pages: an array split by rank into
        /// consecutive shares is homed where each share is computed on.
        case block
        /// Page p is homed on node p mod N: work dealt out page by page, or a table every
        /// node reads alike, spread evenly.
        case cyclic
    }

    /// One allocation: where it is in the region and how big.
    public struct Allocation: Equatable, Sendable, Codable {
        /// The name it was allocated under; the same on every node.
        public let name: String
        /// Bytes from the region's start.
        public let offset: Int
        /// Bytes allocated.
        public let size: Int
        /// How its pages are homed at first.
        public var placement: Placement = .block

        /// The region's pages it touches (at least one).
        public var pages: Range<Int> {
            let pageSize = SharedRegion.pageSize
            return (offset / pageSize)..<((offset + max(size, 1) + pageSize - 1) / pageSize)
        }
    }

    private let capacity: Int
    private let state = Guarded<(next: Int, byName: [String: Allocation])>((0, [:]))
    /// Page ranges of the allocations, in region order, for home placement; the nodes
    /// drained out of the job (their pages have new homes); pages whose home moved to the
    /// node that wrote them alone (page → home).
    private let placement = Guarded<(ranges: [(pages: Range<Int>, placement: Placement)], retired: Set<Int>, moved: [Int: Int])>(([], [], [:]))

    /// Where each page's home is written for the fault handler, if anywhere.
    private let homes: (any HomeRecord)?

    /// An allocator for a region of `capacity` bytes.
    public convenience init(capacity: Int) { self.init(capacity: capacity, recordingHomesIn: nil) }

    /// An allocator that writes the home of every page it places into `homes`.
    init(capacity: Int, recordingHomesIn homes: (any HomeRecord)?) {
        self.capacity = capacity
        self.homes = homes
    }

    /// Writes the homes of `pages` into the record.
    private func recordHomes(of pages: some Sequence<Int>) {
        guard let homes else { return }
        for page in pages { homes.record(home: home(ofPage: page, nodes: homes.nodes), ofPage: page) }
    }

    /// The place of `name` (`size` bytes, aligned to `alignment`, its pages homed by
    /// `placement`) on this node.
    public func place(_ name: String, size: Int, alignment: Int, placement kind: Placement = .block) throws(SharedMemoryError) -> Allocation {
        let result = state.withLock { state -> Result<Allocation, SharedMemoryError> in
            if let existing = state.byName[name] {
                guard existing.size == size, existing.placement == kind else {
                    return .failure(.conflictingName(name: name, detail: "\(existing.size) bytes placed \(existing.placement) before, \(size) placed \(kind) now"))
                }
                return .success(existing)
            }
            let offset = (state.next + alignment - 1) / alignment * alignment
            guard offset + size <= capacity else {
                return .failure(.full(name: name, requested: size, available: max(0, capacity - offset)))
            }
            let allocation = Allocation(name: name, offset: offset, size: size, placement: kind)
            state.next = offset + size
            state.byName[name] = allocation
            placement.withLock { $0.ranges.append((allocation.pages, allocation.placement)) }
            return .success(allocation)
        }
        let allocation = try result.get()
        recordHomes(of: allocation.pages)
        return allocation
    }

    /// On a node that joined the job, for an allocation made before it came (its
    /// arriving threads bring them): takes it at the place it has everywhere else. The
    /// allocator goes on from the end of the last one, as every node's does.
    public func adopt(_ allocation: Allocation) throws(SharedMemoryError) {
        let result = state.withLock { state -> Result<Void, SharedMemoryError> in
            if let existing = state.byName[allocation.name] {
                return existing == allocation ? .success(()) : .failure(.conflictingName(name: allocation.name, detail: "at \(existing.offset) here, at \(allocation.offset) where a thread came from"))
            }
            guard allocation.offset >= state.next, allocation.offset + allocation.size <= capacity else {
                return .failure(.malformed("allocation '\(allocation.name)' brought at \(allocation.offset) (\(allocation.size) bytes), below this node's next place \(state.next) or past the region"))
            }
            state.next = allocation.offset + allocation.size
            state.byName[allocation.name] = allocation
            placement.withLock { $0.ranges.append((allocation.pages, allocation.placement)) }
            return .success(())
        }
        try result.get()
        recordHomes(of: allocation.pages)
    }

    /// Every allocation made on this node, in region order.
    public var allocations: [Allocation] {
        state.withLock { $0.byName.values.sorted { $0.offset < $1.offset } }
    }

    /// The home of `page` among `nodes`: the node it moved to, if it moved; else as the
    /// placement of the first allocation on it says (block: node k gets the k-th
    /// share of its pages; cyclic: its i-th page goes to node i mod N); node 0 for other
    /// pages; a drained node's pages go to the next node after it that remains. Every node computes the same, since every node makes the
    /// same allocations, moves and drains.
    public func home(ofPage page: Int, nodes: Int) -> Int {
        home(ofPage: page, nodes: nodes, retiring: nil)
    }

    /// The home `page` will have once `retiring` is drained too.
    public func home(ofPage page: Int, nodes: Int, retiring: Int?) -> Int {
        placement.withLock { placement -> Int in
            // A page shared by two allocations keeps the earlier one's home: its data may
            // be there already, written at that home without tracking.
            let placed = placement.moved[page] ?? placement.ranges.first(where: { $0.pages.contains(page) }).map { range in
                let index = page - range.pages.lowerBound
                switch range.placement {
                case .block: return index * nodes / range.pages.count
                case .cyclic: return index % nodes
                }
            } ?? 0
            return Self.remaining(from: placed, nodes: nodes, retired: placement.retired.union(retiring.map { [$0] } ?? []))
        }
    }

    /// Node `node` was drained: its pages' homes are the next nodes that remain.
    public func retire(_ node: Int) {
        placement.withLock { _ = $0.retired.insert(node) }
        recordHomes(of: placement.withLock { $0.ranges.flatMap(\.pages) })
    }

    /// Pages whose only writer since the last shared barrier was another node are homed
    /// there from now on (every node moves the same pages at the same barrier).
    func moveHomes(_ moves: [(page: Int, home: Int)]) {
        placement.withLock { placement in
            for (page, home) in moves { placement.moved[page] = home }
        }
        recordHomes(of: moves.map(\.page))
    }

    /// Consecutive pages whose homes moved to one node.
    public struct MovedRun: Codable, Equatable, Sendable {
        public var first: Int
        public var count: Int
        public var home: Int
    }

    /// The homes that moved, as runs (for a node that missed the barriers that moved them).
    var movedHomes: [MovedRun] {
        placement.withLock { placement in
            var runs: [MovedRun] = []
            for (page, home) in placement.moved.sorted(by: { $0.key < $1.key }) {
                if let last = runs.last, last.home == home, last.first + last.count == page {
                    runs[runs.count - 1].count += 1
                } else {
                    runs.append(MovedRun(first: page, count: 1, home: home))
                }
            }
            return runs
        }
    }

    /// Takes the moved homes of a node that followed every barrier (replacing these).
    func adoptMovedHomes(_ runs: [MovedRun]) {
        let before = placement.withLock { placement -> [Int] in
            let before = Array(placement.moved.keys)
            placement.moved = [:]
            for run in runs {
                for page in run.first..<(run.first + run.count) { placement.moved[page] = run.home }
            }
            return before
        }
        recordHomes(of: Set(before).union(runs.flatMap { $0.first..<($0.first + $0.count) }))
    }

    /// Whether `node` was drained (its pages now have other homes).
    public func isRetired(_ node: Int) -> Bool { placement.withLock { $0.retired.contains(node) } }

    /// The nodes drained so far.
    public var retiredNodes: [Int] { placement.withLock { $0.retired.sorted() } }

    /// The node that stands for `node` (which manages a lock, say): itself, or the next
    /// one after it that was not drained.
    public func remaining(from node: Int, nodes: Int) -> Int {
        placement.withLock { Self.remaining(from: node, nodes: nodes, retired: $0.retired) }
    }

    private static func remaining(from node: Int, nodes: Int, retired: Set<Int>) -> Int {
        guard !retired.isEmpty else { return node }
        var candidate = node
        for _ in 0..<nodes where retired.contains(candidate) { candidate = (candidate + 1) % nodes }
        return candidate
    }

    /// Checks that every rank of `communicator` made the same allocation: its name's hash,
    /// offset and size must agree (allreduce of MIN against MAX).
    public static func checkAgreement(_ allocation: Allocation, on communicator: Communicator) throws {
        let mine = [Int64(bitPattern: fnv1a(allocation.name)), Int64(allocation.offset), Int64(allocation.size),
                    Int64(bitPattern: fnv1a(allocation.placement.rawValue))]
        let lowest = try communicator.allreduce(mine, op: .min)
        let highest = try communicator.allreduce(mine, op: .max)
        guard lowest == highest else {
            let what = lowest[0] != highest[0] ? "the names differ" : lowest[1] != highest[1]
                ? "offsets \(lowest[1])...\(highest[1]) (allocations made in another order?)"
                : lowest[2] != highest[2] ? "sizes \(lowest[2])...\(highest[2]) bytes" : "placements differ"
            throw SharedMemoryError.mismatchedAllocation(name: allocation.name, detail: "\(what); this rank has offset \(allocation.offset), \(allocation.size) bytes")
        }
    }

    static func fnv1a(_ text: String) -> UInt64 {
        text.utf8.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01b3 }
    }
}
