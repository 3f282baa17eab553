/// Where a node's windows' memory is kept across checkpoints: the checkpoint layer
/// (Checkpointing) installs one with `Brazos.keepWindowMemory(with:)`; without one,
/// checkpoints do not save windows. A window is known by its id, the context its
/// creation agreed on, which is the same when a restarted program makes its windows
/// again in the same order; the `n`th region attached to a dynamic window by
/// `context + n << 32`.
public protocol WindowMemoryKeeper: AnyObject, Sendable {
    /// World rank `rank` made window `id` over `memory`: checkpoints save it from now on,
    /// and after a restart it holds what the checkpoint saved under that id at once.
    /// Throws when the saved memory does not fit (a window of another size).
    func keep(_ memory: UnsafeMutableRawBufferPointer, rank: Int, id: Int) throws(MPIError)
    /// The window is freed: checkpoints no longer save it.
    func forget(rank: Int, id: Int)
}

extension Brazos {
    /// From now on every window made on this node reports its memory to `keeper` (set
    /// before `run`, once).
    public func keepWindowMemory(with keeper: WindowMemoryKeeper) {
        engine.windows.keeper = keeper
    }
}

extension Communicator {
    /// How many windows of the caller are inside an epoch that a checkpoint cannot save:
    /// a passive-target or post-start-complete-wait epoch, or a fence epoch with accesses
    /// not yet completed by the next fence.
    public var windowsInEpoch: Int { engine.windows.busyEndpoints(rank: callerWorldRank) }
}
