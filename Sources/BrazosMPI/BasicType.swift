/// The predefined element types of MPI: what a value is (for reductions), how it lies in
/// memory (for packing) and in the portable `external32` form. Every datatype is made of
/// basic types; one made of a single basic type (or the predefined pairs) can be reduced.
public struct BasicType: Equatable, Sendable, CustomStringConvertible {
    /// What arithmetic sees.
    public enum Value: Equatable, Sendable {
        case signed(bits: Int)
        case unsigned(bits: Int)
        case float, double, longDouble
        /// C `_Bool`, C++ `bool`: one byte, only the logical reductions apply.
        case bool
        /// Fortran `LOGICAL*n`: zero is false; only the logical reductions apply.
        case logical(bits: Int)
        /// A complex number: real then imaginary part, each of the floating-point `Value`.
        indirect case complex(Value)
        /// `MPI_CHAR`, `MPI_WCHAR`: characters; only 8-bit ones reduce, as signed integers
        /// (what Open MPI and MPICH do for `MPI_CHAR`).
        case character(bits: Int)
        /// `MPI_BYTE`: uninterpreted; only the bitwise reductions apply.
        case byte
        /// `MPI_PACKED`: bytes made by `MPI_Pack`; no reduction applies.
        case packed
        /// A value-index pair for `MINLOC`/`MAXLOC`: the value, then a C `int` at `indexOffset`.
        indirect case pair(Value, indexOffset: Int)
    }

    /// The MPI name (`MPI_INT`); two basic types are equal when their names are.
    public let name: String
    /// What the elements are, which decides the reductions that apply.
    public let value: Value
    /// Bytes of data (what travels): for a pair, value and index without padding.
    public let size: Int
    /// Bytes it occupies in memory (the C type's size, padding included).
    public let extent: Int
    /// Bytes one element takes in `external32` (MPI 4.1 §19.3.12): `long` is 4 bytes
    /// there, `wchar_t` 2, `long double` a 16-byte IEEE quad.
    public let external32Size: Int
    /// The C type's alignment, which pads the extent of a struct made of it (MPI 4.1 §5.1.6).
    public var alignment: Int {
        if let value = parts.first?.type { return Swift.max(value.alignment, 4) }
        switch value {
        case .longDouble, .complex(.longDouble): return 16
        case let .complex(part): return BasicType.valueSize(part)
        default: return size
        }
    }
    /// For a pair, its two parts (value, then index) and where they lie; else empty.
    let parts: [Part]

    struct Part: Sendable {
        let offset: Int
        let type: BasicType
    }

    /// The MPI name.
    public var description: String { name }

    /// Whether this is a value-index pair, packed part by part.
    var isPair: Bool { !parts.isEmpty }

    static func valueSize(_ value: Value) -> Int {
        switch value {
        case let .signed(bits), let .unsigned(bits), let .logical(bits), let .character(bits): return bits / 8
        case .float: return 4
        case .double: return 8
        case .longDouble: return MemoryLayout<Float80>.stride
        case let .complex(part): return 2 * valueSize(part)
        case .bool, .byte, .packed: return 1
        case let .pair(inner, _): return valueSize(inner) + 4
        }
    }

    init(_ name: String, _ value: Value, external32Size: Int? = nil) {
        self.name = name
        self.value = value
        size = Self.valueSize(value)
        extent = size
        self.external32Size = external32Size ?? (value == .longDouble ? 16 : size)
        parts = []
    }

    private init(pair name: String, _ valueType: BasicType, indexOffset: Int, extent: Int) {
        self.name = name
        value = .pair(valueType.value, indexOffset: indexOffset)
        size = valueType.size + 4
        self.extent = extent
        external32Size = valueType.external32Size + 4
        parts = [Part(offset: 0, type: valueType), Part(offset: indexOffset, type: .int)]
    }

