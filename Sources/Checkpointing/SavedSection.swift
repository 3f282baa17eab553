import BrazosCore
import BrazosMPI
import Checkpoint
import FoundationEssentials

/// One section of a node's part (`NodeCheckpoints.save`, `CheckpointWriter`): `thread R`,
/// the rank's state as the program encoded it; `files R`, its open files' records (JSON);
/// `messages R`, the messages waiting for it (`SavedSection.encode`); `protected R`, the
/// list of its protected buffers (u32 count, then per buffer i64 id and u64 size);
/// `protected R ID`, a run of bytes of one of them (u64 the buffer's size, u64 offset,
/// then the bytes); `pages NAME`, a run of shared allocation NAME's pages (u64 first
/// page within the allocation, then whole pages); `routed R`, the files the rank routed
/// into the checkpoint (`SavedSection.encode(routed:)`). Integers are little-endian.
package enum SavedSection {
    case state(rank: Int, [UInt8])
    case files(rank: Int, [FileRecord])
    case messages(rank: Int, [QueuedMessage])
    case protectedList(rank: Int, [RestoredCheckpoint.ProtectedBuffer])
    case protected(rank: Int, id: Int, RestoredCheckpoint.ProtectedRun)
    case pages(allocation: String, RestoredCheckpoint.PageRun)
    case routed(rank: Int, [RoutedFile])

    package static let pagesPrefix = "pages "
    package static let pageSize = 4096

    /// Whether a section of this name holds a run of bytes, which older epochs of a chain
    /// contribute too.
    static func isRun(_ name: String) -> Bool {
        name.hasPrefix(pagesPrefix) || name.hasPrefix("protected ") && name.split(separator: " ").count == 3
    }

    /// What is wrong with a section.
    package struct Fault: Error {
        package let reason: String
        init(_ reason: String) { self.reason = reason }
    }

    /// `section` decoded for a job of `ranks` ranks; with `regionPages`, pages must lie
    /// inside a region of that many pages.
    package init(decoding section: CheckpointSection, ranks: Int, regionPages: Int?) throws(Fault) {
        let payload = section.payload
        if section.name.hasPrefix(Self.pagesPrefix) {
            self = .pages(allocation: String(section.name.dropFirst(Self.pagesPrefix.count)), try Self.pageRun(payload, regionPages: regionPages))
            return
        }
        let words = section.name.split(separator: " ", omittingEmptySubsequences: false)
        guard words.count == 2 || words.count == 3 && words[0] == "protected", let rank = Int(words[1]) else {
            throw Fault("not a section Brazos writes")
        }
        guard (0..<ranks).contains(rank) else { throw Fault("rank \(rank) is not in a job of \(ranks) ranks") }
        if words.count == 3 {
            guard let id = Int(words[2]) else { throw Fault("not a section Brazos writes") }
            self = .protected(rank: rank, id: id, try Self.protectedRun(payload))
            return
        }
        switch words[0] {
        case "thread":
            self = .state(rank: rank, payload)
        case "files":
            let records: [FileRecord]
            do {
                records = try JSONDecoder().decode([FileRecord].self, from: Data(payload))
            } catch {
                throw Fault("not a list of file records: \(error)")
            }
            if let bad = records.first(where: { $0.offset < 0 || $0.size < 0 }) {
                throw Fault("\(bad.path.prefix(256).debugDescription) has offset \(bad.offset) and size \(bad.size)")
            }
            self = .files(rank: rank, records)
        case "messages":
            self = .messages(rank: rank, try Self.messages(payload, ranks: ranks))
        case "protected":
            self = .protectedList(rank: rank, try Self.protectedList(payload))
        case "routed":
            self = .routed(rank: rank, try Self.routed(payload))
        default:
            throw Fault("not a section Brazos writes")
        }
    }

    /// `u32 count`, then per buffer `i64 id, u64 size`.
    package static func encode(buffers: [RestoredCheckpoint.ProtectedBuffer]) -> [UInt8] {
        var writer = ByteWriter()
        writer.put(UInt32(buffers.count))
        for buffer in buffers {
            writer.put(Int64(buffer.id))
            writer.put(UInt64(buffer.size))
        }
        return writer.bytes
    }

    /// The header of a `protected R ID` run: the buffer's size and the run's offset.
    package static func protectedRunHeader(size: Int, offset: Int) -> [UInt8] {
        var writer = ByteWriter()
        writer.put(UInt64(size))
        writer.put(UInt64(offset))
        return writer.bytes
    }

    private static func protectedList(_ payload: [UInt8]) throws(Fault) -> [RestoredCheckpoint.ProtectedBuffer] {
        var reader = ByteReader(payload, what: "protected buffers")
        var buffers: [RestoredCheckpoint.ProtectedBuffer] = []
        do {
            let count = try reader.take(UInt32.self)
            for _ in 0..<count {
                let id = try reader.take(Int64.self), size = try reader.take(UInt64.self)
                // Sizes are checked against the address space, never trusted for an allocation.
                guard size <= UInt64(Int.max / 2), !buffers.contains(where: { $0.id == Int(id) }) else {
                    throw Fault("buffer \(id) of \(size) bytes is listed twice or larger than memory")
                }
                buffers.append(RestoredCheckpoint.ProtectedBuffer(id: Int(id), size: Int(size)))
            }
        } catch let fault as Fault {
            throw fault
        } catch {
            throw Fault("\(error)")
        }
        guard reader.isAtEnd else { throw Fault("bytes left after \(buffers.count) protected buffers") }
        return buffers
    }

    private static func protectedRun(_ payload: [UInt8]) throws(Fault) -> RestoredCheckpoint.ProtectedRun {
        guard payload.count >= 16 else { throw Fault("\(payload.count) bytes are not a buffer's size, an offset and bytes") }
        let size = payload.prefix(8).reversed().reduce(UInt64(0)) { ($0 << 8) | UInt64($1) }
        let offset = payload[8..<16].reversed().reduce(UInt64(0)) { ($0 << 8) | UInt64($1) }
        let count = UInt64(payload.count - 16)
        guard size <= UInt64(Int.max / 2), offset <= size, count <= size - offset else {
            throw Fault("\(count) bytes at offset \(offset) lie past a buffer of \(size)")
        }
        return RestoredCheckpoint.ProtectedRun(size: Int(size), offset: Int(offset), bytes: payload.dropFirst(16))
    }

    private static func pageRun(_ payload: [UInt8], regionPages: Int?) throws(Fault) -> RestoredCheckpoint.PageRun {
        guard payload.count >= 8 + pageSize, (payload.count - 8) % pageSize == 0 else {
            throw Fault("\(payload.count) bytes are not a first page's number and whole pages")
        }
        let first = payload.prefix(8).reversed().reduce(UInt64(0)) { ($0 << 8) | UInt64($1) }
        let count = (payload.count - 8) / pageSize
        // Without a region to check against, a page number must still fit the address space.
        let limit = regionPages ?? Int.max / pageSize
        guard first <= UInt64(limit), count <= limit - Int(first) else {
            throw Fault("\(count) pages from page \(first) lie past the region's \(limit)")
        }
        return RestoredCheckpoint.PageRun(first: Int(first), bytes: payload.dropFirst(8))
    }

    /// `u32 count`, then per message `u32 context, i32 source, i32 tag, u32 length, bytes`.
    package static func encode(_ messages: [QueuedMessage]) -> [UInt8] {
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

    /// `u32 count`, then per file its name and its bytes, each `u32 length, bytes`.
    package static func encode(routed files: [RoutedFile]) -> [UInt8] {
        var writer = ByteWriter()
        writer.put(UInt32(files.count))
        for file in files {
            writer.put(bytes: Array(file.name.utf8))
            writer.put(bytes: file.bytes)
        }
        return writer.bytes
    }

    private static func routed(_ payload: [UInt8]) throws(Fault) -> [RoutedFile] {
        var reader = ByteReader(payload, what: "routed files")
        var files: [RoutedFile] = []
        do {
            let count = try reader.take(UInt32.self)
            for _ in 0..<count {
                let name = try reader.takeBytes()
                guard !name.isEmpty, let text = String(validating: name, as: UTF8.self) else {
                    throw Fault("a routed file's name is empty or not UTF-8")
                }
                guard !files.contains(where: { $0.name == text }) else {
                    throw Fault("routed file \(String(text.prefix(64)).debugDescription) is saved twice")
                }
                files.append(RoutedFile(name: text, bytes: try reader.takeBytes()))
            }
        } catch let fault as Fault {
            throw fault
        } catch {
            throw Fault("\(error)")
        }
        guard reader.isAtEnd else { throw Fault("bytes left after \(files.count) routed files") }
        return files
    }
}
