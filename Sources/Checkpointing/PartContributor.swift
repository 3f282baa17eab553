import Checkpoint

/// A layer's piece of a node's checkpoint part (docs/ARCHITECTURE.md, "Checkpoints"):
/// the shared memory's home pages, the ranks' protected buffers, their routed files.
/// While every thread of the node waits at the checkpoint, each layer finds what changed
/// (`capture`) and, once the nodes agreed on full or incremental, seals it (`seal`):
/// copies it aside, or write-protects it so that a page is copied only if the program
/// writes it before the writer has saved it. The writer then writes the sealed pieces
/// while the threads go on. A layer decodes its own sections at a restart
/// (`RestoredCheckpoint.layerSections`).
package protocol PartContributor: AnyObject, Sendable {
    /// Called by the node's saver while every thread of the node waits and the writer is
    /// idle: what the layer saves, compared with what the last checkpoint saved. Counts
    /// are in pages, for the full-or-incremental vote (a layer that compares only while
    /// writing gives what it found last time).
    func capture() throws -> (changed: Int, total: Int)

    /// Still inside the checkpoint, after `capture`: what the writer writes, safe from the
    /// threads once they go on: what changed, or when `full` everything a restart needs.
    func seal(full: Bool) -> any SealedPieces
}

/// One layer's sections of one checkpoint, on their way to the part file.
package protocol SealedPieces {
    /// On the writer's thread, while the node's threads go on: writes the sections into
    /// `part`. Returns the pages written and the pages the layer holds, for the report.
    func write(to part: PartWriter) throws -> (changed: Int, total: Int)

    /// On the writer's thread once it is done, the part written or not: whatever was held
    /// for the writer (copies, write protection) goes.
    func release()

    /// What the pieces cost beside the writer's own time, for the report.
    var costs: PieceCosts { get }
}

/// What sealed pieces cost the node beside the writer's time: the CPU a fault handler
/// spent copying them, and how long the ranks' threads waited in the faults it served.
package struct PieceCosts {
    package var handlerCPUSeconds = 0.0
    package var faultWaitSeconds = 0.0

    package init() {}
}

/// Sections copied aside at the checkpoint: each a small header and bytes in `copies`,
/// written straight from there, never gathered into one array first.
///
/// Unchecked: the pieces point into `copies`, which this value keeps alive and which no
/// one writes after the checkpoint made them.
package struct CopiedPieces: SealedPieces, @unchecked Sendable {
    package struct Piece {
        package let name: String
        package let header: [UInt8]
        package let bytes: UnsafeRawBufferPointer

        package init(name: String, header: [UInt8], bytes: UnsafeRawBufferPointer) {
            self.name = name
            self.header = header
            self.bytes = bytes
        }
    }

    private let pieces: [Piece]
    private let copies: StagedCopies?
    private let counts: (changed: Int, total: Int)

    package init(_ pieces: [Piece], in copies: StagedCopies?, counts: (changed: Int, total: Int)) {
        self.pieces = pieces
        self.copies = copies
        self.counts = counts
    }

    package static let none = CopiedPieces([], in: nil, counts: (0, 0))

    package func write(to part: PartWriter) throws -> (changed: Int, total: Int) {
        for piece in pieces {
            try piece.header.withUnsafeBytes { header in try part.add(piece.name, pieces: [header, piece.bytes]) }
        }
        return counts
    }

    package func release() {}

    /// Copied at the checkpoint, while the barrier was held: nothing beside the writer.
    package var costs: PieceCosts { PieceCosts() }
}
