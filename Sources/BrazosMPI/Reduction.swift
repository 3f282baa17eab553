/// The predefined reduction operations on packed basic elements: which operation applies
/// to which kind of value (as the MPI standard groups them), and the elementwise loops.
enum Reduction {
    static func isDefined(_ op: Op.Predefined, on value: BasicType.Value) -> Bool {
        switch (op, value) {
        case (.minloc, .pair), (.maxloc, .pair): return true
        // MPI leaves MPI_CHAR out of the integers, but Open MPI and MPICH reduce it as
        // the C `signed char` it is here, and programs written for them do.
        case (.minloc, _), (.maxloc, _): return false
        case (_, .character(bits: 8)): return true
        case (_, .pair), (_, .character), (_, .packed): return false
        case (.sum, .complex), (.prod, .complex): return true
        case (_, .complex): return false
        case (.land, .logical), (.lor, .logical), (.lxor, .logical): return true
        case (_, .logical): return false
        case (.sum, let value), (.prod, let value), (.min, let value), (.max, let value):
            return value != .bool && value != .byte
        case (.land, let value), (.lor, let value), (.lxor, let value):
            return value != .byte && !isFloatingPoint(value)
        case (.band, let value), (.bor, let value), (.bxor, let value):
            return value != .bool && !isFloatingPoint(value)
        }
    }

    private static func isFloatingPoint(_ value: BasicType.Value) -> Bool {
        value == .float || value == .double || value == .longDouble
    }

    /// The loop `apply` runs, chosen once per datatype from its basic type's value: a
    /// plain enum, where a `BasicType.Value` (indirect cases) costs reference counting on
    /// every copy.
    enum Kernel: Sendable {
        case int8, int16, int32, int64, uint8, uint16, uint32, uint64
        case float, double, float80
        case complexFloat, complexDouble, complexFloat80
        case pairInt16, pairInt32, pairInt64, pairFloat, pairDouble, pairFloat80
        /// Nothing reduces (characters wider than 8 bits, packed bytes).
        case none

        init(_ value: BasicType.Value) {
            switch value {
            case .signed(8), .character(bits: 8): self = .int8
            case .signed(16): self = .int16
            case .signed(32): self = .int32
            case .signed: self = .int64
            case .unsigned(8), .byte, .bool, .logical(8): self = .uint8
            case .logical(16): self = .uint16
            case .logical(32): self = .uint32
            case .logical: self = .uint64
            case .complex(.float): self = .complexFloat
            case .complex(.double): self = .complexDouble
            case .complex: self = .complexFloat80
            case .unsigned(16): self = .uint16
            case .unsigned(32): self = .uint32
            case .unsigned: self = .uint64
            case .float: self = .float
            case .double: self = .double
            case .longDouble: self = .float80
            case .character, .packed: self = .none
            case let .pair(inner, _):
                switch inner {
                case .signed(16): self = .pairInt16
                case .signed(32): self = .pairInt32
                case .signed: self = .pairInt64
                case .float: self = .pairFloat
                case .double: self = .pairDouble
                default: self = .pairFloat80
                }
            }
        }
    }

    /// What reductions need of a datatype, worked out once when it is made: checking and
    /// applying an operation then copies nothing (a copy of its `BasicType`, a name, an
    /// array and an indirect enum, cost more than the sum of an 8-byte allreduce).
    struct Traits: Sendable {
        /// The predefined operations defined on it, a bit each (`Op.Predefined.bit`);
        /// none for a mixture of basic types.
        let defined: UInt16
        let kernel: Kernel
        /// Bytes of its basic type; 0 for a mixture.
        let basicSize: Int

        init(_ basic: BasicType?) {
            guard let basic else {
                (defined, kernel, basicSize) = (0, .none, 0)
                return
            }
            defined = Op.Predefined.allCases.reduce(0) { isDefined($1, on: basic.value) ? $0 | $1.bit : $0 }
            kernel = Kernel(basic.value)
            basicSize = basic.size
        }
    }

    /// `output[i] = input[i] op output[i]` for `basicCount` packed elements of `value`;
    /// the operation has been checked with `isDefined`.
    static func apply(_ op: Op.Predefined, _ value: BasicType.Value, basicCount: Int, _ input: UnsafeRawPointer, _ output: UnsafeMutableRawPointer) {
        apply(op, Kernel(value), basicCount: basicCount, input, output)
    }

    /// `apply` with the kernel chosen already.
    static func apply(_ op: Op.Predefined, _ kernel: Kernel, basicCount: Int, _ input: UnsafeRawPointer, _ output: UnsafeMutableRawPointer) {
        switch kernel {
        case .int8: integers(Int8.self, op, basicCount, input, output)
        case .int16: integers(Int16.self, op, basicCount, input, output)
        case .int32: integers(Int32.self, op, basicCount, input, output)
        case .int64: integers(Int64.self, op, basicCount, input, output)
        case .uint8: integers(UInt8.self, op, basicCount, input, output)
        case .uint16: integers(UInt16.self, op, basicCount, input, output)
        case .uint32: integers(UInt32.self, op, basicCount, input, output)
        case .uint64: integers(UInt64.self, op, basicCount, input, output)
        case .complexFloat: complexes(Float.self, op, basicCount, input, output)
        case .complexDouble: complexes(Double.self, op, basicCount, input, output)
        case .complexFloat80: complexes(Float80.self, op, basicCount, input, output)
        case .float: floats(Float.self, op, basicCount, input, output)
        case .double: floats(Double.self, op, basicCount, input, output)
        case .float80: floats(Float80.self, op, basicCount, input, output)
        case .pairInt16: pairs(Int16.self, op, basicCount, input, output)
        case .pairInt32: pairs(Int32.self, op, basicCount, input, output)
        case .pairInt64: pairs(Int64.self, op, basicCount, input, output)
        case .pairFloat: pairs(Float.self, op, basicCount, input, output)
        case .pairDouble: pairs(Double.self, op, basicCount, input, output)
        case .pairFloat80: pairs(Float80.self, op, basicCount, input, output)
        case .none: break
        }
    }

