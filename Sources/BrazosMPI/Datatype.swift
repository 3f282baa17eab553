import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// An MPI datatype: a layout of elements of one basic type (`MPI_INT`, a contiguous run
/// of them, a strided vector ...).
///
/// Messages carry datatypes packed: the data bytes of each element in order, without gaps
/// or padding, so a receive's byte count divided by `size` is its element count. A type
/// whose packed form is its memory (every predefined type but the padded pairs, and
/// contiguous runs of them) is sent and received in place; others go through a packed copy.
public final class Datatype: Sendable, CustomStringConvertible {
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
    public var isCommitted: Bool { committed.load(ordering: .relaxed) }
    /// Atomic because a type committed on one thread may be checked on others; relaxed,
    /// since MPI has the program order the commit before those uses.
    private let committed: Atomic<Bool>
    /// The MPI name of a predefined type, or how a derived type was built.
    public let description: String
    /// Packing is the identity: the bytes in memory are the bytes on the wire.
    let isPackedAsIs: Bool

    private init(basic: BasicType, runs: [Run], size: Int, extent: Int, predefined: Bool, description: String) {
        self.basic = basic
        self.runs = runs
        self.extent = extent
        self.size = size
        self.isPredefined = predefined
        committed = Atomic(predefined)
        self.description = description
        isPackedAsIs = basic.packsAsIs && runs.count <= 1 && (runs.first.map { $0.offset == 0 && $0.count * basic.extent == extent } ?? true)
    }

    /// The predefined datatype of one `basic` element.
    public convenience init(_ basic: BasicType) {
        self.init(basic: basic, runs: [Run(offset: 0, count: 1)], size: basic.size, extent: basic.extent, predefined: true, description: basic.name)
    }

    /// Most runs one derived type may have. A type is described run by run, so one of
    /// millions of separate pieces (a vector of millions of strided blocks) is refused
    /// rather than described in gigabytes.
    public static let maximumRuns = 1 << 20

    /// `MPI_Type_contiguous`: `count` elements of `old` one after the other.
    public static func contiguous(_ count: Int, of old: Datatype) throws(MPIError) -> Datatype {
        let name = "contiguous(\(count), \(old))"
        guard count >= 0 else { throw MPIError(.count, "Type_contiguous with negative count \(count)") }
        let extent = try product(count, old.extent, name)
        return Datatype(basic: old.basic, runs: try repeated(old.runs, basic: old.basic, times: count, spacing: old.extent, name),
                        size: try product(count, old.size, name), extent: extent, predefined: false, description: name)
    }

    /// `MPI_Type_vector`: `count` blocks of `blockLength` elements of `old`, the starts of
    /// consecutive blocks `stride` elements apart.
    public static func vector(_ count: Int, blockLength: Int, stride: Int, of old: Datatype) throws(MPIError) -> Datatype {
        let name = "vector(\(count), \(blockLength), \(stride), \(old))"
        guard count >= 0, blockLength >= 0 else {
            throw MPIError(.count, "Type_vector with negative count \(count) or block length \(blockLength)")
        }
        guard stride >= 0 else { throw MPIError(.arg, "Type_vector with negative stride \(stride) is not supported") }
        // Every offset below lies inside the extent, so none overflows once it does not.
        let elements = count == 0 ? 0 : try sum(try product(count - 1, stride, name), blockLength, name)
        let extent = try product(elements, old.extent, name)
        let block = try repeated(old.runs, basic: old.basic, times: blockLength, spacing: old.extent, name)
        let runs = try repeated(block, basic: old.basic, times: count, spacing: count > 1 ? stride * old.extent : 0, name)
        return Datatype(basic: old.basic, runs: runs, size: try product(try product(count, blockLength, name), old.size, name), extent: extent,
                        predefined: false, description: name)
    }

    /// `MPI_Type_commit`.
    public func commit() { committed.store(true, ordering: .relaxed) }

    /// `times` copies of `unit`, `spacing` bytes apart, with runs that continue one
    /// another joined (so a contiguous run of a contiguous type stays one run, whatever
    /// its count).
    private static func repeated(_ unit: [Run], basic: BasicType, times: Int, spacing: Int, _ name: String) throws(MPIError) -> [Run] {
        guard times > 0, !unit.isEmpty else { return [] }
        if unit.count == 1, unit[0].offset == 0, unit[0].count * basic.extent == spacing {
            return [Run(offset: 0, count: try product(times, unit[0].count, name))]
        }
        guard times <= maximumRuns / unit.count else {
            throw MPIError(.count, "\(name) has up to \(times) x \(unit.count) separate pieces; a datatype may have at most \(maximumRuns)")
        }
        var runs: [Run] = []
        runs.reserveCapacity(times * unit.count)
        for copy in 0..<times {
            for run in unit {
                let offset = run.offset + copy * spacing
                if let last = runs.last, offset == last.offset + last.count * basic.extent {
                    runs[runs.count - 1].count += run.count
                } else if run.count > 0 {
                    runs.append(Run(offset: offset, count: run.count))
                }
            }
        }
        return runs
    }

    private static func product(_ left: Int, _ right: Int, _ name: String) throws(MPIError) -> Int {
        let (result, overflow) = left.multipliedReportingOverflow(by: right)
        guard !overflow else { throw MPIError(.count, "\(name) is larger than any memory (\(left) x \(right) overflows)") }
        return result
    }

    private static func sum(_ left: Int, _ right: Int, _ name: String) throws(MPIError) -> Int {
        let (result, overflow) = left.addingReportingOverflow(right)
        guard !overflow else { throw MPIError(.count, "\(name) is larger than any memory (\(left) + \(right) overflows)") }
        return result
    }

    // MARK: Packing

    /// Bytes `count` elements take packed.
    public func packedSize(_ count: Int) -> Int { count * size }

    /// Throws `.count` unless `count` elements fit in this host's memory, both packed (a
    /// message may need a packed copy) and as they lie (a buffer spans that much, and a
    /// user operation gets a copy of that layout). Every size and offset of `count`
    /// elements is then an `Int` that does not overflow, and no copy of them exceeds memory.
    func checkFits(_ count: Int) throws(MPIError) {
        guard count > 0 else { return }
        let (packed, packedOverflow) = count.multipliedReportingOverflow(by: size)
        let (lastStart, startOverflow) = (count - 1).multipliedReportingOverflow(by: extent)
        guard !packedOverflow, !startOverflow, packed <= Self.hostMemory, extent <= Self.hostMemory, lastStart <= Self.hostMemory - extent else {
            throw MPIError(.count, "\(count) elements of \(self) do not fit in this host's memory (\(size) bytes each packed, \(extent) apart)")
        }
    }

    /// Bytes of memory on this host: no buffer or copy of one can be larger.
    static let hostMemory = Swift.max(sysconf(Int32(_SC_PHYS_PAGES)), 1) * Swift.max(sysconf(Int32(_SC_PAGESIZE)), 1)

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
