/// Packing and unpacking by walking a datatype's layout: for messages (the packed form
/// that travels), `MPI_Pack`/`MPI_Unpack`, and `MPI_Get_elements`.
extension Datatype {
    /// Copies the data of `count` elements at `memory` (nil: `MPI_BOTTOM`, the layout's
    /// offsets being addresses) into `packed`, in order.
    func pack(_ count: Int, from memory: UnsafeRawPointer?, into packed: UnsafeMutableRawPointer) {
        var packer = Packer(output: packed)
        walk(count, at: Int(bitPattern: memory), &packer)
    }

    /// Copies packed data of `count` elements into their places at `memory`; with
    /// `byteCount`, only that many bytes (a shorter message), element by basic element.
    func unpack(_ count: Int, from packed: UnsafeRawPointer, into memory: UnsafeMutableRawPointer?, byteCount: Int? = nil) {
        let bytes = Swift.min(byteCount ?? Int.max, packedSize(count))
        guard bytes > 0 else { return }
        var unpacker = Unpacker(input: packed, remaining: bytes)
        // Whole elements first, then what is left of the next one.
        walk(bytes / size, at: Int(bitPattern: memory), &unpacker)
        if bytes % size > 0 { walk(1, at: Int(bitPattern: memory) &+ bytes / size &* extent, &unpacker) }
    }

    // MARK: MPI_Pack, MPI_Unpack

    /// `MPI_Pack_size`: an upper bound of the bytes `MPI_Pack` adds for `count` elements
    /// (exact here: the packed size).
    public func packSize(_ count: Int) throws(MPIError) -> Int {
        try Communicator.checkCount(count)
        let (bytes, overflow) = count.multipliedReportingOverflow(by: size)
        guard !overflow else { throw MPIError(.count, "\(count) elements of \(self) overflow a byte count") }
        return bytes
    }

    /// `MPI_Pack`: packs `count` elements at `memory` into `buffer` at `position`, which
    /// moves past them; `.truncate` if they do not fit.
    public func pack(_ count: Int, from memory: UnsafeRawPointer?, into buffer: UnsafeMutableRawBufferPointer, position: inout Int) throws(MPIError) {
        try Communicator.checkBuffer(memory, count: count, datatype: self)
        let bytes = packedSize(count)
        let start = try Self.checkRoom(bytes, buffer.count, position, "MPI_Pack")
        if bytes > 0 { pack(count, from: memory, into: buffer.baseAddress! + start) }
        position = start + bytes
    }

    /// `MPI_Unpack`: unpacks `count` elements from `buffer` at `position` into `memory`;
    /// `.truncate` if the buffer ends first.
    public func unpack(from buffer: UnsafeRawBufferPointer, position: inout Int, _ count: Int, into memory: UnsafeMutableRawPointer?) throws(MPIError) {
        try Communicator.checkBuffer(memory, count: count, datatype: self)
        let bytes = packedSize(count)
        let start = try Self.checkRoom(bytes, buffer.count, position, "MPI_Unpack")
        if bytes > 0 { unpack(count, from: buffer.baseAddress! + start, into: memory) }
        position = start + bytes
    }

    /// The position `bytes` start at, unless they do not fit between it and `size`.
    static func checkRoom(_ bytes: Int, _ size: Int, _ position: Int, _ call: String) throws(MPIError) -> Int {
        guard size >= 0, (0...size).contains(position) else { throw MPIError(.arg, "\(call): position \(position) outside a buffer of \(size) bytes") }
        guard bytes <= size - position else {
            throw MPIError(.truncate, "\(call): \(bytes) bytes do not fit the \(size - position) left after position \(position)")
        }
        return position
    }

    // MARK: Basic elements

    /// `MPI_Get_elements`: basic elements in `byteCount` bytes of packed elements of this
    /// type, or nil (`MPI_UNDEFINED`) when they end inside a basic element.
    public func elements(inBytes byteCount: Int) -> Int? {
        guard size > 0 else { return byteCount == 0 ? 0 : nil }
        let whole = byteCount / size, rest = byteCount % size
        var counter = ElementCounter(remaining: rest)
        if rest > 0 { walk(1, at: 0, &counter) }
        guard !counter.endsInsideElement, counter.remaining == 0 else { return nil }
        let (elements, overflow) = whole.multipliedReportingOverflow(by: basicCount)
        return overflow ? nil : elements + counter.elements
    }

    /// The bytes of the first `elements` basic elements of an array of this type (for
    /// `MPI_Status_set_elements`), or nil when there is no such byte count.
    public func byteCount(ofElements elements: Int) -> Int? {
        guard elements >= 0 else { return nil }
        guard basicCount > 0 else { return elements == 0 ? 0 : nil }
        let whole = elements / basicCount, rest = elements % basicCount
        let (bytes, overflow) = whole.multipliedReportingOverflow(by: size)
        guard !overflow else { return nil }
        var counter = ByteCounter(elements: rest)
        if rest > 0 { walk(1, at: 0, &counter) }
        return bytes + counter.bytes
    }
}

/// Copies data out of memory into a packed buffer.
private struct Packer: PieceVisitor {
    static var needsBasicTypes: Bool { false }
    var output: UnsafeMutableRawPointer

    mutating func visit(address: Int, length: Int, basic: BasicType) {
        guard let source = UnsafeRawPointer(bitPattern: address) else { return }
        output.copyMemory(from: source, byteCount: length)
        output += length
    }
}

/// Copies packed data into memory, until the bytes it was given run out.
private struct Unpacker: PieceVisitor {
    static var needsBasicTypes: Bool { false }
    var input: UnsafeRawPointer
    var remaining: Int
    var isDone: Bool { remaining == 0 }

    mutating func visit(address: Int, length: Int, basic: BasicType) {
        let length = Swift.min(length, remaining)
        guard length > 0, let target = UnsafeMutableRawPointer(bitPattern: address) else { return }
        target.copyMemory(from: input, byteCount: length)
        input += length
        remaining -= length
    }
}

/// Counts the whole basic elements among the first `remaining` packed bytes.
private struct ElementCounter: PieceVisitor {
    static var needsBasicTypes: Bool { true }
    var remaining: Int
    var elements = 0
    /// The bytes end inside a basic element.
    var endsInsideElement = false
    var isDone: Bool { remaining == 0 || endsInsideElement }

    mutating func visit(address: Int, length: Int, basic: BasicType) {
        guard !isDone else { return }
        let taken = Swift.min(length, remaining) / basic.size
        elements += taken
        remaining -= taken * basic.size
        if remaining > 0 && taken * basic.size < length { endsInsideElement = true }
    }
}

/// Counts the packed bytes of the first `elements` basic elements.
private struct ByteCounter: PieceVisitor {
    static var needsBasicTypes: Bool { true }
    var elements: Int
    var bytes = 0
    var isDone: Bool { elements == 0 }

    mutating func visit(address: Int, length: Int, basic: BasicType) {
        let taken = Swift.min(length / basic.size, elements)
        elements -= taken
        bytes += taken * basic.size
    }
}
