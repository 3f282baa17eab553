import BrazosMPI
import FoundationEssentials

extension BrazosThread {
    /// The paper's `MigrateMe(DestNode)`: this thread stops here and its body starts again
    /// on `node`, as the same rank, with `state` (read back with `resumeState`, or with
    /// `SharedMemory.resumeState`). Never returns: on this node it throws `ThreadMoved`,
    /// which `Brazos.run` takes (let it through). If the thread cannot move (the job was
    /// not started with `brazosrun --migratable`, an operation of its own is in progress,
    /// it holds a shared-memory lock), it throws another error and stays, as it was.
    ///
    /// Its unreceived messages go along, messages still on their way follow it, and the
    /// order of each sender's messages holds; shared memory sees the move as a release
    /// here and an acquire there; files opened with `SharedMemory.openFile` open again at
    /// the same place when the body opens them there.
    public func migrate(to node: Int, saving state: some Encodable) throws -> Never {
        try migrate(to: node, savingBytes: Array(try JSONEncoder().encode(state)))
    }

    /// `migrate(to:saving:)` with the state as raw bytes (read back with `arrival?.state`).
    public func migrate(to node: Int, savingBytes state: [UInt8]) throws -> Never {
        try job.move(self, to: node, state: state)
    }

    /// The state this thread saved when it moved here, or nil if it did not move here.
    public func resumeState<State: Decodable>(_ type: State.Type) throws -> State? {
        guard let bytes = arrival?.state else { return nil }
        return try JSONDecoder().decode(State.self, from: Data(bytes))
    }
}
