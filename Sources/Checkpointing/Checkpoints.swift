import BrazosCore
import BrazosMPI
import FoundationEssentials

/// Checkpoints of a program that only sends messages, no shared memory needed: each
/// thread protects its buffers and saves a `Codable` state; the messages sent before a
/// checkpoint and not yet received are saved and arrive once after a restart. The same
/// checkpoints, store and coordinator as `SharedMemory.checkpoint` (docs/USER-GUIDE.md,
/// "Checkpoints without shared memory").
///
/// ```swift
/// let job = try Brazos.join()
/// let checkpoints = try Checkpoints.attach(to: job)
/// try job.run { thread in
///     var grid = [Double](repeating: 0, count: n)
///     var step = try checkpoints.resumeState(Int.self, by: thread) ?? 0
///     try grid.withUnsafeMutableBytes { bytes in
///         checkpoints.protect(0, bytes, by: thread)
///         try checkpoints.restoreProtected(by: thread)       // after a restart: as saved
///         while step < steps {
///             compute(bytes); step += 1
///             try checkpoints.barrier(by: thread, saving: step) // a checkpoint when due
///         }
///         checkpoints.unprotect(0, by: thread)
///     }
/// }
/// ```
public final class Checkpoints: Sendable {
    let node: NodeCheckpoints?

    private init(node: NodeCheckpoints?) {
        self.node = node
    }

    /// This process's checkpoints for `job`: in `brazosrun --checkpoint-dir` (or
    /// `BRAZOS_CHECKPOINT_DIR`), or none, where every call below is a plain collective or
    /// does nothing. After a restart each hosted rank's saved messages are queued again
    /// here: call it before `run`, before anything is sent.
    public static func attach(to job: Brazos) throws -> Checkpoints {
        Checkpoints(node: try NodeCheckpoints.attach(to: job))
    }

    /// Whether the job saves checkpoints (it has a checkpoint directory).
    public var takesCheckpoints: Bool { node != nil }

    /// The epoch the job restarted from, if it did.
    public var restartedEpoch: Int? { node?.restartedEpoch }

    /// From now on every checkpoint saves `buffer` as this thread's buffer `id` (another
    /// buffer under the same id replaces it). The memory must stay valid until
    /// `unprotect`; only its pages that changed since the last checkpoint are written.
    public func protect(_ id: Int, _ buffer: UnsafeMutableRawBufferPointer, by thread: BrazosThread) {
        node?.protectedMemory.protect(rank: thread.rank, id: id, buffer)
    }

    /// Checkpoints no longer save buffer `id` of this thread.
    public func unprotect(_ id: Int, by thread: BrazosThread) {
        node?.protectedMemory.unprotect(rank: thread.rank, id: id)
    }

    /// After a restart: fills each buffer this thread protects now with what the
    /// checkpoint saved under its id. A buffer of another size than the saved one is an
    /// error (nothing of it is changed); one the checkpoint does not have is left as is.
    /// Returns the ids restored.
    @discardableResult
    public func restoreProtected(by thread: BrazosThread) throws -> [Int] {
        guard let node, let restored = node.restored else { return [] }
        var done: [Int] = []
        for (id, buffer) in node.protectedMemory.protected(by: thread.rank).sorted(by: { $0.key < $1.key })
        where !WindowMemoryCheckpoints.isWindowBuffer(id) {
            guard let size = restored.protectedSize(rank: thread.rank, id: id) else { continue }
            guard size == buffer.count else {
                throw CheckpointingError("rank \(thread.rank)'s buffer \(id) is \(buffer.count) bytes; epoch \(restored.manifest.epoch) saved \(size)")
            }
            restored.copyProtected(rank: thread.rank, id: id, into: buffer)
            done.append(id)
        }
        return done
    }

    /// Collective over every rank: saves a checkpoint now (the protected buffers, every
    /// thread's `state` and the messages not yet received). Throws without a checkpoint
    /// directory.
    public func checkpoint(by thread: BrazosThread, state: some Encodable) throws {
        guard let node else { throw CheckpointingError("no checkpoint directory (brazosrun --checkpoint-dir)") }
        try take(node, thread, state: state, always: true)
    }

    /// Collective over every rank: a point where a checkpoint may be taken, which it is
    /// when the interval of `brazosrun --checkpoint-every` has passed, or one was asked
    /// for (`brazosrun checkpoint JOB`, SIGUSR1 to brazosrun, or a planned stop: SIGTERM
    /// to brazosrun, after which the job ends). Every rank takes part in the decision, so
    /// all take it or none. Without a checkpoint directory it does nothing. Returns
    /// whether a checkpoint was taken.
    @discardableResult
    public func barrier(by thread: BrazosThread, saving state: @autoclosure () -> some Encodable) throws -> Bool {
        guard let node else { return false }
        return try take(node, thread, state: state(), always: false)
    }

    @discardableResult
    private func take(_ node: NodeCheckpoints, _ thread: BrazosThread, state: some Encodable, always: Bool) throws -> Bool {
        try node.checkNothingPending(thread)
        let encoded = Array(try JSONEncoder().encode(state))
        let decision = try node.decide(thread, always: always)
        guard decision.save else { return false }
        try node.save(thread, state: encoded, files: [])
        if decision.stop { try node.stop(thread) }
        return true
    }

    /// The state this thread saved at the checkpoint the job restarted from; nil when it
    /// starts afresh.
    public func resumeState<State: Decodable>(_ type: State.Type, by thread: BrazosThread) throws -> State? {
        guard let bytes = node?.resumeState(rank: thread.rank) else { return nil }
        do {
            return try JSONDecoder().decode(State.self, from: Data(bytes))
        } catch {
            throw CheckpointingError("rank \(thread.rank)'s saved state is not a \(State.self): \(error)")
        }
    }

    /// Returns once this node's last checkpoint is written (or failed, which brazosrun
    /// reports); the program may end before, a node waits for its writer when it ends.
    public func waitUntilWritten() {
        node?.waitUntilWritten()
    }

    /// Whether this node's last checkpoint is written (or failed), without waiting; true
    /// without a checkpoint directory.
    public var isWritten: Bool { node?.isWritten ?? true }
}
