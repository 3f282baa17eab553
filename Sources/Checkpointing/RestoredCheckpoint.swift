import BrazosCore
import BrazosMPI
import Checkpoint
import FoundationEssentials

/// What a restarted node takes from the checkpoint it restarts from, every section decoded
/// and checked before any of it is used: per rank its resume state, its open files, the
/// messages it had not received and the list of its protected buffers (from the newest
/// epoch), and the runs of bytes every epoch of the chain saved, oldest first: per
/// allocation its pages, per rank and protected buffer its changed pages. Checksums vouch
/// only that the bytes are those written; a section that does not decode, names a rank
/// the job does not have or bytes past where they belong, or saves a rank twice makes
/// the whole checkpoint unusable (`UnusableSection`), never a trap or a half-restored node.
package struct RestoredCheckpoint {
    /// Consecutive saved pages of one allocation: `first` counts from the allocation's
    /// first page; `bytes` holds whole pages.
    package struct PageRun {
        package let first: Int
        package let bytes: ArraySlice<UInt8>
    }

    /// Saved bytes of one protected buffer: `offset` into it, which was `size` bytes long.
    package struct ProtectedRun {
        package let size: Int
        package let offset: Int
        package let bytes: ArraySlice<UInt8>
    }

    /// One rank's protected buffer as the newest epoch lists it.
    package struct ProtectedBuffer: Equatable {
        package let id: Int
        package let size: Int
    }

    package let manifest: Manifest
    package private(set) var states: [Int: [UInt8]] = [:]
    package private(set) var files: [Int: [FileRecord]] = [:]
    package private(set) var messages: [Int: [QueuedMessage]] = [:]
    /// Per rank, the files it routed into the newest epoch.
    package private(set) var routedFiles: [Int: [RoutedFile]] = [:]
    /// Per rank, its protected buffers at the newest epoch.
    package private(set) var protectedBuffers: [Int: [ProtectedBuffer]] = [:]
    /// Per allocation, oldest epoch first, until `takePages`.
    private(set) var pages: [String: [PageRun]] = [:]
    /// Per rank and buffer id, oldest epoch first.
    private(set) var protectedRuns: [Int: [Int: [ProtectedRun]]] = [:]

    /// Decodes `chain` (oldest epoch first, as `CheckpointStore.read` gives it) for a job
    /// of `ranks` ranks; with `regionPages`, pages past a shared region of that many pages
    /// are refused too (`NodeCheckpoints.checkSavedPages` does it later, when the program
    /// attaches shared memory).
    package init(_ chain: [(manifest: Manifest, parts: [[CheckpointSection]])], ranks: Int, regionPages: Int? = nil) throws(UnusableSection) {
        guard let newest = chain.last?.manifest else { throw UnusableSection(epoch: nil, section: nil, reason: "no epoch to restore from") }
        manifest = newest
        for (epochManifest, parts) in chain {
            // Older epochs count only for their runs of bytes: the newest has every rank's state.
            let isNewest = epochManifest.epoch == newest.epoch
            for section in parts.joined() where isNewest || SavedSection.isRun(section.name) {
                let unusable = { (reason: String) in UnusableSection(epoch: epochManifest.epoch, section: section.name, reason: reason) }
                let saved: SavedSection
                do {
                    saved = try SavedSection(decoding: section, ranks: ranks, regionPages: regionPages)
                } catch {
                    throw unusable(error.reason)
                }
                switch saved {
                case let .pages(allocation, run):
                    pages[allocation, default: []].append(run)
                case let .protected(rank, id, run):
                    protectedRuns[rank, default: [:]][id, default: []].append(run)
                case let .state(rank, state):
                    guard states.updateValue(state, forKey: rank) == nil else { throw unusable("rank \(rank)'s state is saved twice") }
                case let .files(rank, records):
                    guard files.updateValue(records, forKey: rank) == nil else { throw unusable("rank \(rank)'s files are saved twice") }
                case let .messages(rank, queued):
                    guard messages.updateValue(queued, forKey: rank) == nil else { throw unusable("rank \(rank)'s messages are saved twice") }
                case let .routed(rank, files):
                    guard routedFiles.updateValue(files, forKey: rank) == nil else { throw unusable("rank \(rank)'s routed files are saved twice") }
                case let .protectedList(rank, buffers):
                    guard protectedBuffers.updateValue(buffers, forKey: rank) == nil else {
                        throw unusable("rank \(rank)'s protected buffers are listed twice")
                    }
                }
            }
        }
        try checkProtectedBuffersAreWhole()
    }

    /// Every buffer the newest epoch lists must be covered, byte for byte, by runs saved
    /// for its size (the checkpoint that first saw a buffer at that size saved all of it):
    /// a gap would restore bytes the program never had.
    private func checkProtectedBuffersAreWhole() throws(UnusableSection) {
        for (rank, buffers) in protectedBuffers {
            for buffer in buffers {
                let runs = (protectedRuns[rank]?[buffer.id] ?? []).filter { $0.size == buffer.size }.sorted { $0.offset < $1.offset }
                var covered = 0
                for run in runs where run.offset <= covered { covered = max(covered, run.offset + run.bytes.count) }
                guard covered >= buffer.size else {
                    throw UnusableSection(epoch: manifest.epoch, section: "protected \(rank)",
                                          reason: "buffer \(buffer.id) of \(buffer.size) bytes is saved only up to byte \(covered)")
                }
            }
        }
    }

    /// The page runs, handed over once: kept here too, they would outlive their restoring.
    package mutating func takePages() -> [String: [PageRun]] {
        defer { pages = [:] }
        return pages
    }

    /// How long rank `rank`'s protected buffer `id` was at the checkpoint; nil when the
    /// newest epoch does not list it.
    package func protectedSize(rank: Int, id: Int) -> Int? {
        protectedBuffers[rank]?.first { $0.id == id }?.size
    }

    /// Rebuilds rank `rank`'s protected buffer `id` in `target` (`protectedSize` bytes
    /// long) from every epoch of the chain, oldest first; a run saved while the buffer
    /// had another size is an older life of it, and left out.
    package func copyProtected(rank: Int, id: Int, into target: UnsafeMutableRawBufferPointer) {
        guard let size = protectedSize(rank: rank, id: id), size == target.count else { return }
        for run in protectedRuns[rank]?[id] ?? [] where run.size == size {
            run.bytes.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: target[run.offset..<(run.offset + $0.count)]).copyMemory(from: $0) }
        }
    }
}

/// Why a checkpoint cannot be restored: the section at fault, in which epoch, and what
/// is wrong with it.
package struct UnusableSection: Error, CustomStringConvertible {
    package let epoch: Int?
    package let section: String?
    package let reason: String

    package var description: String {
        // A name read from the file is shown quoted and escaped, and cut short.
        let place = [epoch.map { "epoch \($0)" }, section.map { "section \(String($0.prefix(64)).debugDescription)" }].compactMap { $0 }
        return (place.isEmpty ? "" : place.joined(separator: ", ") + ": ") + reason
    }
}
