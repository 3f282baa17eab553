import BrazosCore
import BrazosMPI
import Checkpoint
import FoundationEssentials

/// What a restarted node takes from the checkpoint it restarts from, every section decoded
/// and checked before any of it is used: per rank its resume state, its open files and
/// the messages it had not received (from the newest epoch), and per allocation the runs
/// of pages every epoch of the chain saved, oldest first. Checksums vouch only that the
/// bytes are those written; a section that does not decode, names a rank the job does
/// not have or pages past the region, or saves a rank twice makes the whole checkpoint
/// unusable (`UnusableSection`), never a trap or a half-restored node.
struct RestoredCheckpoint {
    /// Consecutive saved pages of one allocation: `first` counts from the allocation's
    /// first page; `bytes` holds whole pages.
    struct PageRun {
        let first: Int
        let bytes: ArraySlice<UInt8>
    }

    let manifest: Manifest
    private(set) var states: [Int: [UInt8]] = [:]
    private(set) var files: [Int: [CheckpointedFile.Record]] = [:]
    private(set) var messages: [Int: [QueuedMessage]] = [:]
    /// Per allocation, oldest epoch first, until `takePages`.
    private(set) var pages: [String: [PageRun]] = [:]

    /// Decodes `chain` (oldest epoch first, as `CheckpointStore.read` gives it) for a job
    /// of `ranks` ranks whose shared region has `regionPages` pages.
    init(_ chain: [(manifest: Manifest, parts: [[CheckpointSection]])], ranks: Int, regionPages: Int) throws(UnusableSection) {
        guard let newest = chain.last?.manifest else { throw UnusableSection(epoch: nil, section: nil, reason: "no epoch to restore from") }
        manifest = newest
        for (epochManifest, parts) in chain {
            // Older epochs count only for their pages: the newest has every rank's state.
            let isNewest = epochManifest.epoch == newest.epoch
            for section in parts.joined() where isNewest || section.name.hasPrefix(SavedSection.pagesPrefix) {
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
                case let .state(rank, state):
                    guard states.updateValue(state, forKey: rank) == nil else { throw unusable("rank \(rank)'s state is saved twice") }
                case let .files(rank, records):
                    guard files.updateValue(records, forKey: rank) == nil else { throw unusable("rank \(rank)'s files are saved twice") }
                case let .messages(rank, queued):
                    guard messages.updateValue(queued, forKey: rank) == nil else { throw unusable("rank \(rank)'s messages are saved twice") }
                }
            }
        }
    }

    /// The page runs, handed over once: kept here too, they would outlive their restoring.
    mutating func takePages() -> [String: [PageRun]] {
        defer { pages = [:] }
        return pages
    }
}

/// Why a checkpoint cannot be restored: the section at fault, in which epoch, and what
/// is wrong with it.
struct UnusableSection: Error, CustomStringConvertible {
    let epoch: Int?
    let section: String?
    let reason: String

    var description: String {
        // A name read from the file is shown quoted and escaped, and cut short.
        let place = [epoch.map { "epoch \($0)" }, section.map { "section \(String($0.prefix(64)).debugDescription)" }].compactMap { $0 }
        return (place.isEmpty ? "" : place.joined(separator: ", ") + ": ") + reason
    }
}

/// One section of a node's part as shared memory writes it (`SharedMemoryCheckpoints.save`,
/// `CheckpointWriter`): `thread R`, the rank's state as the program encoded it; `files R`,
/// its open files' records (JSON); `messages R`, the messages waiting for it
/// (`SavedSection.encode`); `pages NAME`, a run of allocation NAME's pages (u64 first
/// page within the allocation, then whole pages).
enum SavedSection {
    case state(rank: Int, [UInt8])
    case files(rank: Int, [CheckpointedFile.Record])
    case messages(rank: Int, [QueuedMessage])
    case pages(allocation: String, RestoredCheckpoint.PageRun)

