import Synchronization
import BrazosCore
#if canImport(Glibc)
import Glibc
#endif

/// An MPI datatype: a layout of basic elements in memory, kept as the tree of constructor
/// calls that made it (`Layout`), never expanded element by element.
///
/// Messages carry datatypes packed: the data bytes of each basic element in the type's
/// order, without gaps or padding, so a receive's byte count divided by `size` is its
/// element count. A type whose packed form is its memory (`isPackedAsIs`: every predefined
/// type but the padded pairs, contiguous runs of them) is sent and received in place;
/// others go through a packed copy made by walking the tree (`Datatype+Walk.swift`).
///
/// Bounds follow MPI 4.1 §5.1: `lowerBound` and `extent` (which `MPI_Type_create_resized`
/// sets) space elements in an array; `trueLowerBound` and `trueExtent` are where data
/// really lies. Offsets may be negative (negative strides and displacements, or absolute
/// addresses with `MPI_BOTTOM`); every bound is checked for overflow when a type is made.
public final class Datatype: Sendable, CustomStringConvertible {
    /// How to find the data of one element.
    let layout: Layout
    /// How the program made this type (`MPI_Type_get_envelope`, `MPI_Type_get_contents`).
    public let envelope: Envelope
    /// Bytes of data in one element (`MPI_Type_size`).
    public let size: Int
    /// `MPI_Type_get_extent`'s lower bound.
    public let lowerBound: Int
    /// Bytes from one element to the next in an array of them.
    public let extent: Int
    /// Offset of the first data byte (`MPI_Type_get_true_extent`).
    public let trueLowerBound: Int
    /// Bytes from the first data byte to just past the last.
    public let trueExtent: Int
    /// Basic elements in one element (`MPI_Get_elements`); a pair counts as two.
    public let basicCount: Int
    /// Bytes one element packs to in `external32`.
    public let external32Size: Int
    /// The one basic type all data is made of, which reductions need; nil for a mixture.
    public let basic: BasicType?
    /// What reductions need of `basic`, worked out once.
    let reduction: Reduction.Traits
    /// The largest alignment of its basic types.
    let alignment: Int
    /// Its bounds, or a part's, were set by `MPI_Type_create_resized`: a struct of it is
    /// not padded to its alignment.
    let hasExplicitBounds: Bool
    /// Whether this is a predefined type: committed from the start, and never freed.
    public let isPredefined: Bool
    /// The data of one element is the bytes `trueLowerBound ..< trueLowerBound + size`, in
    /// order: it packs with one copy.
    let isDense: Bool
    /// Packing is the identity: the bytes in memory are the bytes on the wire.
    let isPackedAsIs: Bool
    /// The most elements that fit in this host's memory (`checkFits`), worked out once:
    /// every send and receive asks.
    private let countLimit: Int
    /// Derived types must be committed before use in communication (`MPI_Type_commit`).
    public var isCommitted: Bool { committed.load(ordering: .relaxed) }
    /// Atomic because a type committed on one thread may be checked on others; relaxed,
    /// since MPI has the program order the commit before those uses.
    private let committed: Atomic<Bool>
    private let nameStorage: Guarded<String>
    /// How the type was built (its MPI name for a predefined one), for error messages.
    public let description: String

    /// What a constructor computed: the layout and its bounds.
    struct Shape {
        var layout: Layout
        var size: Int
        var lowerBound: Int
        var upperBound: Int
        var trueLowerBound: Int
        var trueUpperBound: Int
        var basicCount: Int
        var external32Size: Int
        var basic: BasicType?
        var isDense: Bool
        var alignment: Int
        var hasExplicitBounds: Bool
    }

    init(_ shape: Shape, envelope: Envelope, predefined: Bool, committed: Bool, name: String, description: String) {
        layout = shape.layout
        self.envelope = envelope
        size = shape.size
        lowerBound = shape.lowerBound
        extent = shape.upperBound - shape.lowerBound
        trueLowerBound = shape.trueLowerBound
        trueExtent = shape.trueUpperBound - shape.trueLowerBound
        basicCount = shape.basicCount
        external32Size = shape.external32Size
        basic = shape.basic
        reduction = Reduction.Traits(shape.basic)
        isDense = shape.isDense
        alignment = shape.alignment
        hasExplicitBounds = shape.hasExplicitBounds
        isPackedAsIs = shape.size == 0 || (shape.isDense && shape.trueLowerBound == 0 && extent == shape.size)
        countLimit = Self.countLimit(size: shape.size, extent: extent)
        isPredefined = predefined
        self.committed = Atomic(committed)
        nameStorage = Guarded(name)
        self.description = description
    }