    /// `MPI_CHAR`: C `char` as characters; reductions treat it as `signed char`, as Open
    /// MPI and MPICH do.
    public static let char = BasicType("MPI_CHAR", .character(bits: 8))
    /// `MPI_WCHAR`: C `wchar_t` (32 bits on Linux; 16 in external32).
    public static let wchar = BasicType("MPI_WCHAR", .character(bits: 32), external32Size: 2)
    /// `MPI_SIGNED_CHAR`: C `signed char`, as an 8-bit integer.
    public static let signedChar = BasicType("MPI_SIGNED_CHAR", .signed(bits: 8))
    /// `MPI_UNSIGNED_CHAR`: C `unsigned char`, as an 8-bit unsigned integer.
    public static let unsignedChar = BasicType("MPI_UNSIGNED_CHAR", .unsigned(bits: 8))
    /// `MPI_BYTE`: Uninterpreted bytes: only the bitwise reductions apply.
    public static let byte = BasicType("MPI_BYTE", .byte)
    /// `MPI_PACKED`: the output of `MPI_Pack`.
    public static let packed = BasicType("MPI_PACKED", .packed)
    /// `MPI_SHORT`: C `short` (16 bits).
    public static let short = BasicType("MPI_SHORT", .signed(bits: 16))
    /// `MPI_UNSIGNED_SHORT`: C `unsigned short` (16 bits).
    public static let unsignedShort = BasicType("MPI_UNSIGNED_SHORT", .unsigned(bits: 16))
    /// `MPI_INT`: C `int` (32 bits).
    public static let int = BasicType("MPI_INT", .signed(bits: 32))
    /// `MPI_UNSIGNED`: C `unsigned` (32 bits).
    public static let unsigned = BasicType("MPI_UNSIGNED", .unsigned(bits: 32))
    /// `MPI_LONG`: C `long` (64 bits on LP64 Linux; 32 in external32).
    public static let long = BasicType("MPI_LONG", .signed(bits: 64), external32Size: 4)
    /// `MPI_UNSIGNED_LONG`: C `unsigned long` (64 bits on LP64 Linux; 32 in external32).
    public static let unsignedLong = BasicType("MPI_UNSIGNED_LONG", .unsigned(bits: 64), external32Size: 4)
    /// `MPI_LONG_LONG`: C `long long` (64 bits).
    public static let longLong = BasicType("MPI_LONG_LONG", .signed(bits: 64))
    /// `MPI_UNSIGNED_LONG_LONG`: C `unsigned long long` (64 bits).
    public static let unsignedLongLong = BasicType("MPI_UNSIGNED_LONG_LONG", .unsigned(bits: 64))
    /// `MPI_FLOAT`: C `float` (32-bit IEEE).
    public static let float = BasicType("MPI_FLOAT", .float)
    /// `MPI_DOUBLE`: C `double` (64-bit IEEE).
    public static let double = BasicType("MPI_DOUBLE", .double)
    /// `MPI_LONG_DOUBLE`: C `long double` (x87 80-bit, stored in 16 bytes).
    public static let longDouble = BasicType("MPI_LONG_DOUBLE", .longDouble)
    /// `MPI_INT8_T`: `int8_t`.
    public static let int8 = BasicType("MPI_INT8_T", .signed(bits: 8))
    /// `MPI_INT16_T`: `int16_t`.
    public static let int16 = BasicType("MPI_INT16_T", .signed(bits: 16))
    /// `MPI_INT32_T`: `int32_t`.
    public static let int32 = BasicType("MPI_INT32_T", .signed(bits: 32))
    /// `MPI_INT64_T`: `int64_t`.
    public static let int64 = BasicType("MPI_INT64_T", .signed(bits: 64))
    /// `MPI_UINT8_T`: `uint8_t`.
    public static let uint8 = BasicType("MPI_UINT8_T", .unsigned(bits: 8))
    /// `MPI_UINT16_T`: `uint16_t`.
    public static let uint16 = BasicType("MPI_UINT16_T", .unsigned(bits: 16))
    /// `MPI_UINT32_T`: `uint32_t`.
    public static let uint32 = BasicType("MPI_UINT32_T", .unsigned(bits: 32))
    /// `MPI_UINT64_T`: `uint64_t`.
    public static let uint64 = BasicType("MPI_UINT64_T", .unsigned(bits: 64))
    /// `MPI_AINT`: `MPI_Aint` (64 bits).
    public static let aint = BasicType("MPI_AINT", .signed(bits: 64))
    /// `MPI_COUNT`: `MPI_Count` (64 bits).
    public static let count = BasicType("MPI_COUNT", .signed(bits: 64))
    /// `MPI_OFFSET`: `MPI_Offset` (64 bits).
    public static let offset = BasicType("MPI_OFFSET", .signed(bits: 64))
    /// `MPI_C_BOOL`: C `_Bool` (one byte): only the logical reductions apply.
    public static let bool = BasicType("MPI_C_BOOL", .bool)
    /// `MPI_CXX_BOOL`: C++ `bool` (one byte).
    public static let cxxBool = BasicType("MPI_CXX_BOOL", .bool)
    /// `MPI_C_FLOAT_COMPLEX` (also `MPI_C_COMPLEX`): C `float _Complex`.
    public static let floatComplex = BasicType("MPI_C_FLOAT_COMPLEX", .complex(.float))
    /// `MPI_C_DOUBLE_COMPLEX`: C `double _Complex`.
    public static let doubleComplex = BasicType("MPI_C_DOUBLE_COMPLEX", .complex(.double))
    /// `MPI_C_LONG_DOUBLE_COMPLEX`: C `long double _Complex`.
    public static let longDoubleComplex = BasicType("MPI_C_LONG_DOUBLE_COMPLEX", .complex(.longDouble))
    /// `MPI_CXX_FLOAT_COMPLEX`: C++ `std::complex<float>`.
    public static let cxxFloatComplex = BasicType("MPI_CXX_FLOAT_COMPLEX", .complex(.float))
    /// `MPI_CXX_DOUBLE_COMPLEX`: C++ `std::complex<double>`.
    public static let cxxDoubleComplex = BasicType("MPI_CXX_DOUBLE_COMPLEX", .complex(.double))
    /// `MPI_CXX_LONG_DOUBLE_COMPLEX`: C++ `std::complex<long double>`.
    public static let cxxLongDoubleComplex = BasicType("MPI_CXX_LONG_DOUBLE_COMPLEX", .complex(.longDouble))
    // The default-kind Fortran types at gfortran's default sizes (no -fdefault-*-8),
    // what Open MPI and MPICH configure on Linux.
    /// `MPI_INTEGER`: default `INTEGER` (4 bytes).
    public static let integer = BasicType("MPI_INTEGER", .signed(bits: 32))
    /// `MPI_REAL`: default `REAL` (4 bytes).
    public static let real = BasicType("MPI_REAL", .float)
    /// `MPI_DOUBLE_PRECISION`: `DOUBLE PRECISION` (8 bytes).
    public static let doublePrecision = BasicType("MPI_DOUBLE_PRECISION", .double)
    /// `MPI_COMPLEX`: default `COMPLEX` (two `REAL`s).
    public static let complex = BasicType("MPI_COMPLEX", .complex(.float))
    /// `MPI_DOUBLE_COMPLEX`: `DOUBLE COMPLEX` (two `DOUBLE PRECISION`s).
    public static let doubleComplexFortran = BasicType("MPI_DOUBLE_COMPLEX", .complex(.double))
    /// `MPI_LOGICAL`: default `LOGICAL` (4 bytes).
    public static let logical = BasicType("MPI_LOGICAL", .logical(bits: 32))
    /// `MPI_CHARACTER`: `CHARACTER(1)`.
    public static let character = BasicType("MPI_CHARACTER", .character(bits: 8))
    // The Fortran types whose size the name fixes.
    /// `MPI_INTEGER1`.
    public static let integer1 = BasicType("MPI_INTEGER1", .signed(bits: 8))
    /// `MPI_INTEGER2`.
    public static let integer2 = BasicType("MPI_INTEGER2", .signed(bits: 16))
    /// `MPI_INTEGER4`.
    public static let integer4 = BasicType("MPI_INTEGER4", .signed(bits: 32))
    /// `MPI_INTEGER8`.
    public static let integer8 = BasicType("MPI_INTEGER8", .signed(bits: 64))
    /// `MPI_REAL4`.
    public static let real4 = BasicType("MPI_REAL4", .float)
    /// `MPI_REAL8`.
    public static let real8 = BasicType("MPI_REAL8", .double)
    /// `MPI_COMPLEX8`: two `REAL*4`.
    public static let complex8 = BasicType("MPI_COMPLEX8", .complex(.float))
    /// `MPI_COMPLEX16`: two `REAL*8`.
    public static let complex16 = BasicType("MPI_COMPLEX16", .complex(.double))
    /// `MPI_LOGICAL1`.
    public static let logical1 = BasicType("MPI_LOGICAL1", .logical(bits: 8))
    /// `MPI_LOGICAL2`.
    public static let logical2 = BasicType("MPI_LOGICAL2", .logical(bits: 16))
    /// `MPI_LOGICAL4`.
    public static let logical4 = BasicType("MPI_LOGICAL4", .logical(bits: 32))
    /// `MPI_LOGICAL8`.
    public static let logical8 = BasicType("MPI_LOGICAL8", .logical(bits: 64))
    // The pairs lie as the C structs `{ T value; int index; }` do on LP64 Linux.
    /// `MPI_FLOAT_INT`: `{ float; int; }` for `MINLOC`/`MAXLOC`.
    public static let floatInt = BasicType(pair: "MPI_FLOAT_INT", .float, indexOffset: 4, extent: 8)
    /// `MPI_DOUBLE_INT`: `{ double; int; }` for `MINLOC`/`MAXLOC`.
    public static let doubleInt = BasicType(pair: "MPI_DOUBLE_INT", .double, indexOffset: 8, extent: 16)
    /// `MPI_LONG_INT`: `{ long; int; }` for `MINLOC`/`MAXLOC`.
    public static let longInt = BasicType(pair: "MPI_LONG_INT", .long, indexOffset: 8, extent: 16)
    /// `MPI_2INT`: `{ int; int; }` for `MINLOC`/`MAXLOC`.
    public static let twoInt = BasicType(pair: "MPI_2INT", .int, indexOffset: 4, extent: 8)
    /// `MPI_2INTEGER`: two default `INTEGER`s for `MINLOC`/`MAXLOC`.
    public static let twoInteger = BasicType(pair: "MPI_2INTEGER", .integer, indexOffset: 4, extent: 8)
    /// `MPI_SHORT_INT`: `{ short; int; }` for `MINLOC`/`MAXLOC`.
    public static let shortInt = BasicType(pair: "MPI_SHORT_INT", .short, indexOffset: 4, extent: 8)
    /// `MPI_LONG_DOUBLE_INT`: `{ long double; int; }` for `MINLOC`/`MAXLOC`.
    public static let longDoubleInt = BasicType(pair: "MPI_LONG_DOUBLE_INT", .longDouble, indexOffset: 16, extent: 32)

    /// Equal when the MPI names are.
    public static func == (a: BasicType, b: BasicType) -> Bool { a.name == b.name }
}
