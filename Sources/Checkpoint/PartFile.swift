import BrazosCore

/// One named piece of a node's checkpoint (shared pages, a thread's resume state, channel
/// state ...), checked by its own SHA-256.
public struct CheckpointSection: Equatable, Sendable {
    public let name: String
    public let payload: [UInt8]

    public init(name: String, payload: [UInt8]) {
        self.name = name
        self.payload = payload
    }
}

/// The file of one node's part of one epoch:
///
///     "BRZPART1"  u32 version  u32 node  u64 epoch  u32 sections  u32 0
///     per section: u32 name length, name (UTF-8), u64 payload length, payload,
///                  SHA-256 of name and payload
///     SHA-256 of everything before it
///
/// Integers are little-endian. Reading checks every length against what is left and
/// every checksum, so a truncated or corrupt file is named as such, never misread.
enum PartFile {
    static let magic = Array("BRZPART1".utf8)
    static let version: UInt32 = 1

    static func encode(node: Int, epoch: Int, sections: [CheckpointSection]) -> [UInt8] {
        var bytes = magic
        append(&bytes, version)
        append(&bytes, UInt32(node))
        append(&bytes, UInt64(epoch))
        append(&bytes, UInt32(sections.count))
        append(&bytes, UInt32(0))
        for section in sections {
            let name = Array(section.name.utf8)
            append(&bytes, UInt32(name.count))
            bytes += name
            append(&bytes, UInt64(section.payload.count))
            bytes += section.payload
            bytes += SHA256.hash(name + section.payload)
        }
        bytes += SHA256.hash(bytes)
        return bytes
    }

    static func decode(_ bytes: [UInt8], path: String, node: Int, epoch: Int) throws(CheckpointError) -> [CheckpointSection] {
        var reader = Reader(bytes: bytes, path: path)
        guard bytes.count >= magic.count + 24 + SHA256.digestSize else { throw .invalid(path: path, reason: "truncated: \(bytes.count) bytes") }
        guard Array(try reader.take(magic.count)) == magic else { throw .invalid(path: path, reason: "not a Brazos checkpoint part") }
        guard SHA256.hash(bytes[0..<(bytes.count - SHA256.digestSize)]) == Array(bytes[(bytes.count - SHA256.digestSize)...]) else {
            throw .invalid(path: path, reason: "file checksum does not match (corrupt or truncated)")
        }
        guard try reader.integer(UInt32.self) == version else { throw .invalid(path: path, reason: "unknown format version") }
        let storedNode = Int(try reader.integer(UInt32.self)), storedEpoch = Int(try reader.integer(UInt64.self))
        guard storedNode == node, storedEpoch == epoch else {
            throw .invalid(path: path, reason: "holds node \(storedNode) of epoch \(storedEpoch), not node \(node) of epoch \(epoch)")
        }
        let count = Int(try reader.integer(UInt32.self))
        _ = try reader.integer(UInt32.self)
        var sections: [CheckpointSection] = []
        for index in 0..<count {
            let nameLength = Int(try reader.integer(UInt32.self))
            let name = Array(try reader.take(nameLength))
            let payloadLength = Int(try reader.integer(UInt64.self))
            let payload = Array(try reader.take(payloadLength))
            guard Array(try reader.take(SHA256.digestSize)) == SHA256.hash(name + payload) else {
                throw .invalid(path: path, reason: "section \(index) checksum does not match")
            }
            sections.append(CheckpointSection(name: String(decoding: name, as: UTF8.self), payload: payload))
        }
        guard reader.remaining == SHA256.digestSize else { throw .invalid(path: path, reason: "\(reader.remaining - SHA256.digestSize) stray bytes after the sections") }
        return sections
    }

    private static func append<T: FixedWidthInteger>(_ bytes: inout [UInt8], _ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
    }

    /// Reads fields front to back, refusing to read past the end.
    private struct Reader {
        let bytes: [UInt8]
        let path: String
        var offset = 0

        var remaining: Int { bytes.count - offset }

        mutating func take(_ count: Int) throws(CheckpointError) -> ArraySlice<UInt8> {
            guard count >= 0, count <= remaining - SHA256.digestSize else {
                throw .invalid(path: path, reason: "truncated: a field of \(count) bytes at offset \(offset) runs past the end")
            }
            defer { offset += count }
            return bytes[offset..<(offset + count)]
        }

        mutating func integer<T: FixedWidthInteger>(_ type: T.Type) throws(CheckpointError) -> T {
            let slice = try take(MemoryLayout<T>.size)
            return slice.reversed().reduce(T(0)) { ($0 << 8) | T($1) }
        }
    }
}
