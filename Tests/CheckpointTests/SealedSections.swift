import Checkpoint
@testable import Checkpointing

/// Writes `sealed` as node 0's part of `epoch` in `store`, as a node's writer does, and
/// reads its sections back.
func writtenSections(of sealed: any SealedPieces, in store: CheckpointStore, epoch: Int) throws -> [CheckpointSection] {
    defer { sealed.release() }
    let part = try store.writePart(epoch: epoch, node: 0) { writer in _ = try sealed.write(to: writer) }
    let manifest = Manifest(epoch: epoch, job: "test", program: "test", arguments: [], threads: 1, nodes: 1, created: 0, parts: [part])
    return try store.readPart(manifest, node: 0)
}
