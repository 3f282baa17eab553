import Checkpoint

/// A layer's piece of a node's checkpoint part (docs/ARCHITECTURE.md, "Checkpoints"):
/// the shared memory's home pages, the ranks' protected buffers. Each layer finds what
/// changed since the last checkpoint and copies it aside while every thread of the node
/// waits at the checkpoint; the writer then writes the copies while the threads go on.
/// A layer decodes its own sections at a restart (`RestoredCheckpoint.layerSections`).
package protocol PartContributor: AnyObject, Sendable {
    /// Called by the node's saver while every thread of the node waits and the writer is
    /// idle: compares what the layer saves with what the last checkpoint saved and
    /// copies what changed. Counts are in pages, for the full-or-incremental decision.
    func capture() throws -> (changed: Int, total: Int)

    /// The sections to write, after `capture`: what changed, or when `full` everything a
    /// restart needs. Their bytes stay untouched until the writer is idle again.
    func pieces(full: Bool) -> [PartPiece]

    /// Called by the writer once it is done with the pieces (written or failed): copies
    /// made only for it can go.
    func piecesWritten()
}

/// One section of a part whose payload is a small header and then bytes written straight
/// from the layer's copies (a run of pages), never gathered into one array first.
package struct PartPiece {
    package let name: String
    package let header: [UInt8]
    package let bytes: UnsafeRawBufferPointer

    package init(name: String, header: [UInt8], bytes: UnsafeRawBufferPointer) {
        self.name = name
        self.header = header
        self.bytes = bytes
    }
}