    static let pagesPrefix = "pages "

    /// What is wrong with a section.
    struct Fault: Error {
        let reason: String
        init(_ reason: String) { self.reason = reason }
    }

    /// `section` decoded for a job of `ranks` ranks whose shared region has `regionPages` pages.
    init(decoding section: CheckpointSection, ranks: Int, regionPages: Int) throws(Fault) {
        let payload = section.payload
        if section.name.hasPrefix(Self.pagesPrefix) {
            self = .pages(allocation: String(section.name.dropFirst(Self.pagesPrefix.count)), try Self.pageRun(payload, regionPages: regionPages))
            return
        }
        let words = section.name.split(separator: " ", omittingEmptySubsequences: false)
        guard words.count == 2, let rank = Int(words[1]) else { throw Fault("not a section shared memory writes") }
        guard (0..<ranks).contains(rank) else { throw Fault("rank \(rank) is not in a job of \(ranks) ranks") }
        switch words[0] {
        case "thread":
            self = .state(rank: rank, payload)
        case "files":
            let records: [CheckpointedFile.Record]
            do {
                records = try JSONDecoder().decode([CheckpointedFile.Record].self, from: Data(payload))
            } catch {
                throw Fault("not a list of file records: \(error)")
            }
            if let bad = records.first(where: { $0.offset < 0 || $0.size < 0 }) {
                throw Fault("\(bad.path.prefix(256).debugDescription) has offset \(bad.offset) and size \(bad.size)")
            }
            self = .files(rank: rank, records)
        case "messages":
            self = .messages(rank: rank, try Self.messages(payload, ranks: ranks))
        default:
            throw Fault("not a section shared memory writes")
        }
    }

    private static func pageRun(_ payload: [UInt8], regionPages: Int) throws(Fault) -> RestoredCheckpoint.PageRun {
        let pageSize = SharedRegion.pageSize
        guard payload.count >= 8 + pageSize, (payload.count - 8) % pageSize == 0 else {
            throw Fault("\(payload.count) bytes are not a first page's number and whole pages")
        }
        let first = payload.prefix(8).reversed().reduce(UInt64(0)) { ($0 << 8) | UInt64($1) }
        let count = (payload.count - 8) / pageSize
        guard first <= UInt64(regionPages), count <= regionPages - Int(first) else {
            throw Fault("\(count) pages from page \(first) lie past the region's \(regionPages)")
        }
        return RestoredCheckpoint.PageRun(first: Int(first), bytes: payload.dropFirst(8))
    }

    /// `u32 count`, then per message `u32 context, i32 source, i32 tag, u32 length, bytes`.
    static func encode(_ messages: [QueuedMessage]) -> [UInt8] {
        var writer = ByteWriter()
        writer.put(UInt32(messages.count))
        for message in messages {
            writer.put(message.context)
            writer.put(message.source)
            writer.put(message.tag)
            writer.put(bytes: message.bytes)
        }
        return writer.bytes
    }

    private static func messages(_ bytes: [UInt8], ranks: Int) throws(Fault) -> [QueuedMessage] {
        var reader = ByteReader(bytes, what: "saved messages")
        var messages: [QueuedMessage] = []
        do {
            // Nothing reserved for the count the file gives: each message read is bytes
            // that were there, and a count past them ends in a typed error.
            let count = try reader.take(UInt32.self)
            for _ in 0..<count {
                let message = QueuedMessage(context: try reader.take(), source: try reader.take(), tag: try reader.take(), bytes: try reader.takeBytes())
                guard (0..<ranks).contains(Int(message.source)) else {
                    throw Fault("a message from rank \(message.source), not in a job of \(ranks) ranks")
                }
                messages.append(message)
            }
        } catch let fault as Fault {
            throw fault
        } catch {
            throw Fault("\(error)")
        }
        guard reader.isAtEnd else { throw Fault("bytes left after \(messages.count) messages") }
        return messages
    }
}
