/// An MPI datatype: a layout of elements of one basic type (`MPI_INT`, a contiguous run
/// of them, a strided vector ...).
///
/// Messages carry datatypes packed: the data bytes of each element in order, without gaps
/// or padding, so a receive's byte count divided by `size` is its element count. A type
/// whose packed form is its memory (every predefined type but the padded pairs, and
/// contiguous runs of them) is sent and received in place; others go through a packed copy.
public final class Datatype: @unchecked Sendable, CustomStringConvertible {
    /// A run of basic elements inside one element of this type.
    struct Run: Equatable {
        /// Bytes from the element's start.
        var offset: Int
        var count: Int
    }

    /// The one basic type every element is made of.
    public let basic: BasicType
    let runs: [Run]
    /// Bytes of data in one element (`MPI_Type_size`).
    public let size: Int
    /// Bytes from one element to the next in an array of them.
    public let extent: Int
    /// Whether this is a predefined type: committed from the start, and never freed.
    public let isPredefined: Bool
    /// Derived types must be committed before use in communication (`MPI_Type_commit`).
    public private(set) var isCommitted: Bool
    /// The MPI name of a predefined type, or how a derived type was built.
    public let description: String
    /// Packing is the identity: the bytes in memory are the bytes on the wire.
    let isPackedAsIs: Bool

    private init(basic: BasicType, runs: [Run], extent: Int, predefined: Bool, description: String) {
        self.basic = basic
        self.runs = runs
        self.extent = extent
        self.size = runs.reduce(0) { $0 + $1.count } * basic.size
        self.isPredefined = predefined
        self.isCommitted = predefined
        self.description = description
        isPackedAsIs = basic.packsAsIs && runs.count <= 1 && (runs.first.map { $0.offset == 0 && $0.count * basic.extent == extent } ?? true)
    }

    /// The predefined datatype of one `basic` element.
    public convenience init(_ basic: BasicType) {
        self.init(basic: basic, runs: [Run(offset: 0, count: 1)], extent: basic.extent, predefined: true, description: basic.name)
    }

    /// `MPI_Type_contiguous`: `count` elements of `old` one after the other.
    public static func contiguous(_ count: Int, of old: Datatype) throws(MPIError) -> Datatype {
        guard count >= 0 else { throw MPIError(.count, "Type_contiguous with negative count \(count)") }
        return Datatype(basic: old.basic, runs: merged((0..<count).flatMap { old.shifted(by: $0 * old.extent) }, elementExtent: old.basic.extent),
                        extent: count * old.extent, predefined: false, description: "contiguous(\(count), \(old))")
    }

    /// `MPI_Type_vector`: `count` blocks of `blockLength` elements of `old`, the starts of
    /// consecutive blocks `stride` elements apart.
    public static func vector(_ count: Int, blockLength: Int, stride: Int, of old: Datatype) throws(MPIError) -> Datatype {
        guard count >= 0, blockLength >= 0 else {
            throw MPIError(.count, "Type_vector with negative count \(count) or block length \(blockLength)")
        }
        guard stride >= 0 else { throw MPIError(.arg, "Type_vector with negative stride \(stride) is not supported") }
        var runs: [Run] = []
        for block in 0..<count {
            for element in 0..<blockLength { runs += old.shifted(by: (block * stride + element) * old.extent) }
        }
        let extent = count == 0 ? 0 : ((count - 1) * stride + blockLength) * old.extent
        return Datatype(basic: old.basic, runs: merged(runs, elementExtent: old.basic.extent), extent: extent, predefined: false,
                        description: "vector(\(count), \(blockLength), \(stride), \(old))")
    }

    /// `MPI_Type_commit`.
    public func commit() { isCommitted = true }

    private func shifted(by offset: Int) -> [Run] {
        runs.map { Run(offset: $0.offset + offset, count: $0.count) }
    }

    /// Joins runs that continue one another, so packing copies long stretches at once.
    private static func merged(_ runs: [Run], elementExtent: Int) -> [Run] {
        var result: [Run] = []
        for run in runs where run.count > 0 {
            if let last = result.last, run.offset == last.offset + last.count * elementExtent {
                result[result.count - 1].count += run.count
            } else {
                result.append(run)
            }
        }
        return result
    }

    // MARK: Packing

    /// Bytes `count` elements take packed.
    public func packedSize(_ count: Int) -> Int { count * size }

    /// Bytes `count` elements span in memory (the last one without trailing gap).
    func span(_ count: Int) -> Int { count == 0 ? 0 : (count - 1) * extent + (runs.last.map { $0.offset + $0.count * basic.extent } ?? 0) }

