import BrazosCore

/// The window endpoints of a node's ranks, by the window's context and the rank's world
/// rank: where a window message is handed on delivery, and how an origin finds a target
/// of its own node. An endpoint is registered before its window's creation agrees on
/// anything, so no member can reach a target that is not here yet.
final class WindowDirectory: Sendable {
    struct Key: Hashable {
        let context: UInt32
        let worldRank: Int
    }

    private let endpoints = Guarded<[Key: WindowEndpoint]>([:])
    private let installedKeeper = Guarded<WindowMemoryKeeper?>(nil)

    /// Where windows' memory is kept across checkpoints (see `WindowMemoryKeeper`).
    var keeper: WindowMemoryKeeper? {
        get { installedKeeper.withLock { $0 } }
        set { installedKeeper.withLock { $0 = newValue } }
    }

    /// The endpoints of world rank `rank` whose window is in an epoch (`WindowEndpoint.isBusy`).
    func busyEndpoints(rank: Int) -> Int {
        endpoints.withLock { $0.values.filter { $0.worldRank == rank && $0.isBusy }.count }
    }

    func register(_ endpoint: WindowEndpoint) {
        endpoints.withLock { $0[Key(context: endpoint.context, worldRank: endpoint.worldRank)] = endpoint }
    }

    func remove(_ endpoint: WindowEndpoint) {
        endpoints.withLock { $0[Key(context: endpoint.context, worldRank: endpoint.worldRank)] = nil }
    }

    func endpoint(context: UInt32, worldRank: Int) -> WindowEndpoint? {
        endpoints.withLock { $0[Key(context: context, worldRank: worldRank)] }
    }

    // MARK: Ranks that move

    /// On the node a rank leaves, from the departure (under the engine's lock, once no
    /// window message for the rank is being handled): its windows in creation order
    /// (their contexts ascend), each refused unless at rest, then taken out of the
    /// directory. Returns the record's bytes and the ids of all of them (for the keeper).
    func departing(rank: Int) throws(MPIError) -> (record: [UInt8], ids: [Int]) {
        let mine = endpoints.withLock { $0.values.filter { $0.worldRank == rank } }.sorted { $0.context < $1.context }
        for endpoint in mine { try endpoint.checkAtRest() }
        // A window the program dropped without freeing it can be made again by no one.
        let carried = mine.compactMap { endpoint in
            (endpoint.window?.carriedOrigin() ?? endpoint.carriedOrigin).map { CarriedWindow(origin: $0, target: endpoint.carriedTarget()) }
        }
        endpoints.withLock { for endpoint in mine { $0[Key(context: endpoint.context, worldRank: rank)] = nil } }
        return (carried.isEmpty ? [] : CarriedWindow.encode(carried), mine.map { Int($0.context) })
    }

    /// On the node a rank arrives at, before any message for it is let through: its
    /// windows' endpoints, over new memory with the carried bytes, waiting for its body to
    /// make the windows again (`takeCarried`).
    func arriving(rank: Int, windows: [CarriedWindow], engine: MessageEngine) {
        for carried in windows { register(WindowEndpoint(arriving: carried, worldRank: rank, engine: engine)) }
    }

    /// The first window `rank` brought along that its body has not made again yet.
    func takeCarried(rank: Int) -> WindowEndpoint? {
        endpoints.withLock { $0.values.filter { $0.worldRank == rank && $0.carriedOrigin != nil } }.min { $0.context < $1.context }
    }

    /// A window message the engine received (the header checked against the job).
    func deliver(_ header: FrameHeader, payload: UnsafeRawBufferPointer) throws(BrazosError) {
        guard let endpoint = endpoint(context: header.context, worldRank: Int(header.destination)) else {
            throw .malformed("window message for rank \(header.destination) on context \(header.context), which has no window here")
        }
        let origin = WindowEndpoint.Sender(rank: Int(header.source), node: Int(header.sourceNode))
        try WindowMessage.decodeEach(payload) { (message, data) throws(BrazosError) in try endpoint.handle(message, data: data, from: origin) }
    }
}