    private static func integers<T: FixedWidthInteger & BitwiseCopyable>(_: T.Type, _ op: Op.Predefined, _ count: Int, _ input: UnsafeRawPointer, _ output: UnsafeMutableRawPointer) {
        switch op {
        case .sum: elementwise(count, input, output) { (a: T, b: T) in a &+ b }
        case .prod: elementwise(count, input, output) { (a: T, b: T) in a &* b }
        case .min: elementwise(count, input, output) { (a: T, b: T) in Swift.min(a, b) }
        case .max: elementwise(count, input, output) { (a: T, b: T) in Swift.max(a, b) }
        case .land: elementwise(count, input, output) { (a: T, b: T) in a != 0 && b != 0 ? 1 : 0 }
        case .lor: elementwise(count, input, output) { (a: T, b: T) in a != 0 || b != 0 ? 1 : 0 }
        case .lxor: elementwise(count, input, output) { (a: T, b: T) in (a != 0) != (b != 0) ? 1 : 0 }
        case .band: elementwise(count, input, output) { (a: T, b: T) in a & b }
        case .bor: elementwise(count, input, output) { (a: T, b: T) in a | b }
        case .bxor: elementwise(count, input, output) { (a: T, b: T) in a ^ b }
        case .minloc, .maxloc: break
        }
    }

    private static func floats<T: BinaryFloatingPoint & BitwiseCopyable>(_: T.Type, _ op: Op.Predefined, _ count: Int, _ input: UnsafeRawPointer, _ output: UnsafeMutableRawPointer) {
        switch op {
        case .sum: elementwise(count, input, output) { (a: T, b: T) in a + b }
        case .prod: elementwise(count, input, output) { (a: T, b: T) in a * b }
        case .min: elementwise(count, input, output) { (a: T, b: T) in b < a ? b : a }
        case .max: elementwise(count, input, output) { (a: T, b: T) in b > a ? b : a }
        default: break
        }
    }

    /// SUM and PROD on packed complex numbers (real part, then imaginary).
    private static func complexes<T: BinaryFloatingPoint & BitwiseCopyable>(_: T.Type, _ op: Op.Predefined, _ count: Int, _ input: UnsafeRawPointer, _ output: UnsafeMutableRawPointer) {
        let part = MemoryLayout<T>.stride
        for element in 0..<count {
            let offset = 2 * part * element
            let a = (input.loadUnaligned(fromByteOffset: offset, as: T.self), input.loadUnaligned(fromByteOffset: offset + part, as: T.self))
            let b = (output.loadUnaligned(fromByteOffset: offset, as: T.self), output.loadUnaligned(fromByteOffset: offset + part, as: T.self))
            let result = op == .sum ? (a.0 + b.0, a.1 + b.1) : (a.0 * b.0 - a.1 * b.1, a.0 * b.1 + a.1 * b.0)
            output.storeBytes(of: result.0, toByteOffset: offset, as: T.self)
            output.storeBytes(of: result.1, toByteOffset: offset + part, as: T.self)
        }
    }

    @inline(__always)
    private static func elementwise<T: BitwiseCopyable>(_ count: Int, _ input: UnsafeRawPointer, _ output: UnsafeMutableRawPointer, _ combine: (T, T) -> T) {
        let alignment = MemoryLayout<T>.alignment
        if Int(bitPattern: input) % alignment == 0 && Int(bitPattern: output) % alignment == 0 {
            // The usual case: typed loops, which the compiler vectorizes.
            let left = input.assumingMemoryBound(to: T.self), right = output.assumingMemoryBound(to: T.self)
            for index in 0..<count { right[index] = combine(left[index], right[index]) }
            return
        }
        let size = MemoryLayout<T>.stride  // Float80: 16, as the packed long double
        var offset = 0
        for _ in 0..<count {
            let result = combine(input.loadUnaligned(fromByteOffset: offset, as: T.self), output.loadUnaligned(fromByteOffset: offset, as: T.self))
            output.storeBytes(of: result, toByteOffset: offset, as: T.self)
            offset += size
        }
    }

    /// MINLOC and MAXLOC on packed (value, C int index) pairs: the extreme value, and of
    /// equal values the lower index.
    private static func pairs<T: Comparable & BitwiseCopyable>(_: T.Type, _ op: Op.Predefined, _ count: Int, _ input: UnsafeRawPointer, _ output: UnsafeMutableRawPointer) {
        let valueSize = MemoryLayout<T>.stride
        let pairSize = valueSize + 4
        for element in 0..<count {
            let offset = element * pairSize
            let a = input.loadUnaligned(fromByteOffset: offset, as: T.self)
            let b = output.loadUnaligned(fromByteOffset: offset, as: T.self)
            let aIndex = input.loadUnaligned(fromByteOffset: offset + valueSize, as: Int32.self)
            let bIndex = output.loadUnaligned(fromByteOffset: offset + valueSize, as: Int32.self)
            let takeInput = a == b ? aIndex < bIndex : (op == .minloc ? a < b : a > b)
            if takeInput {
                output.storeBytes(of: a, toByteOffset: offset, as: T.self)
                output.storeBytes(of: aIndex, toByteOffset: offset + valueSize, as: Int32.self)
            }
        }
    }
}
