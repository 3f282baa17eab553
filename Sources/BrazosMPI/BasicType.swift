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

    public let name: String
    public let value: Value
    /// Bytes of data (what travels): for a pair, value and index without padding.
    public let size: Int
    /// Bytes it occupies in memory (the C type's size, padding included).
    public let extent: Int

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

    public static let char = BasicType("MPI_CHAR", .character)
    public static let signedChar = BasicType("MPI_SIGNED_CHAR", .signed(bits: 8))
    public static let unsignedChar = BasicType("MPI_UNSIGNED_CHAR", .unsigned(bits: 8))
    public static let byte = BasicType("MPI_BYTE", .byte)
    public static let short = BasicType("MPI_SHORT", .signed(bits: 16))
    public static let unsignedShort = BasicType("MPI_UNSIGNED_SHORT", .unsigned(bits: 16))
    public static let int = BasicType("MPI_INT", .signed(bits: 32))
    public static let unsigned = BasicType("MPI_UNSIGNED", .unsigned(bits: 32))
    public static let long = BasicType("MPI_LONG", .signed(bits: 64))
    public static let unsignedLong = BasicType("MPI_UNSIGNED_LONG", .unsigned(bits: 64))
    public static let longLong = BasicType("MPI_LONG_LONG", .signed(bits: 64))
    public static let unsignedLongLong = BasicType("MPI_UNSIGNED_LONG_LONG", .unsigned(bits: 64))
    public static let float = BasicType("MPI_FLOAT", .float)
    public static let double = BasicType("MPI_DOUBLE", .double)
    public static let longDouble = BasicType("MPI_LONG_DOUBLE", .longDouble)
    public static let int8 = BasicType("MPI_INT8_T", .signed(bits: 8))
    public static let int16 = BasicType("MPI_INT16_T", .signed(bits: 16))
    public static let int32 = BasicType("MPI_INT32_T", .signed(bits: 32))
    public static let int64 = BasicType("MPI_INT64_T", .signed(bits: 64))
    public static let uint8 = BasicType("MPI_UINT8_T", .unsigned(bits: 8))
    public static let uint16 = BasicType("MPI_UINT16_T", .unsigned(bits: 16))
    public static let uint32 = BasicType("MPI_UINT32_T", .unsigned(bits: 32))
    public static let uint64 = BasicType("MPI_UINT64_T", .unsigned(bits: 64))
    public static let bool = BasicType("MPI_C_BOOL", .bool)
    // The pairs lie as the C structs `{ T value; int index; }` do on LP64 Linux.
    public static let floatInt = pair("MPI_FLOAT_INT", .float, indexOffset: 4, extent: 8)
    public static let doubleInt = pair("MPI_DOUBLE_INT", .double, indexOffset: 8, extent: 16)
    public static let longInt = pair("MPI_LONG_INT", .signed(bits: 64), indexOffset: 8, extent: 16)
    public static let twoInt = pair("MPI_2INT", .signed(bits: 32), indexOffset: 4, extent: 8)
    public static let shortInt = pair("MPI_SHORT_INT", .signed(bits: 16), indexOffset: 4, extent: 8)
    public static let longDoubleInt = pair("MPI_LONG_DOUBLE_INT", .longDouble, indexOffset: 16, extent: 32)

    public static func == (a: BasicType, b: BasicType) -> Bool { a.name == b.name }
}
