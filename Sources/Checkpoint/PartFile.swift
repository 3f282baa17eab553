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
/// pieces, straight from memory); read by one walker, `sections(in:node:epoch:wanting:)`,
/// whether the whole file is in memory (`decode`) or only some sections are read from
/// disk (`SelectivePartReader`). It checks every length against what is left and every
/// checksum it reads, so a truncated or corrupt file is named as such, never misread.
enum PartFile {
    static let magic = Array("BRZPART2".utf8)
    static let version: UInt32 = 2
    static let end = UInt32.max
    /// The smallest part: magic, version, node, epoch, the end mark and the trailer.
    static let minimumSize = magic.count + 20

    /// The checksum a part file ends with (what its manifest entry records).
    static func trailer<Bytes: BidirectionalCollection<UInt8>>(of bytes: Bytes) -> UInt32? {
        guard bytes.count >= 4 else { return nil }
        return bytes.suffix(4).reversed().reduce(UInt32(0)) { ($0 << 8) | UInt32($1) }
    }

    /// Every section of a part file held whole in memory, the file's own checksum checked.
    static func decode(_ bytes: [UInt8], path: String, node: Int, epoch: Int) throws(CheckpointError) -> [CheckpointSection] {
        try sections(in: PartInMemory(path: path, bytes: bytes), node: node, epoch: epoch, wanting: { _ in true })
    }

    /// Walks a part file front to back: its magic, then whatever `source` can check of the
    /// whole file, its version, node and epoch, then each section, read and checked by its
    /// own checksum if `wanted` by name, else passed over; then the end mark, and nothing
    /// but the trailer after it.
    static func sections<Source: PartSource>(in source: Source, node: Int, epoch: Int,
                                             wanting wanted: (String) -> Bool) throws(CheckpointError) -> [CheckpointSection] {
        let path = source.path
        guard source.size >= minimumSize else { throw .invalid(path: path, reason: "truncated: \(source.size) bytes") }
        var cursor = Cursor(source: source)
        guard try cursor.take(magic.count).elementsEqual(magic) else { throw .invalid(path: path, reason: "not a Brazos checkpoint part (version 2)") }
        try source.checkWhole()
        guard try cursor.integer(UInt32.self) == version else { throw .invalid(path: path, reason: "unknown format version") }
        let storedNode = try cursor.integer(UInt32.self), storedEpoch = try cursor.integer(UInt64.self)
        guard UInt64(storedNode) == UInt64(truncatingIfNeeded: node), storedEpoch == UInt64(truncatingIfNeeded: epoch), node >= 0, epoch >= 0 else {
            throw .invalid(path: path, reason: "holds node \(storedNode) of epoch \(storedEpoch), not node \(node) of epoch \(epoch)")
        }
        var sections: [CheckpointSection] = []
        var index = 0
        while true {
            let nameLength = try cursor.integer(UInt32.self)
            if nameLength == end { break }
            let name = try cursor.take(Int(nameLength))
            let payloadLength = try cursor.integer(UInt64.self)
            guard payloadLength <= UInt64(cursor.remaining) else {
                throw .invalid(path: path, reason: "truncated: section \(index) claims \(payloadLength) bytes")
            }
            let text = String(decoding: name, as: UTF8.self)
            if wanted(text) {
                let payload = try cursor.take(Int(payloadLength))
                var checksum = Checksum()
                checksum.add(name)
                checksum.add(payload)
                guard try cursor.integer(UInt32.self) == checksum.value else {
                    throw .invalid(path: path, reason: "section \(index) checksum does not match")
                }
                sections.append(CheckpointSection(name: text, payload: Array(payload)))
            } else {
                try cursor.skip(Int(payloadLength) + 4)
            }
            index += 1
        }
        guard cursor.remaining == 4 else { throw .invalid(path: path, reason: "\(cursor.remaining - 4) stray bytes after the sections") }
        return sections
    }

    /// Reads fields front to back, refusing to read into the trailing checksum.
    private struct Cursor<Source: PartSource> {
        let source: Source
        var offset = 0

        var remaining: Int { source.size - offset }

        mutating func take(_ count: Int) throws(CheckpointError) -> ArraySlice<UInt8> {
            try check(count)
            defer { offset += count }
            return try source.bytes(at: offset, count: count)
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
                throw .invalid(path: source.path, reason: "truncated: a field of \(count) bytes at offset \(offset) runs past the end")
            }
        }
    }
}

/// Where the walker (`PartFile.sections`) reads a part file from, and what it can check of
/// the whole file before the sections.
protocol PartSource {
    /// The file, as every error names it.
    var path: String { get }
    /// The file's size in bytes.
    var size: Int { get }
    /// `count` bytes at `offset`; the walker asks only for bytes inside the file.
    func bytes(at offset: Int, count: Int) throws(CheckpointError) -> ArraySlice<UInt8>
    /// Throws if the file as a whole is not what it should be, as far as this source can
    /// tell without reading every section.
    func checkWhole() throws(CheckpointError)
}

/// A part file read whole: its own checksum, over every byte, is checked.
struct PartInMemory: PartSource {
    let path: String
    let bytes: [UInt8]

    var size: Int { bytes.count }

    func bytes(at offset: Int, count: Int) -> ArraySlice<UInt8> { bytes[offset..<(offset + count)] }

    func checkWhole() throws(CheckpointError) {
        guard Checksum.of(bytes.dropLast(4)) == PartFile.trailer(of: bytes) else {
            throw .invalid(path: path, reason: "file checksum does not match (corrupt or truncated)")
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
            // One pass over the piece serves the section's checksum and the file's.
            var pieceChecksum = Checksum()
            pieceChecksum.add(piece)
            sectionChecksum.add(checksum: pieceChecksum.value, length: piece.count)
            checksum.add(checksum: pieceChecksum.value, length: piece.count)
            try file.append(piece)
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

