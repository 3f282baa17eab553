/// The portable `external32` representation (MPI 4.1 §19.3.12), for `MPI_Pack_external`:
/// every basic element big-endian, at the standard's size (`BasicType.external32Size`),
/// `long double` as an IEEE binary128.
extension Datatype {
    /// Throws `.arg` unless `representation` is `"external32"`, the only one MPI defines.
    public static func checkRepresentation(_ representation: String) throws(MPIError) {
        guard representation == "external32" else { throw MPIError(.arg, "unknown data representation \"\(representation)\"") }
    }

    /// `MPI_Pack_external_size`: bytes `count` elements take in `external32`.
    public func external32Size(_ count: Int) throws(MPIError) -> Int {
        try Communicator.checkCount(count)
        let (bytes, overflow) = count.multipliedReportingOverflow(by: external32Size)
        guard !overflow else { throw MPIError(.count, "\(count) elements of \(self) overflow a byte count") }
        return bytes
    }

    /// `MPI_Pack_external`: as `pack(_:from:into:position:)`, in `external32`.
    public func packExternal(_ count: Int, from memory: UnsafeRawPointer?, into buffer: UnsafeMutableRawBufferPointer, position: inout Int) throws(MPIError) {
        try Communicator.checkBuffer(memory, count: count, datatype: self)
        let bytes = try external32Size(count)
        let start = try Self.checkRoom(bytes, buffer.count, position, "MPI_Pack_external")
        if bytes > 0 {
            var converter = External32Writer(output: buffer.baseAddress! + start)
            walk(count, at: Int(bitPattern: memory), &converter)
        }
        position = start + bytes
    }

    /// `MPI_Unpack_external`: as `unpack(from:position:_:into:)`, from `external32`.
    public func unpackExternal(from buffer: UnsafeRawBufferPointer, position: inout Int, _ count: Int, into memory: UnsafeMutableRawPointer?) throws(MPIError) {
        try Communicator.checkBuffer(memory, count: count, datatype: self)
        let bytes = try external32Size(count)
        let start = try Self.checkRoom(bytes, buffer.count, position, "MPI_Unpack_external")
        if bytes > 0 {
            var converter = External32Reader(input: buffer.baseAddress! + start)
            walk(count, at: Int(bitPattern: memory), &converter)
        }
        position = start + bytes
    }
}

/// One scalar of a basic element as `external32` sees it.
private enum Scalar {
    case integer(size: Int, external: Int, signed: Bool)
    case longDouble

    /// The scalars of one element of `basic`, in order.
    static func of(_ basic: BasicType) -> [Scalar] {
        switch basic.value {
        case .longDouble: return [.longDouble]
        case .complex(.longDouble): return [.longDouble, .longDouble]
        case let .complex(part):
            let size = BasicType.valueSize(part)
            return [.integer(size: size, external: size, signed: false), .integer(size: size, external: size, signed: false)]
        case let .signed(bits): return [.integer(size: bits / 8, external: basic.external32Size, signed: true)]
        default: return [.integer(size: basic.size, external: basic.external32Size, signed: false)]
        }
    }

    var size: Int {
        if case let .integer(size, _, _) = self { return size }
        return 16
    }
}

/// Writes each basic element big-endian at its `external32` size.
private struct External32Writer: PieceVisitor {
    static var needsBasicTypes: Bool { true }
    var output: UnsafeMutableRawPointer

    mutating func visit(address: Int, length: Int, basic: BasicType) {
        let scalars = Scalar.of(basic)
        var source = address
        for _ in 0..<(length / basic.size) {
            for scalar in scalars {
                guard let memory = UnsafeRawPointer(bitPattern: source) else { return }
                switch scalar {
                case let .integer(size, external, _):
                    // Floating-point values are their bits: swapping bytes suffices.
                    var value: UInt64 = 0
                    for byte in 0..<size { value |= UInt64(memory.load(fromByteOffset: byte, as: UInt8.self)) << (8 * byte) }
                    for byte in 0..<external { output.storeBytes(of: UInt8(truncatingIfNeeded: value >> (8 * (external - 1 - byte))), toByteOffset: byte, as: UInt8.self) }
                    output += external
                case .longDouble:
                    // x87 extended and binary128 share sign and exponent; the explicit
                    // integer bit goes, the fraction moves to the top of 112 bits.
                    let significand = memory.loadUnaligned(as: UInt64.self)
                    let signExponent = UInt64(memory.loadUnaligned(fromByteOffset: 8, as: UInt16.self))
                    let fraction = significand & 0x7FFF_FFFF_FFFF_FFFF
                    store(signExponent << 48 | fraction >> 15, at: 0)
                    store((fraction & 0x7FFF) << 49, at: 8)
                    output += 16
                }
                source += scalar.size
            }
        }
    }

    private func store(_ value: UInt64, at offset: Int) {
        output.storeBytes(of: value.bigEndian, toByteOffset: offset, as: UInt64.self)
    }
}

/// Reads each basic element from its big-endian `external32` form.
private struct External32Reader: PieceVisitor {
    static var needsBasicTypes: Bool { true }
    var input: UnsafeRawPointer

    mutating func visit(address: Int, length: Int, basic: BasicType) {
        let scalars = Scalar.of(basic)
        var target = address
        for _ in 0..<(length / basic.size) {
            for scalar in scalars {
                guard let memory = UnsafeMutableRawPointer(bitPattern: target) else { return }
                switch scalar {
                case let .integer(size, external, signed):
                    var value: UInt64 = 0
                    for byte in 0..<external { value = value << 8 | UInt64(input.load(fromByteOffset: byte, as: UInt8.self)) }
                    if signed, external < 8, value >> (8 * external - 1) & 1 == 1 { value |= ~0 << (8 * external) }
                    for byte in 0..<size { memory.storeBytes(of: UInt8(truncatingIfNeeded: value >> (8 * byte)), toByteOffset: byte, as: UInt8.self) }
                    input += external
                case .longDouble:
                    let high = UInt64(bigEndian: input.loadUnaligned(as: UInt64.self))
                    let low = UInt64(bigEndian: input.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
                    let signExponent = UInt16(truncatingIfNeeded: high >> 48)
                    let fraction = (high & 0xFFFF_FFFF_FFFF) << 15 | low >> 49
                    let integerBit: UInt64 = signExponent & 0x7FFF == 0 ? 0 : 1 << 63
                    memory.storeBytes(of: integerBit | fraction, toByteOffset: 0, as: UInt64.self)
                    memory.storeBytes(of: signExponent, toByteOffset: 8, as: UInt16.self)
                    (memory + 10).initializeMemory(as: UInt8.self, repeating: 0, count: 6)
                    input += 16
                }
                target += scalar.size
            }
        }
    }
}