    /// The predefined datatype of one `basic` element.
    public convenience init(_ basic: BasicType) {
        let trueUpper = basic.parts.last.map { $0.offset + $0.type.size } ?? basic.size
        let shape = Shape(layout: .basic(basic), size: basic.size, lowerBound: 0, upperBound: basic.extent, trueLowerBound: 0,
                          trueUpperBound: trueUpper, basicCount: basic.isPair ? 2 : 1, external32Size: basic.external32Size,
                          basic: basic, isDense: trueUpper == basic.size, alignment: basic.alignment, hasExplicitBounds: false)
        self.init(shape, envelope: .named, predefined: true, committed: true, name: basic.name, description: basic.name)
    }

    /// `MPI_Type_commit`.
    public func commit() { committed.store(true, ordering: .relaxed) }

    /// `MPI_Type_get_name`, `MPI_Type_set_name`: a predefined type's MPI name, else empty
    /// until the program names it.
    public var name: String {
        get { nameStorage.withLock { $0 } }
        set { nameStorage.withLock { $0 = newValue } }
    }

    /// The upper bound (`lowerBound + extent`).
    public var upperBound: Int { lowerBound + extent }

    // MARK: Sizes of counts

    /// Bytes `count` elements take packed (the count has passed `checkFits`).
    public func packedSize(_ count: Int) -> Int { count * size }

    /// Throws `.count` unless `count` elements fit in this host's memory: packed (a message
    /// may need a packed copy), and as an array (its elements' starts span at most the
    /// memory). One element may span more (a type of absolute addresses for `MPI_BOTTOM`
    /// covers stack and heap). Every size and offset of `count` elements is then an `Int`
    /// that does not overflow, and no packed copy of them exceeds memory.
    public func checkFits(_ count: Int) throws(MPIError) {
        guard count <= countLimit else {
            throw .cold(.count) { "\(count) elements of \(self) do not fit in this host's memory (\(size) bytes each packed, \(extent) apart)" }
        }
    }

    /// The largest count whose packed bytes fit in memory and whose last element starts
    /// within a memory's span of the first.
    private static func countLimit(size: Int, extent: Int) -> Int {
        let memory = hostMemory
        var limit = Int.max
        if size > 0 { limit = memory / size }
        if extent != 0 { limit = Swift.min(limit, Int(UInt(memory) / extent.magnitude) + 1) }
        return limit
    }

    /// Bytes of memory on this host: no buffer or copy of one can be larger.
    public static let hostMemory = Swift.max(sysconf(Int32(_SC_PHYS_PAGES)), 1) * Swift.max(sysconf(Int32(_SC_PAGESIZE)), 1)

    /// The offsets, from the buffer's address, of the first data byte and just past the
    /// last of `count` elements (the count has passed `checkFits`).
    func footprint(_ count: Int) -> Range<Int> {
        guard count > 0, size > 0 else { return 0..<0 }
        let last = (count - 1) * extent
        return (trueLowerBound &+ Swift.min(0, last))..<(trueLowerBound &+ trueExtent &+ Swift.max(0, last))
    }
}

