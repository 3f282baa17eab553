import BrazosCore

/// A rank's memory in a window, as its target: where it lies, how large it is, and the
/// unit displacements count in; for a dynamic window, the regions attached so far. It
/// turns a run of an access into an address, or refuses a run outside the memory, and
/// applies accesses (`ApplyingAccesses.swift`).
///
/// The same member's memory has one of these in its own process and, when it lies in a
/// `WindowFile` that nodes of the host map, one in each process that maps it; all of them
/// serialise accumulates on the file's lock.
///
/// Unchecked: `regions` changes only in `attach`/`detach`, called by the owning rank, and
/// is read by whoever applies an access (the delivering thread, or another rank of the
/// node); both hold `lock`. The rest is set in init.
final class WindowMemory: @unchecked Sendable {
    /// What keeps accumulates to the memory atomic: a mutex where only this process
    /// applies them, the part's lock in its file where processes of the host do.
    enum Atomicity {
        case process(PthreadMutex)
        case host(SharedSpinLock)

        func withLock<Result>(_ body: () -> Result) -> Result {
            switch self {
            case let .process(mutex): mutex.withLock(body)
            case let .host(lock): lock.withLock(body)
            }
        }
    }

    let base: UnsafeMutableRawPointer?
    let size: Int
    let displacementUnit: Int
    let flavor: Window.Flavor
    /// Freed with the window: memory `allocate` made (for `allocateShared`, the first
    /// member's, which holds every member's part).
    let owned: UnsafeMutableRawPointer?
    /// The member's slot and part, when the memory lies in a file nodes of the host map.
    let part: WindowFile.Part?
    let atomicity: Atomicity
    private let lock = PthreadMutex()
    private var regions: [Range<Int>] = []

    init(base: UnsafeMutableRawPointer?, size: Int, displacementUnit: Int, flavor: Window.Flavor, owned: UnsafeMutableRawPointer? = nil) {
        self.base = base
        self.size = size
        self.displacementUnit = displacementUnit
        self.flavor = flavor
        self.owned = owned
        part = nil
        atomicity = .process(PthreadMutex())
    }

    /// Memory in a file: `part`'s, as this process maps it.
    init(part: WindowFile.Part, size: Int, displacementUnit: Int, flavor: Window.Flavor) {
        base = part.base
        self.size = size
        self.displacementUnit = displacementUnit
        self.flavor = flavor
        owned = nil
        self.part = part
        atomicity = .host(part.atomicity)
    }

    deinit { owned?.deallocate() }

    /// The address of `run`, or nil when it does not lie wholly in the memory (in an
    /// attached region, for a dynamic window). An empty run is anywhere.
    func address(of run: WindowRun) -> UnsafeMutableRawPointer? {
        guard run.length > 0 else { return base }
        let (end, overflow) = run.offset.addingReportingOverflow(run.length)
        guard !overflow else { return nil }
        if flavor == .dynamic {
            let inside = lock.withLock { regions.contains { $0.lowerBound <= run.offset && end <= $0.upperBound } }
            return inside ? UnsafeMutableRawPointer(bitPattern: run.offset) : nil
        }
        guard run.offset >= 0, end <= size, let base else { return nil }
        return base + run.offset
    }

    // MARK: Dynamic windows

    func attach(_ region: Range<Int>) throws(MPIError) {
        try lock.withLock { () throws(MPIError) in
            guard !regions.contains(where: { $0.overlaps(region) }) else {
                throw MPIError(.rmaAttach, "memory at \(region.lowerBound) (\(region.count) bytes) overlaps memory already attached")
            }
            regions.append(region)
        }
    }

    func detach(at address: Int) throws(MPIError) {
        try lock.withLock { () throws(MPIError) in
            guard let index = regions.firstIndex(where: { $0.lowerBound == address }) else {
                throw MPIError(.rmaAttach, "no memory attached at address \(address)")
            }
            regions.remove(at: index)
        }
    }
}
