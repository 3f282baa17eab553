import BrazosMPI

/// Windows' memory in checkpoints: each window a rank makes is saved as one of its
/// protected buffers, under an id of its own (`bufferID`), and a restarted program finds
/// each window it makes again, in the same order, holding what the checkpoint saved. The
/// program protects nothing itself: `MPI_Win_allocate` memory is the library's, and a
/// window over the program's memory is saved the same way.
final class WindowMemoryCheckpoints: WindowMemoryKeeper {
    private unowned let node: NodeCheckpoints

    init(node: NodeCheckpoints) {
        self.node = node
    }

    /// The protected-buffer id of window `id`: far below any id a program or VeloC uses.
    static func bufferID(ofWindow id: Int) -> Int { -(1 << 40) - id }

    /// Whether protected buffer `id` is a window's (restored when the window is made).
    static func isWindowBuffer(_ id: Int) -> Bool { id <= -(1 << 40) }

    func keep(_ memory: UnsafeMutableRawBufferPointer, rank: Int, id: Int) throws(MPIError) {
        let buffer = Self.bufferID(ofWindow: id)
        if let restored = node.restored, let size = restored.protectedSize(rank: rank, id: buffer) {
            guard size == memory.count else {
                throw MPIError(.size, "rank \(rank)'s window (context \(id)) has \(memory.count) bytes; checkpoint epoch \(restored.manifest.epoch) saved \(size)")
            }
            restored.copyProtected(rank: rank, id: buffer, into: memory)
        }
        node.protectedMemory.protect(rank: rank, id: buffer, memory)
    }

    func forget(rank: Int, id: Int) {
        node.protectedMemory.unprotect(rank: rank, id: Self.bufferID(ofWindow: id))
    }
}
