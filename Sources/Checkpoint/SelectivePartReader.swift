#if canImport(Glibc)
import Glibc
#endif

/// Reads only some sections of a part file (see `PartFile`), seeking past the others: a
/// restarting node reads the sections of the ranks it hosts and the shared pages, not
/// every node's buffers. Every length is checked against the file, every section read
/// against its own checksum, and the file's size and last 4 bytes against the manifest;
/// the file's own checksum, which would need every byte, is left to `verify`.
enum SelectivePartReader {
    static func read(path: String, size: Int, checksum: UInt32, node: Int, epoch: Int,
                     wanting wanted: (String) -> Bool) throws(CheckpointError) -> [CheckpointSection] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .system(call: "open", path: path, errno: errno) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw .system(call: "fstat", path: path, errno: errno) }
        guard Int(info.st_size) == size, size >= PartFile.magic.count + 20 else {
            throw .invalid(path: path, reason: "size differs from the manifest's (\(info.st_size) bytes, \(size) expected)")
        }
        var cursor = Cursor(descriptor: descriptor, path: path, size: size)
        guard PartFile.trailer(of: try cursor.bytes(at: size - 4, count: 4)) == checksum else {
            throw .invalid(path: path, reason: "file checksum differs from the manifest's")
        }
        guard try cursor.take(PartFile.magic.count) == PartFile.magic else { throw .invalid(path: path, reason: "not a Brazos checkpoint part (version 2)") }
        guard try cursor.integer(UInt32.self) == PartFile.version else { throw .invalid(path: path, reason: "unknown format version") }
        let storedNode = try cursor.integer(UInt32.self), storedEpoch = try cursor.integer(UInt64.self)
        guard UInt64(storedNode) == UInt64(truncatingIfNeeded: node), storedEpoch == UInt64(truncatingIfNeeded: epoch), node >= 0, epoch >= 0 else {
            throw .invalid(path: path, reason: "holds node \(storedNode) of epoch \(storedEpoch), not node \(node) of epoch \(epoch)")
        }
        var sections: [CheckpointSection] = []
        var index = 0
        while true {
            let nameLength = try cursor.integer(UInt32.self)
            if nameLength == PartFile.end { break }
            let name = try cursor.take(Int(nameLength))
            let payloadLength = try cursor.integer(UInt64.self)
            guard payloadLength <= UInt64(cursor.remaining) else {
                throw .invalid(path: path, reason: "truncated: section \(index) claims \(payloadLength) bytes")
            }
            let text = String(decoding: name, as: UTF8.self)
            if wanted(text) {
                let payload = try cursor.take(Int(payloadLength))
                var sum = Checksum()
                sum.add(name)
                sum.add(payload)
                guard try cursor.integer(UInt32.self) == sum.value else {
                    throw .invalid(path: path, reason: "section \(index) checksum does not match")
                }
                sections.append(CheckpointSection(name: text, payload: payload))
            } else {
                try cursor.skip(Int(payloadLength) + 4)
            }
            index += 1
        }
        guard cursor.remaining == 4 else { throw .invalid(path: path, reason: "\(cursor.remaining - 4) stray bytes after the sections") }
        return sections
    }

    /// Reads fields front to back with `pread`, refusing to read into the trailing checksum.
    private struct Cursor {
        let descriptor: Int32
        let path: String
        let size: Int
        var offset = 0

        var remaining: Int { size - offset }

        func bytes(at position: Int, count: Int) throws(CheckpointError) -> [UInt8] {
            var bytes = [UInt8](repeating: 0, count: count)
            var done = 0
            while done < count {
                let got = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + done, count - done, off_t(position + done)) }
                if got < 0 && errno == EINTR { continue }
                guard got > 0 else { throw got < 0 ? .system(call: "pread", path: path, errno: errno) : .invalid(path: path, reason: "ends early") }
                done += got
            }
            return bytes
        }

        mutating func take(_ count: Int) throws(CheckpointError) -> [UInt8] {
            try check(count)
            defer { offset += count }
            return try bytes(at: offset, count: count)
        }

        mutating func skip(_ count: Int) throws(CheckpointError) {
            try check(count)
            offset += count
        }

        mutating func integer<T: FixedWidthInteger>(_ type: T.Type) throws(CheckpointError) -> T {
            try take(MemoryLayout<T>.size).reversed().reduce(T(0)) { ($0 << 8) | T($1) }
        }

        private func check(_ count: Int) throws(CheckpointError) {
            guard count >= 0, count <= remaining - 4 else {
                throw .invalid(path: path, reason: "truncated: a field of \(count) bytes at offset \(offset) runs past the end")
            }
        }
    }
}
