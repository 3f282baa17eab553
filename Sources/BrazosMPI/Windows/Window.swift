import BrazosCore

/// An MPI window (`MPI_Win`) as one member sees it: memory each member of a communicator
/// exposes to the others' puts, gets and accumulates, and the synchronisations that
/// order them. Creation and `free` are collective over the communicator.
///
/// How accesses run (directly on this node's members, as messages to other nodes), and
/// the synchronisation protocols, are in docs/ARCHITECTURE.md, *One-sided windows*.
///
/// Unchecked: the epochs, `sentInEpoch`, `fenceEpoch`, `outstanding`, `unflushed`, `heldAccess`, the
/// name, info and attributes belong to the member's thread (MPI lets one thread at a time
/// synchronise a window; concurrent accesses of one member are the program's to order,
/// and Brazos asks `MPI_THREAD_SERIALIZED` of them); `errorHandler` is set by the program
/// and read when a call fails. The rest is set in init and never changes.
public final class Window: @unchecked Sendable {
    /// How the memory came to be (`MPI_WIN_CREATE_FLAVOR`).
    public enum Flavor: Sendable {
        case create, allocate, dynamic, shared
    }

    /// `MPI_Win_lock`'s lock types.
    public enum LockType: Sendable {
        case exclusive, shared
    }

