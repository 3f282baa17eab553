import CBrazos
#if canImport(Glibc)
import Glibc
#endif

/// One node's protocol state for every page of the region (a `brazos_page_table` in C,
/// since the SIGSEGV handler serves faults with it too):
///
/// | state     | application view | meaning |
/// | untouched | no access        | never accessed here |
/// | invalid   | no access        | the copy here may be stale: fetch from the home |
/// | readOnly  | read             | a valid copy; a write faults |
/// | writable  | read + write     | at the home, unshared (writes need no notice) or dirty; elsewhere dirty, with a twin |
/// | flushing  | no access        | invalid, its diff still on the way home: only the service thread serves it |
///
/// A page's state and protection change together, under the table's lock: `withLock`
/// here, `brazos_pages_lock` in the handler. Homes are outside the lock: the allocator
/// records them (`HomeRecord`) before any thread can touch the pages.
///
/// Unchecked: `table` is a `let` pointer to C memory made in init and never freed (the
/// handler may use it until the process ends); everything in it but the homes is behind
/// its lock, and the homes are relaxed atomics.
final class PageTable: HomeRecord, @unchecked Sendable {
    enum State: UInt8 {
        case untouched, invalid, readOnly, writable, flushing
    }

    private let table: OpaquePointer
    let nodes: Int

    /// A table for `region`'s pages on node `me` of `nodes` (homes among them), for up to
    /// `nodeLimit` nodes of the job; throws `system` if its memory cannot be had.
    init(region: SharedRegion, me: Int, nodes: Int, nodeLimit: Int) throws(SharedMemoryError) {
        self.nodes = nodes
        guard let table = brazos_pages_create(region.pageCount, Int32(me), Int32(nodeLimit),
                                              region.base.assumingMemoryBound(to: UInt8.self),
                                              region.serviceBase.assumingMemoryBound(to: UInt8.self),
                                              region.sharedBits, region.sharedSummary) else {
            throw .system(call: "page table", errno: errno)
        }
        self.table = table
    }

    /// Lets the fault handler serve faults with this table (once the region is in use).
    func serveFaultsInHandler() { brazos_fault_serve_with(table) }

    func home(of page: Int) -> Int { Int(brazos_pages_home(table, page)) }

    func record(home: Int, ofPage page: Int) { brazos_pages_set_home(table, page, Int32(home)) }

    /// Faults on pages homed by `node` copy them from `view` (a node of this host).
    func mapPeer(_ node: Int, _ view: PeerRegion) {
        brazos_pages_map_peer(table, Int32(node), view.pages, view.sharedBits, view.sharedSummary)
    }

    /// What a fault needs after this process did what it could.
    enum FaultOutcome { case served, needsFetch }

    /// Serves a fault as the handler does (takes the lock).
    func serveFault(page: Int, isWrite: Bool) throws(SharedMemoryError) -> FaultOutcome {
        let outcome = brazos_pages_serve_fault(table, page, isWrite ? 1 : 0)
        if outcome < 0 { throw .system(call: "mprotect", errno: -outcome) }
        return outcome == Int32(BRAZOS_FAULT_SERVED) ? .served : .needsFetch
    }

    /// Runs `body` holding the table's lock: nothing in it may wait for another thread.
    func withLock<Result, Failure: Error>(_ body: (Locked) throws(Failure) -> Result) throws(Failure) -> Result {
        brazos_pages_lock(table)
        defer { brazos_pages_unlock(table) }
        return try body(Locked(table: table))
    }

    /// The table while its lock is held: only `withLock` makes one.
    struct Locked {
        fileprivate let table: OpaquePointer

        subscript(page: Int) -> State {
            get { State(rawValue: brazos_pages_state(table, page)) ?? .invalid }
            nonmutating set { brazos_pages_set_state(table, page, newValue.rawValue) }
        }

        func home(of page: Int) -> Int { Int(brazos_pages_home(table, page)) }

        /// Pages one fetch of `page` takes: it and the following ones with the same home
        /// and no valid copy here, `BRAZOS_PAGE_BATCH` at most.
        func fetchRun(from page: Int) -> Int { brazos_pages_fetch_run(table, page, brazos_pages_home(table, page)) }

        /// Sets what the application may do with `pages` (mprotect).
        func setAccess(_ access: SharedRegion.Access, pages: Range<Int>) throws(SharedMemoryError) {
            let failed = brazos_pages_protect(table, pages.lowerBound, pages.count, access.protection)
            if failed < 0 { throw .system(call: "mprotect", errno: -failed) }
        }

        /// Sets both the state and the protection of `pages`.
        func set(_ state: State, _ access: SharedRegion.Access, pages: Range<Int>) throws(SharedMemoryError) {
            try setAccess(access, pages: pages)
            for page in pages { self[page] = state }
        }

        func markDirty(_ page: Int) { brazos_pages_mark_dirty(table, page) }
        func clearDirty(_ page: Int) { brazos_pages_clear_dirty(table, page) }

        /// The pages written since the last release, ascending; they are no longer dirty.
        func takeDirty() -> [Int] {
            let count = brazos_pages_dirty_count(table)
            var pages = [Int64](repeating: 0, count: count)
            let taken = pages.withUnsafeMutableBufferPointer { brazos_pages_take_dirty(table, $0.baseAddress, count) }
            precondition(taken == count, "the dirty count changed under the lock")
            return pages.map { Int($0) }
        }

        /// The page's twin, if it has one (valid until the page is twinned again, which
        /// cannot happen while the lock is held); it is forgotten.
        func takeTwin(of page: Int) -> UnsafeRawPointer? { brazos_pages_take_twin(table, page).map { UnsafeRawPointer($0) } }

        func isShared(_ page: Int) -> Bool { brazos_pages_is_shared(table, page) != 0 }
        func markShared(_ page: Int) { brazos_pages_mark_shared(table, page) }
        func clearShared(_ page: Int) { brazos_pages_clear_shared(table, page) }

        /// Home pages that processes of this host copied since the last call and that this
        /// node wrote untracked become read-only and dirty (notices of this release).
        func absorbShares() throws(SharedMemoryError) {
            let failed = brazos_pages_absorb_shares(table)
            if failed < 0 { throw .system(call: "mprotect", errno: -failed) }
        }
    }
}

/// Where the allocator writes each page's home whenever placement changes.
protocol HomeRecord: AnyObject, Sendable {
    /// The nodes homes are placed among.
    var nodes: Int { get }
    func record(home: Int, ofPage page: Int)
}