/// The predefined datatypes.
extension Datatype {
    /// `MPI_CHAR`.
    public static let char = Datatype(.char)
    /// `MPI_WCHAR`.
    public static let wchar = Datatype(.wchar)
    /// `MPI_SIGNED_CHAR`.
    public static let signedChar = Datatype(.signedChar)
    /// `MPI_UNSIGNED_CHAR`.
    public static let unsignedChar = Datatype(.unsignedChar)
    /// `MPI_BYTE`.
    public static let byte = Datatype(.byte)
    /// `MPI_PACKED`.
    public static let packed = Datatype(.packed)
    /// `MPI_SHORT`.
    public static let short = Datatype(.short)
    /// `MPI_UNSIGNED_SHORT`.
    public static let unsignedShort = Datatype(.unsignedShort)
    /// `MPI_INT`.
    public static let int = Datatype(.int)
    /// `MPI_UNSIGNED`.
    public static let unsigned = Datatype(.unsigned)
    /// `MPI_LONG`.
    public static let long = Datatype(.long)
    /// `MPI_UNSIGNED_LONG`.
    public static let unsignedLong = Datatype(.unsignedLong)
    /// `MPI_LONG_LONG`.
    public static let longLong = Datatype(.longLong)
    /// `MPI_UNSIGNED_LONG_LONG`.
    public static let unsignedLongLong = Datatype(.unsignedLongLong)
    /// `MPI_FLOAT`.
    public static let float = Datatype(.float)
    /// `MPI_DOUBLE`.
    public static let double = Datatype(.double)
    /// `MPI_LONG_DOUBLE`.
    public static let longDouble = Datatype(.longDouble)
    /// `MPI_INT8_T`.
    public static let int8 = Datatype(.int8)
    /// `MPI_INT16_T`.
    public static let int16 = Datatype(.int16)
    /// `MPI_INT32_T`.
    public static let int32 = Datatype(.int32)
    /// `MPI_INT64_T`.
    public static let int64 = Datatype(.int64)
    /// `MPI_UINT8_T`.
    public static let uint8 = Datatype(.uint8)
    /// `MPI_UINT16_T`.
    public static let uint16 = Datatype(.uint16)
    /// `MPI_UINT32_T`.
    public static let uint32 = Datatype(.uint32)
    /// `MPI_UINT64_T`.
    public static let uint64 = Datatype(.uint64)
    /// `MPI_AINT`.
    public static let aint = Datatype(.aint)
    /// `MPI_COUNT`.
    public static let count = Datatype(.count)
    /// `MPI_OFFSET`.
    public static let offset = Datatype(.offset)
    /// `MPI_C_BOOL`.
    public static let bool = Datatype(.bool)
    /// `MPI_CXX_BOOL`.
    public static let cxxBool = Datatype(.cxxBool)
    /// `MPI_C_FLOAT_COMPLEX` (and `MPI_C_COMPLEX`, the same handle).
    public static let floatComplex = Datatype(.floatComplex)
    /// `MPI_C_DOUBLE_COMPLEX`.
    public static let doubleComplex = Datatype(.doubleComplex)
    /// `MPI_C_LONG_DOUBLE_COMPLEX`.
    public static let longDoubleComplex = Datatype(.longDoubleComplex)
    /// `MPI_CXX_FLOAT_COMPLEX`.
    public static let cxxFloatComplex = Datatype(.cxxFloatComplex)
    /// `MPI_CXX_DOUBLE_COMPLEX`.
    public static let cxxDoubleComplex = Datatype(.cxxDoubleComplex)
    /// `MPI_CXX_LONG_DOUBLE_COMPLEX`.
    public static let cxxLongDoubleComplex = Datatype(.cxxLongDoubleComplex)
    /// `MPI_INTEGER`.
    public static let integer = Datatype(.integer)
    /// `MPI_REAL`.
    public static let real = Datatype(.real)
    /// `MPI_DOUBLE_PRECISION`.
    public static let doublePrecision = Datatype(.doublePrecision)
    /// `MPI_COMPLEX`.
    public static let complex = Datatype(.complex)
    /// `MPI_DOUBLE_COMPLEX`.
    public static let doubleComplexFortran = Datatype(.doubleComplexFortran)
    /// `MPI_LOGICAL`.
    public static let logical = Datatype(.logical)
    /// `MPI_CHARACTER`.
    public static let character = Datatype(.character)
    /// `MPI_2INTEGER`.
    public static let twoInteger = Datatype(.twoInteger)
    /// `MPI_INTEGER1`.
    public static let integer1 = Datatype(.integer1)
    /// `MPI_INTEGER2`.
    public static let integer2 = Datatype(.integer2)
    /// `MPI_INTEGER4`.
    public static let integer4 = Datatype(.integer4)
    /// `MPI_INTEGER8`.
    public static let integer8 = Datatype(.integer8)
    /// `MPI_REAL4`.
    public static let real4 = Datatype(.real4)
    /// `MPI_REAL8`.
    public static let real8 = Datatype(.real8)
    /// `MPI_COMPLEX8`.
    public static let complex8 = Datatype(.complex8)
    /// `MPI_COMPLEX16`.
    public static let complex16 = Datatype(.complex16)
    /// `MPI_LOGICAL1`.
    public static let logical1 = Datatype(.logical1)
    /// `MPI_LOGICAL2`.
    public static let logical2 = Datatype(.logical2)
    /// `MPI_LOGICAL4`.
    public static let logical4 = Datatype(.logical4)
    /// `MPI_LOGICAL8`.
    public static let logical8 = Datatype(.logical8)
    /// `MPI_FLOAT_INT`.
    public static let floatInt = Datatype(.floatInt)
    /// `MPI_DOUBLE_INT`.
    public static let doubleInt = Datatype(.doubleInt)
    /// `MPI_LONG_INT`.
    public static let longInt = Datatype(.longInt)
    /// `MPI_2INT`.
    public static let twoInt = Datatype(.twoInt)
    /// `MPI_SHORT_INT`.
    public static let shortInt = Datatype(.shortInt)
    /// `MPI_LONG_DOUBLE_INT`.
    public static let longDoubleInt = Datatype(.longDoubleInt)

    /// `MPI_Type_get_value_index`: the predefined pair of a value of `value` and an index
    /// of `index`, or nil when MPI has none.
    public static func valueIndex(value: Datatype, index: Datatype) -> Datatype? {
        if value === Datatype.integer && index === Datatype.integer { return .twoInteger }
        guard index === Datatype.int else { return nil }
        let pairs: [(Datatype, Datatype)] = [(.float, .floatInt), (.double, .doubleInt), (.long, .longInt), (.int, .twoInt),
                                             (.short, .shortInt), (.longDouble, .longDoubleInt)]
        return pairs.first { $0.0 === value }?.1
    }
}
