/// One named piece of a node's checkpoint (shared pages, a thread's resume state, channel
/// state ...), checked by its own CRC-32C.
public struct CheckpointSection: Equatable, Sendable {
    /// Names the section within its part; readers look sections up by it.
    public let name: String
    /// The section's bytes, as its owner encoded them.
    public let payload: [UInt8]

    /// A section with the given name and bytes.
    public init(name: String, payload: [UInt8]) {
        self.name = name
        self.payload = payload
    }
}

/// The file of one node's part of one epoch:
///
///     "BRZPART2"  u32 version  u32 node  u64 epoch
///     per section: u32 name length, name (UTF-8), u64 payload length, payload,
///                  u32 CRC-32C of name and payload
///     u32 0xFFFFFFFF (no more sections)
///     u32 CRC-32C of everything before it
///
/// Integers are little-endian. Written as a stream (a section's payload may come in
/// pieces, straight from memory); reading checks every length against what is left and
/// every checksum, so a truncated or corrupt file is named as such, never misread.
enum PartFile {
    static let magic = Array("BRZPART2".utf8)
    static let version: UInt32 = 2
    static let end = UInt32.max

    /// The checksum a part file ends with (what its manifest entry records).
    static func trailer(of bytes: [UInt8]) -> UInt32? {
        guard bytes.count >= 4 else { return nil }
        return bytes[(bytes.count - 4)...].reversed().reduce(UInt32(0)) { ($0 << 8) | UInt32($1) }
    }

    static func decode(_ bytes: [UInt8], path: String, node: Int, epoch: Int) throws(CheckpointError) -> [CheckpointSection] {
        var reader = Reader(bytes: bytes, path: path)
        guard bytes.count >= magic.count + 20 else { throw .invalid(path: path, reason: "truncated: \(bytes.count) bytes") }
        guard Array(try reader.take(magic.count)) == magic else { throw .invalid(path: path, reason: "not a Brazos checkpoint part (version 2)") }
        guard Checksum.of(bytes[0..<(bytes.count - 4)]) == trailer(of: bytes) else {
            throw .invalid(path: path, reason: "file checksum does not match (corrupt or truncated)")
        }
        guard try reader.integer(UInt32.self) == version else { throw .invalid(path: path, reason: "unknown format version") }
        let storedNode = try reader.integer(UInt32.self), storedEpoch = try reader.integer(UInt64.self)
        guard UInt64(storedNode) == UInt64(truncatingIfNeeded: node), storedEpoch == UInt64(truncatingIfNeeded: epoch), node >= 0, epoch >= 0 else {
            throw .invalid(path: path, reason: "holds node \(storedNode) of epoch \(storedEpoch), not node \(node) of epoch \(epoch)")
        }
        var sections: [CheckpointSection] = []
        while true {
            let nameLength = try reader.integer(UInt32.self)
            if nameLength == end { break }
            let name = try reader.take(Int(nameLength))
            let payloadLength = try reader.integer(UInt64.self)
            guard payloadLength <= UInt64(reader.remaining) else {
                throw .invalid(path: path, reason: "truncated: section \(sections.count) claims \(payloadLength) bytes")
            }
            let payload = try reader.take(Int(payloadLength))
            var checksum = Checksum()
            checksum.add(name)
            checksum.add(payload)
            guard try reader.integer(UInt32.self) == checksum.value else {
                throw .invalid(path: path, reason: "section \(sections.count) checksum does not match")
            }
            sections.append(CheckpointSection(name: String(decoding: name, as: UTF8.self), payload: Array(payload)))
        }
        guard reader.remaining == 4 else { throw .invalid(path: path, reason: "\(reader.remaining - 4) stray bytes after the sections") }
        return sections
    }

    /// Reads fields front to back, refusing to read into the trailing checksum.
    private struct Reader {
        let bytes: [UInt8]
        let path: String
        var offset = 0

        var remaining: Int { bytes.count - offset }

        mutating func take(_ count: Int) throws(CheckpointError) -> ArraySlice<UInt8> {
            guard count >= 0, count <= remaining - 4 else {
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

/// Writes a node's part of an epoch section by section (see `PartFile`) to a durable file.
public final class PartWriter {
    private let file: DurableFile.Writer
    private var checksum = Checksum()

    init(path: String, node: Int, epoch: Int) throws(CheckpointError) {
        file = try DurableFile.Writer(path: path)
        try put(PartFile.magic)
        try put(integer: PartFile.version)
        try put(integer: UInt32(node))
        try put(integer: UInt64(epoch))
    }

    /// A section whose payload is the concatenation of `pieces`.
    public func add(_ name: String, pieces: [UnsafeRawBufferPointer]) throws(CheckpointError) {
        let nameBytes = Array(name.utf8)
        try put(integer: UInt32(nameBytes.count))
        try put(nameBytes)
        try put(integer: UInt64(pieces.reduce(0) { $0 + $1.count }))
        var sectionChecksum = Checksum()
        sectionChecksum.add(nameBytes)
        for piece in pieces {
            sectionChecksum.add(piece)
            try put(piece)
        }
        try put(integer: sectionChecksum.value)
    }

    /// Appends `section`, with its checksum; throws if the file cannot be written.
    public func add(_ section: CheckpointSection) throws(CheckpointError) {
        try withBytes(of: section.payload) { (payload) throws(CheckpointError) in try add(section.name, pieces: [payload]) }
    }

    /// Ends the file and makes it durable: its size and checksum, for the manifest.
    func finish() throws(CheckpointError) -> (size: Int, checksum: UInt32) {
        try put(integer: PartFile.end)
        let total = checksum.value
        try file.append(withUnsafeBytes(of: total.littleEndian) { Array($0) })
        try file.commit()
        return (file.size, total)
    }

    private func put(_ bytes: UnsafeRawBufferPointer) throws(CheckpointError) {
        checksum.add(bytes)
        try file.append(bytes)
    }

    private func put(_ bytes: [UInt8]) throws(CheckpointError) {
        try withBytes(of: bytes) { (buffer) throws(CheckpointError) in try put(buffer) }
    }

    private func put<T: FixedWidthInteger>(integer value: T) throws(CheckpointError) {
        try withBytes(of: withUnsafeBytes(of: value.littleEndian) { Array($0) }) { (bytes) throws(CheckpointError) in try put(bytes) }
    }
}