    /// The `assert` argument of the synchronisations (`MPI_MODE_*`): promises that let a
    /// synchronisation do less. Brazos checks nothing it is promised and skips only what a
    /// promise makes safe to skip. The raw values are the MPI 5.0 ABI's.
    public struct Assertions: OptionSet, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        public static let noCheck = Assertions(rawValue: 1024)
        public static let noPrecede = Assertions(rawValue: 2048)
        public static let noPut = Assertions(rawValue: 4096)
        public static let noStore = Assertions(rawValue: 8192)
        public static let noSucceed = Assertions(rawValue: 16384)
    }

    /// A member's memory as others see it.
    struct Peer {
        let worldRank: Int
        let size: Int
        let displacementUnit: Int
        /// The address of its memory (for `sharedQuery`).
        let base: Int
        /// Its endpoint, when it is a rank of this node: accesses to it are applied at once.
        let local: WindowEndpoint?
        /// Its memory as mapped here, when it is a rank of another node of this host whose
        /// memory lies in a `WindowFile`: puts, gets and accumulates are applied at once
        /// too; locks, posts and completes still go to its node.
        let mapped: WindowMemory?
        /// The address of its memory here when `local` or `mapped` reaches it (not for a
        /// dynamic window): the fast path's, read without retaining either.
        let directBase: UnsafeMutableRawPointer?

        init(worldRank: Int, size: Int, displacementUnit: Int, base: Int, local: WindowEndpoint?, mapped: WindowMemory?) {
            self.worldRank = worldRank
            self.size = size
            self.displacementUnit = displacementUnit
            self.base = base
            self.local = local
            self.mapped = mapped
            directBase = (local?.memory ?? mapped).flatMap { $0.flavor == .dynamic ? nil : $0.base }
        }

        /// Whether the member has completed `count` fences (a direct access of the epoch
        /// the `count`th fence opened may be applied).
        func hasCompleted(fences count: Int) -> Bool {
            if let local { return local.hasCompleted(fences: count) }
            return (mapped?.part?.fencesCompleted ?? count) >= count
        }
    }

    /// The window's own communicator: a copy of the program's with contexts of its own.
    let communicator: Communicator
    let endpoint: WindowEndpoint
    let peers: [Peer]
    /// What the program set (`MPI_Win_set_name`, attributes).
    public var name = ""
    private var hints: WindowHints
    var attributes = AttributeList()
    /// What the C interface does with an error on this window (`MPI_ERRORS_ARE_FATAL`
    /// until the program sets another); Swift callers always get the error thrown.
    public var errorHandler: ErrorHandler = .fatal

    var accessEpoch = AccessEpoch.none {
        didSet {
            directReach.follow(accessEpoch, peers: peers)
            noteEpochs()
        }
    }
    /// The members the epoch lets the fast path copy to and from (`DirectReach`).
    private(set) var directReach: DirectReach
    var exposureEpoch = ExposureEpoch.none { didSet { noteEpochs() } }
    /// Fence epochs begun, whose parity the counted messages carry.
    var fenceEpoch = 0
    /// Counted messages sent to each member (communicator rank) in this fence epoch.
    var sentInEpoch: [Int]
    /// Replies this member waits for as an origin, until a synchronisation completes them.
    var outstanding: [PendingReply] = []
    /// Members on other nodes sent to since their last flush, unlock or complete.
    var unflushed = Set<Int>()
    /// The small puts and accumulates last made to one member on another node, not sent
    /// yet (as Open MPI's `pt2pt` gathers accesses until a synchronisation): they go in
    /// one frame before the caller's next other window message, and a flush right after
    /// them asks the last for its answer instead of sending a message of its own, so a
    /// window of puts and its flush are one frame each way. Every synchronisation sends
    /// them; MPI completes an access only there.
    var heldAccess: HeldAccess?
    static let heldAccessLimit = 4096
    /// Flushes that found nothing to wait for, of which one in `idlePollInterval` polls.
    var idleFlushes = 0
    static let idlePollInterval = 32
    private(set) var isFreed = false
    /// Regions attached to a dynamic window so far (the count names each in checkpoints),
    /// and the checkpoint ids of those still attached, by start address.
    private var attachments = 0
    private var keptRegions: [Int: Int] = [:]

    private init(communicator: Communicator, endpoint: WindowEndpoint, peers: [Peer], info: Info) {
        self.communicator = communicator
        self.endpoint = endpoint
        self.peers = peers
        hints = WindowHints(info)
        sentInEpoch = Array(repeating: 0, count: communicator.size)
        directReach = DirectReach(members: peers.count)
    }

    // MARK: Creation

    /// `MPI_Win_create`: `size` bytes of the caller's memory at `base`.
    public static func create(base: UnsafeMutableRawPointer?, size: Int, displacementUnit: Int, info: Info = Info(),
                              communicator: Communicator) throws(MPIError) -> Window {
        try checkArguments(size: size, displacementUnit: displacementUnit, communicator: communicator, flavor: .create)
        guard base != nil || size == 0 else { throw MPIError(.base, "null base for a window of \(size) bytes") }
        return try make(WindowMemory(base: base, size: size, displacementUnit: displacementUnit, flavor: .create), info: info, on: communicator)
    }

    /// `MPI_Win_allocate`: `size` new bytes (zeroed), at `base` of the window returned.
    /// Where members are on other nodes of this host, the bytes lie in a `WindowFile`
    /// those nodes map.
    public static func allocate(size: Int, displacementUnit: Int, info: Info = Info(), communicator: Communicator) throws(MPIError) -> Window {
        try checkArguments(size: size, displacementUnit: displacementUnit, communicator: communicator, flavor: .allocate)
        let engine = communicator.engine
        if engine.mobile != nil, let carried = engine.windows.takeCarried(rank: communicator.callerWorldRank) {
            return try resume(carried, size: size, displacementUnit: displacementUnit, info: info, on: communicator)
        }
        let sharesHost = engine.mobile == nil && communicator.worldRanks.contains { world in
            engine.directory.node(of: world) != engine.nodeID && engine.hostProcess(ofRank: world) != nil
        }
        let control = WindowFile.controlSize(members: 1)
        // Without a file (none is needed, or none could be had) the others send messages.
        if sharesHost, let file = try? MemoryFile.create(name: WindowFile.name(owner: communicator.callerWorldRank), size: control + size) {
            let part = WindowFile.Part(file: file, owner: communicator.callerWorldRank, slot: 0, dataOffset: control)
            return try make(WindowMemory(part: part, size: size, displacementUnit: displacementUnit, flavor: .allocate), info: info, on: communicator)
        }
        let memory = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(size, 1), alignment: 64)
        memory.initializeMemory(as: UInt8.self, repeating: 0, count: Swift.max(size, 1))
        return try make(WindowMemory(base: memory, size: size, displacementUnit: displacementUnit, flavor: .allocate, owned: memory),
                        info: info, on: communicator)
    }

    /// `MPI_Win_allocate_shared`: like `allocate`, the members' parts laid out one after
    /// the other in one allocation that every member can load and store
    /// (`sharedQuery`). The members must be ranks of one node, or of nodes of one host
    /// that reach each other through shared memory (`MPI_ERR_RMA_SHARED` otherwise): the
    /// parts then lie in one `WindowFile` that every member maps.
    public static func allocateShared(size: Int, displacementUnit: Int, info: Info = Info(), communicator: Communicator) throws(MPIError) -> Window {
        try checkArguments(size: size, displacementUnit: displacementUnit, communicator: communicator, flavor: .shared)
        let engine = communicator.engine
        let nodes = Set(communicator.worldRanks.map { engine.directory.node(of: $0) })
        guard communicator.worldRanks.allSatisfy({ engine.hostProcess(ofRank: $0) != nil }) else {
            throw MPIError(.rmaShared, "MPI_Win_allocate_shared over ranks of nodes that do not share memory (other hosts, or --transport tcp)")
        }
        let sizes = try communicator.allgather([size])
        let before = sizes[..<communicator.rank].reduce(0, +)
        let total = sizes.reduce(0, +)
        guard nodes.count > 1 else {
            // The first member allocates every part; the others learn where.
            var start = [0]
            var owned: UnsafeMutableRawPointer?
            if communicator.rank == 0 {
                owned = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(total, 1), alignment: 64)
                owned!.initializeMemory(as: UInt8.self, repeating: 0, count: Swift.max(total, 1))
                start[0] = Int(bitPattern: owned)
            }
            try communicator.bcast(&start, root: 0)
            let base = UnsafeMutableRawPointer(bitPattern: start[0] + before)
            return try make(WindowMemory(base: base, size: size, displacementUnit: displacementUnit, flavor: .shared, owned: owned),
                            info: info, on: communicator)
        }
        // The first member makes the file; every other maps it, and all agree that all could.
        let owner = communicator.worldRank(of: 0)
        let control = WindowFile.controlSize(members: communicator.size)
        var file: MemoryFile?
        var descriptor = [-1]
        if communicator.rank == 0 {
            file = try? MemoryFile.create(name: WindowFile.name(owner: owner), size: control + total)
            descriptor[0] = file?.descriptor.map(Int.init) ?? -1
        }
        try communicator.bcast(&descriptor, root: 0)
        if communicator.rank != 0 {
            file = WindowFile.open(owner: owner, descriptor: descriptor[0], engine: engine)
        }
        let mapped = try communicator.allreduce([file == nil ? 0 : 1], op: .min)
        guard let file, mapped[0] == 1 else {
            throw MPIError(.rmaShared, "MPI_Win_allocate_shared: a member could not map the memory of the window's first member (\(control + total) bytes)")
        }
        let part = WindowFile.Part(file: file, owner: owner, slot: communicator.rank, dataOffset: control + before)
        return try make(WindowMemory(part: part, size: size, displacementUnit: displacementUnit, flavor: .shared), info: info, on: communicator)
    }

    /// `MPI_Win_create_dynamic`: no memory until the caller attaches some; displacements
    /// are addresses (`MPI_Get_address`).
    public static func createDynamic(info: Info = Info(), communicator: Communicator) throws(MPIError) -> Window {
        try checkArguments(size: 0, displacementUnit: 1, communicator: communicator, flavor: .dynamic)
        return try make(WindowMemory(base: nil, size: 0, displacementUnit: 1, flavor: .dynamic), info: info, on: communicator)
    }

    /// Where threads move, only `allocate` windows: their memory is the library's, which
    /// can follow a rank; a program's own memory (`create`, `dynamic`) stays with the node
    /// the thread left, and `shared` memory is reached by loads and stores.
    private static func checkArguments(size: Int, displacementUnit: Int, communicator: Communicator, flavor: Flavor) throws(MPIError) {
        guard size >= 0 else { throw MPIError(.size, "negative window size \(size)") }
        guard displacementUnit > 0 else { throw MPIError(.disp, "displacement unit \(displacementUnit) is not positive") }
        guard !communicator.isIntercommunicator else { throw MPIError(.comm, "windows are made over intracommunicators") }
        guard communicator.engine.mobile == nil || flavor == .allocate else {
            throw MPIError(.unsupportedOperation, "where threads move (--migratable) windows are made by MPI_Win_allocate, whose memory can follow a thread; not \(flavor)")
        }
    }

    /// On a rank that moved here, its body making again the first window it brought
    /// along: no collective (the others have theirs); the window as it was, if the
    /// arguments are those it was made with.
    private static func resume(_ endpoint: WindowEndpoint, size: Int, displacementUnit: Int, info: Info, on parent: Communicator) throws(MPIError) -> Window {
        let origin = endpoint.carriedOrigin!
        guard parent.worldRanks == origin.worldRanks, size == endpoint.memory.size, displacementUnit == endpoint.memory.displacementUnit else {
            throw MPIError(.win, "rank \(parent.callerWorldRank) moved here with a window of \(endpoint.memory.size) bytes (unit \(endpoint.memory.displacementUnit)) over world ranks \(origin.worldRanks); make it again first, with those arguments, not \(size) bytes (unit \(displacementUnit)) over \(parent.worldRanks)")
        }
        if let keeper = parent.engine.windows.keeper, size > 0 {
            try keeper.keep(UnsafeMutableRawBufferPointer(start: endpoint.memory.base, count: size), rank: parent.callerWorldRank, id: Int(origin.context))
        }
        let communicator = Communicator(engine: parent.engine, context: origin.context, translation: parent.translation,
                                        rank: parent.rank, size: parent.size, contexts: parent.contexts)
        let peers = origin.members.enumerated().map { rank, member in
            Peer(worldRank: origin.worldRanks[rank], size: member.size, displacementUnit: member.displacementUnit, base: member.base, local: nil, mapped: nil)
        }
        let window = Window(communicator: communicator, endpoint: endpoint, peers: peers, info: info)
        window.name = origin.name
        window.fenceEpoch = origin.fenceEpoch
        window.accessEpoch = origin.fenceOpen ? .fence(accessed: false) : .none
        endpoint.carriedOrigin = nil
        endpoint.window = window
        return window
    }

    /// What a moving rank carries of the window as an origin (see `CarriedWindow`).
    func carriedOrigin() -> CarriedWindow.Origin {
        let fenceOpen: Bool
        if case .fence = accessEpoch { fenceOpen = true } else { fenceOpen = false }
        return CarriedWindow.Origin(context: communicator.context, rank: communicator.rank, worldRanks: communicator.worldRanks,
                             members: peers.map { .init(size: $0.size, displacementUnit: $0.displacementUnit, base: $0.base) },
                             fenceEpoch: fenceEpoch, fenceOpen: fenceOpen, name: name)
    }

    /// Registers the caller's endpoint, then agrees with the others on every member's
    /// memory; the members of this node are found through the node's directory.
    private static func make(_ memory: WindowMemory, info: Info, on parent: Communicator) throws(MPIError) -> Window {
        let communicator = Communicator(engine: parent.engine, context: try parent.agreeOnContext(), translation: parent.translation,
                                        rank: parent.rank, size: parent.size, contexts: parent.contexts)
        let engine = parent.engine
        let endpoint = WindowEndpoint(context: communicator.context, worldRank: communicator.callerWorldRank, memory: memory, engine: engine)
        engine.windows.register(endpoint)
        // Each member's memory, and where it lies in a file if it does: the file's maker,
        // its descriptor there, the member's slot and the part's offset.
        let part = memory.part
        let described: [Int]
        do {
            described = try communicator.allgather([memory.size, memory.displacementUnit, Int(bitPattern: memory.base),
                                                    part?.owner ?? -1, part.flatMap { $0.file.descriptor }.map(Int.init) ?? -1,
                                                    part?.slot ?? 0, part?.dataOffset ?? 0])
        } catch {
            engine.windows.remove(endpoint)
            throw error
        }
        var files: [Int: MemoryFile] = [:]
        if let part { files[part.owner] = part.file }
        let peers = (0..<communicator.size).map { rank in
            let fields = described[(7 * rank)..<(7 * rank + 7)].map { $0 }
            let world = communicator.worldRank(of: rank)
            let node = engine.directory.node(of: world)
            // Where threads move, every access is a message: a member found here may leave.
            let local = node == engine.nodeID && engine.mobile == nil ? engine.windows.endpoint(context: communicator.context, worldRank: world) : nil
            var mapped: WindowMemory?
            let owner = fields[3]
            if local == nil, owner >= 0 {
                if files[owner] == nil {
                    files[owner] = WindowFile.open(owner: owner, descriptor: fields[4], engine: engine)
                }
                if let file = files[owner] {
                    let part = WindowFile.Part(file: file, owner: owner, slot: fields[5], dataOffset: fields[6])
                    if part.fits(size: fields[0]) {
                        mapped = WindowMemory(part: part, size: fields[0], displacementUnit: fields[1], flavor: memory.flavor)
                    }
                }
            }
            return Peer(worldRank: world, size: fields[0], displacementUnit: fields[1], base: fields[2], local: local, mapped: mapped)
        }
        if let keeper = engine.windows.keeper, memory.flavor != .dynamic, memory.size > 0 {
            do {
                try keeper.keep(UnsafeMutableRawBufferPointer(start: memory.base, count: memory.size), rank: communicator.callerWorldRank,
                                id: Int(communicator.context))
            } catch {
                engine.windows.remove(endpoint)
                throw error
            }
        }
        let window = Window(communicator: communicator, endpoint: endpoint, peers: peers, info: info)
        if engine.mobile != nil { endpoint.window = window }
        return window
    }

    // MARK: Queries

    /// The caller's memory (`MPI_WIN_BASE`): nil for a dynamic window.
    public var base: UnsafeMutableRawPointer? { endpoint.memory.base }
    /// `MPI_WIN_SIZE`.
    public var size: Int { endpoint.memory.size }
    /// `MPI_WIN_DISP_UNIT`.
    public var displacementUnit: Int { endpoint.memory.displacementUnit }
    /// `MPI_WIN_CREATE_FLAVOR`.
    public var flavor: Flavor { endpoint.memory.flavor }
    /// `MPI_WIN_MODEL`: always unified. Every access is applied to the memory the
    /// program loads and stores, and there is no copy that a sync would reconcile.
    public var isUnified: Bool { true }
    /// `MPI_Win_get_group`: the members.
    public var group: Group { communicator.group }
    /// `MPI_Win_get_info`: the window's hints (see `WindowHints`), a new object.
    public var info: Info { hints.info }

    /// `MPI_Win_set_info`: the known hints `info` holds replace those in use.
    public func setInfo(_ info: Info) {
        hints.update(with: info)
    }

    /// The caller's rank among the members.
    public var rank: Int { communicator.rank }

    /// `MPI_Win_shared_query`: a member's memory the caller can load and store (its size,
    /// displacement unit and address). Every member of an `allocateShared` window; in a
    /// window of another flavor (MPI 4.1), the members of the caller's node and those
    /// whose memory is mapped here (`WindowFile`), the others giving size 0 and no address
    /// (as does a member whose part is empty). `MPI.procNull` gives the first member whose part is
    /// not empty. Not for a dynamic window (`MPI_ERR_RMA_FLAVOR`).
    public func sharedQuery(rank: Int) throws(MPIError) -> (size: Int, displacementUnit: Int, base: UnsafeMutableRawPointer?) {
        guard flavor != .dynamic else { throw MPIError(.rmaFlavor, "MPI_Win_shared_query on a dynamic window") }
        let chosen: Int
        if rank == MPI.procNull {
            chosen = peers.firstIndex { $0.size > 0 } ?? 0
        } else {
            guard peers.indices.contains(rank) else { throw MPIError(.rank, "rank \(rank) is not in a window of \(peers.count) members") }
            chosen = rank
        }
        let peer = peers[chosen]
        if peer.size == 0 { return (0, peer.displacementUnit, nil) }
        if let mapped = peer.mapped { return (peer.size, peer.displacementUnit, mapped.base) }
        guard peer.local != nil else { return (0, peer.displacementUnit, nil) }
        return (peer.size, peer.displacementUnit, UnsafeMutableRawPointer(bitPattern: peer.base))
    }

    // MARK: Dynamic windows

    /// `MPI_Win_attach`: `size` bytes at `base` become reachable at their addresses.
    /// Checkpoints save them (as the window's `n`th attachment: a restarted program that
    /// attaches regions of the same sizes in the same order finds them as saved).
    public func attach(_ base: UnsafeMutableRawPointer?, size: Int) throws(MPIError) {
        guard flavor == .dynamic else { throw MPIError(.rmaFlavor, "MPI_Win_attach on a window not made by MPI_Win_create_dynamic") }
        guard size >= 0 else { throw MPIError(.size, "negative size \(size)") }
        guard let base else {
            guard size == 0 else { throw MPIError(.base, "null base for \(size) bytes") }
            return
        }
        let start = Int(bitPattern: base)
        try endpoint.memory.attach(start..<(start + size))
        attachments += 1
        guard let keeper = communicator.engine.windows.keeper, size > 0 else { return }
        let id = Int(communicator.context) + attachments << 32
        do {
            try keeper.keep(UnsafeMutableRawBufferPointer(start: base, count: size), rank: communicator.callerWorldRank, id: id)
        } catch {
            try? endpoint.memory.detach(at: start)
            throw error
        }
        keptRegions[start] = id
    }

    /// `MPI_Win_detach`: the memory attached at `base` is no longer reachable.
    public func detach(_ base: UnsafeRawPointer?) throws(MPIError) {
        guard flavor == .dynamic else { throw MPIError(.rmaFlavor, "MPI_Win_detach on a window not made by MPI_Win_create_dynamic") }
        let start = Int(bitPattern: base)
        try endpoint.memory.detach(at: start)
        if let id = keptRegions.removeValue(forKey: start) { communicator.engine.windows.keeper?.forget(rank: communicator.callerWorldRank, id: id) }
    }

    // MARK: Freeing

    /// `MPI_Win_free`: collective; the caller's epochs must have ended. Runs the attributes'
    /// delete callbacks, stops checkpoints saving the memory, waits for every member, then
    /// lets go of the memory.
    public func free() throws(MPIError) {
        guard !isFreed else { throw MPIError(.win, "the window was freed already") }
        switch accessEpoch {
        case .none, .fence: break
        default: throw MPIError(.rmaSync, "MPI_Win_free inside an access epoch (\(accessEpoch)); end it first")
        }
        guard case .none = exposureEpoch else { throw MPIError(.rmaSync, "MPI_Win_free inside an exposure epoch; call MPI_Win_wait first") }
        try sendHeldAccess()
        try waitForOutstanding()
        try deleteAllAttributes()
        // Before the barrier: no member lets go of memory (the first member of an
        // allocateShared window holds every part) that a checkpoint still saves.
        let keeper = communicator.engine.windows.keeper
        for id in [Int(communicator.context)] + keptRegions.values { keeper?.forget(rank: communicator.callerWorldRank, id: id) }
        keptRegions.removeAll()
        try communicator.barrier()
        communicator.engine.windows.remove(endpoint)
        isFreed = true
    }

    /// Tells the endpoint whether a checkpoint could save the window now: outside any
    /// epoch, or in a fence epoch with no access made yet.
    private func noteEpochs() {
        let exposing: Bool
        if case .posted = exposureEpoch { exposing = true } else { exposing = false }
        endpoint.isBusy = exposing || !accessEpoch.isOpenFence
    }

    func checkUsable() throws(MPIError) {
        guard !isFreed else { throw MPIError(.win, "the window was freed") }
    }
}
