/// The predefined element types of MPI: what a value is (for reductions) and how it lies
/// in memory (for packing). Every datatype, derived or not, is made of one basic type.
public struct BasicType: Equatable, Sendable, CustomStringConvertible {
    /// What arithmetic sees.
    public enum Value: Equatable, Sendable {
        case signed(bits: Int)
        case unsigned(bits: Int)
        case float, double, longDouble
        case bool
        /// `MPI_CHAR`: characters, not numbers; no reduction applies.
        case character
        /// `MPI_BYTE`: uninterpreted; only the bitwise reductions apply.
        case byte
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

    /// The MPI name.
    public var description: String { name }

    /// The byte runs of one element in memory, as (offset, length).
    var pieces: [(offset: Int, length: Int)] {
        if case let .pair(value, indexOffset) = value {
            return [(0, Self.valueSize(value)), (indexOffset, 4)]
        }
        return [(0, size)]
    }

    /// Packing copies an element's bytes unchanged.
    var packsAsIs: Bool { size == extent }

    private static func valueSize(_ value: Value) -> Int {
        switch value {
        case let .signed(bits), let .unsigned(bits): return bits / 8
        case .float: return 4
        case .double: return 8
        case .longDouble: return MemoryLayout<Float80>.stride
        case .bool, .character, .byte: return 1
        case .pair: return 0
        }
    }

    init(_ name: String, _ value: Value, extent: Int? = nil) {
        self.name = name
        self.value = value
        if case let .pair(inner, indexOffset) = value {
            size = Self.valueSize(inner) + 4
            self.extent = extent ?? (indexOffset + 4)
        } else {
            size = Self.valueSize(value)
            self.extent = size
        }
    }

    private static func pair(_ name: String, _ value: Value, indexOffset: Int, extent: Int) -> BasicType {
        BasicType(name, .pair(value, indexOffset: indexOffset), extent: extent)
    }

    /// `MPI_CHAR`: C `char` as characters: no reduction applies.
    public static let char = BasicType("MPI_CHAR", .character)
    /// `MPI_SIGNED_CHAR`: C `signed char`, as an 8-bit integer.
    public static let signedChar = BasicType("MPI_SIGNED_CHAR", .signed(bits: 8))
    /// `MPI_UNSIGNED_CHAR`: C `unsigned char`, as an 8-bit unsigned integer.
    public static let unsignedChar = BasicType("MPI_UNSIGNED_CHAR", .unsigned(bits: 8))
    /// `MPI_BYTE`: Uninterpreted bytes: only the bitwise reductions apply.
    public static let byte = BasicType("MPI_BYTE", .byte)
    /// `MPI_SHORT`: C `short` (16 bits).
    public static let short = BasicType("MPI_SHORT", .signed(bits: 16))
    /// `MPI_UNSIGNED_SHORT`: C `unsigned short` (16 bits).
    public static let unsignedShort = BasicType("MPI_UNSIGNED_SHORT", .unsigned(bits: 16))
    /// `MPI_INT`: C `int` (32 bits).
    public static let int = BasicType("MPI_INT", .signed(bits: 32))
    /// `MPI_UNSIGNED`: C `unsigned` (32 bits).
    public static let unsigned = BasicType("MPI_UNSIGNED", .unsigned(bits: 32))
    /// `MPI_LONG`: C `long` (64 bits on LP64 Linux).
    public static let long = BasicType("MPI_LONG", .signed(bits: 64))
    /// `MPI_UNSIGNED_LONG`: C `unsigned long` (64 bits on LP64 Linux).
    public static let unsignedLong = BasicType("MPI_UNSIGNED_LONG", .unsigned(bits: 64))
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
    /// `MPI_C_BOOL`: C `_Bool` (one byte): only the logical reductions apply.
    public static let bool = BasicType("MPI_C_BOOL", .bool)
    // The pairs lie as the C structs `{ T value; int index; }` do on LP64 Linux.
    /// `MPI_FLOAT_INT`: `{ float; int; }` for `MINLOC`/`MAXLOC`.
    public static let floatInt = pair("MPI_FLOAT_INT", .float, indexOffset: 4, extent: 8)
    /// `MPI_DOUBLE_INT`: `{ double; int; }` for `MINLOC`/`MAXLOC`.
    public static let doubleInt = pair("MPI_DOUBLE_INT", .double, indexOffset: 8, extent: 16)
    /// `MPI_LONG_INT`: `{ long; int; }` for `MINLOC`/`MAXLOC`.
    public static let longInt = pair("MPI_LONG_INT", .signed(bits: 64), indexOffset: 8, extent: 16)
    /// `MPI_2INT`: `{ int; int; }` for `MINLOC`/`MAXLOC`.
    public static let twoInt = pair("MPI_2INT", .signed(bits: 32), indexOffset: 4, extent: 8)
    /// `MPI_SHORT_INT`: `{ short; int; }` for `MINLOC`/`MAXLOC`.
    public static let shortInt = pair("MPI_SHORT_INT", .signed(bits: 16), indexOffset: 4, extent: 8)
    /// `MPI_LONG_DOUBLE_INT`: `{ long double; int; }` for `MINLOC`/`MAXLOC`.
    public static let longDoubleInt = pair("MPI_LONG_DOUBLE_INT", .longDouble, indexOffset: 16, extent: 32)

    /// Equal when the MPI names are.
    public static func == (a: BasicType, b: BasicType) -> Bool { a.name == b.name }
}
