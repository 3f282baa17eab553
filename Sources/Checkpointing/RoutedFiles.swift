import BrazosCore
import Checkpoint
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// The files the ranks of this node route into their next checkpoint (`Checkpoints.route`,
/// `VELOC_Route_file`): a rank writes a file at a path, and the checkpoint keeps its bytes
/// under a name the rank chose, in its `routed R` section; after a restart the rank asks
/// for them by that name. A file is read once, at the checkpoint that keeps it, and
/// forgotten after it: each checkpoint keeps the files routed since the one before.
/// (Files are small beside protected buffers, so each is kept whole, never as changed pages.)
///
/// Unchecked: `routes` is guarded. `captured` is used by the node's saver only, inside
/// the checkpoint while every thread of the node waits.
package final class RoutedFiles: PartContributor, @unchecked Sendable {
    /// One routed file: the name a restart asks for it by, and where the rank writes it.
    struct Route: Equatable {
        let name: String
        let path: String
    }

    private let routes = Guarded<[Int: [Route]]>([:])
    /// Per rank, its routed files read at this checkpoint.
    private var captured: [Int: [RoutedFile]] = [:]

    /// Rank `rank`'s next checkpoint keeps the file at `path` under `name` (a later route
    /// of the same name replaces it).
    func route(rank: Int, name: String, path: String) {
        routes.withLock { routes in
            routes[rank, default: []].removeAll { $0.name == name }
            routes[rank, default: []].append(Route(name: name, path: path))
        }
    }

    /// Reads every routed file. A file that cannot be read fails the checkpoint: the
    /// program said the checkpoint needs it.
    package func capture() throws -> (changed: Int, total: Int) {
        let taken = routes.withLock { routes in defer { routes.removeAll() }; return routes }
        captured = [:]
        for (rank, list) in taken {
            captured[rank] = try list.map { route in
                let bytes: Data
                do {
                    bytes = try Data(contentsOf: URL(fileURLWithPath: route.path))
                } catch {
                    throw CheckpointingError("rank \(rank)'s routed file \(route.name.debugDescription) at \(route.path): \(error)")
                }
                guard bytes.count <= Int(UInt32.max) else {
                    throw CheckpointingError("rank \(rank)'s routed file \(route.name.debugDescription) is \(bytes.count) bytes; at most 4 GiB is kept")
                }
                return RoutedFile(name: route.name, bytes: Array(bytes))
            }
        }
        // Whole files, and no pages: they count for nothing in the full-or-incremental vote.
        return (0, 0)
    }

    package func seal(full: Bool) -> any SealedPieces {
        let encoded = captured.sorted { $0.key < $1.key }.map { rank, files in (rank, SavedSection.encode(routed: files)) }
        captured = [:]
        guard !encoded.isEmpty else { return CopiedPieces.none }
        let copies = StagedCopies(bytes: encoded.reduce(0) { $0 + $1.1.count })
        let pieces = encoded.map { rank, bytes in
            CopiedPieces.Piece(name: "routed \(rank)", header: [], bytes: bytes.withUnsafeBytes { copies.copy([$0]) })
        }
        return CopiedPieces(pieces, in: copies, counts: (0, 0))
    }
}

/// A file a checkpoint kept for a rank (`routed R`): the name the rank gave it, its bytes.
package struct RoutedFile: Equatable, Sendable {
    package let name: String
    package let bytes: [UInt8]

    package init(name: String, bytes: [UInt8]) {
        self.name = name
        self.bytes = bytes
    }
}