    /// Copies the data of `count` elements at `memory` into `packed`, in order.
    func pack(_ count: Int, from memory: UnsafeRawPointer, into packed: UnsafeMutableRawPointer) {
        var out = packed
        forEachPiece(count) { offset, length in
            out.copyMemory(from: memory + offset, byteCount: length)
            out += length
        }
    }

    /// Copies packed data of `count` elements into their places at `memory`.
    func unpack(_ count: Int, from packed: UnsafeRawPointer, into memory: UnsafeMutableRawPointer) {
        var input = packed
        forEachPiece(count) { offset, length in
            (memory + offset).copyMemory(from: input, byteCount: length)
            input += length
        }
    }

    /// Calls `body` with the memory offset and length of every contiguous piece of data,
    /// in packing order.
    private func forEachPiece(_ count: Int, _ body: (Int, Int) -> Void) {
        let pieces = basic.pieces
        for element in 0..<count {
            for run in runs {
                let start = element * extent + run.offset
                if basic.packsAsIs {
                    body(start, run.count * basic.size)
                } else {
                    for index in 0..<run.count {
                        for piece in pieces { body(start + index * basic.extent + piece.offset, piece.length) }
                    }
                }
            }
        }
    }
}

/// The predefined datatypes.
extension Datatype {
    /// The predefined datatype of `BasicType.char`.
    public static let char = Datatype(.char)
    /// The predefined datatype of `BasicType.signedChar`.
    public static let signedChar = Datatype(.signedChar)
    /// The predefined datatype of `BasicType.unsignedChar`.
    public static let unsignedChar = Datatype(.unsignedChar)
    /// The predefined datatype of `BasicType.byte`.
    public static let byte = Datatype(.byte)
    /// The predefined datatype of `BasicType.short`.
    public static let short = Datatype(.short)
    /// The predefined datatype of `BasicType.unsignedShort`.
    public static let unsignedShort = Datatype(.unsignedShort)
    /// The predefined datatype of `BasicType.int`.
    public static let int = Datatype(.int)
    /// The predefined datatype of `BasicType.unsigned`.
    public static let unsigned = Datatype(.unsigned)
    /// The predefined datatype of `BasicType.long`.
    public static let long = Datatype(.long)
    /// The predefined datatype of `BasicType.unsignedLong`.
    public static let unsignedLong = Datatype(.unsignedLong)
    /// The predefined datatype of `BasicType.longLong`.
    public static let longLong = Datatype(.longLong)
    /// The predefined datatype of `BasicType.unsignedLongLong`.
    public static let unsignedLongLong = Datatype(.unsignedLongLong)
    /// The predefined datatype of `BasicType.float`.
    public static let float = Datatype(.float)
    /// The predefined datatype of `BasicType.double`.
    public static let double = Datatype(.double)
    /// The predefined datatype of `BasicType.longDouble`.
    public static let longDouble = Datatype(.longDouble)
    /// The predefined datatype of `BasicType.int8`.
    public static let int8 = Datatype(.int8)
    /// The predefined datatype of `BasicType.int16`.
    public static let int16 = Datatype(.int16)
    /// The predefined datatype of `BasicType.int32`.
    public static let int32 = Datatype(.int32)
    /// The predefined datatype of `BasicType.int64`.
    public static let int64 = Datatype(.int64)
    /// The predefined datatype of `BasicType.uint8`.
    public static let uint8 = Datatype(.uint8)
    /// The predefined datatype of `BasicType.uint16`.
    public static let uint16 = Datatype(.uint16)
    /// The predefined datatype of `BasicType.uint32`.
    public static let uint32 = Datatype(.uint32)
    /// The predefined datatype of `BasicType.uint64`.
    public static let uint64 = Datatype(.uint64)
    /// The predefined datatype of `BasicType.bool`.
    public static let bool = Datatype(.bool)
    /// The predefined datatype of `BasicType.floatInt`.
    public static let floatInt = Datatype(.floatInt)
    /// The predefined datatype of `BasicType.doubleInt`.
    public static let doubleInt = Datatype(.doubleInt)
    /// The predefined datatype of `BasicType.longInt`.
    public static let longInt = Datatype(.longInt)
    /// The predefined datatype of `BasicType.twoInt`.
    public static let twoInt = Datatype(.twoInt)
    /// The predefined datatype of `BasicType.shortInt`.
    public static let shortInt = Datatype(.shortInt)
    /// The predefined datatype of `BasicType.longDoubleInt`.
    public static let longDoubleInt = Datatype(.longDoubleInt)
}
