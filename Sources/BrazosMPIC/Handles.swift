import BrazosMPI
import CMPI
import Synchronization

/// Handles of the MPI 5.0 standard ABI and the Swift objects they stand for.
///
/// Predefined handles are small integers (the header's casts are invisible to Swift, so
/// the values are repeated here); a handle of an object the program made is a number in
/// the table of its kind (`HandleTable`), which keeps the object alive until `MPI_*_free`.
/// A handle that is neither gives the error class of its kind, whatever its value.
enum Handles {
    enum Value {
        static let opNull = 0x20, commNull = 0x100, commWorld = 0x101, commSelf = 0x102
        static let groupNull = 0x108, groupEmpty = 0x109
        static let errhandlerNull = 0x140, errorsAreFatal = 0x141, errorsAbort = 0x142, errorsReturn = 0x143
        static let requestNull = 0x180, datatypeNull = 0x200
        /// Every predefined handle lies below this; no handle of a made object does.
        static let predefinedLimit = 0x1000
    }

    /// The next handle of a made object: in steps of 16 from far above the predefined
    /// handles, so they look like the aligned addresses other implementations hand out.
    static let nextValue = Atomic<Int>(0x10_0000)

    static func value(_ handle: OpaquePointer?) -> Int { Int(bitPattern: handle) }
    static func opaque(_ value: Int) -> OpaquePointer? { OpaquePointer(bitPattern: value) }

    static func isPredefined(_ handle: OpaquePointer?) -> Bool { (0..<Value.predefinedLimit).contains(value(handle)) }

    /// How an error message names a handle that is not valid.
    static func describe(_ handle: OpaquePointer?, null: Int, _ nullName: String) -> String {
        let number = value(handle)
        if number == null { return nullName }
        let hex = "0x" + String(UInt(bitPattern: number), radix: 16)
        return number == 0 ? "a null pointer" : "handle \(hex), not one this library handed out (or one already freed)"
    }

    static let communicators = HandleTable<Communicator>()
    static let datatypes = HandleTable<Datatype>()
    static let ops = HandleTable<Op>()
    static let groups = HandleTable<Group>()
    static let requests = HandleTable<Request>(findsHandlesOfObjects: false)
    static let errorHandlers = HandleTable<CustomErrorHandler>()

    // MARK: Communicators

    static func communicator(_ handle: MPI_Comm?) throws(MPIError) -> Communicator {
        switch value(handle) {
        case Value.commWorld: return try Runtime.rank().world
        case Value.commSelf: return try Runtime.rank().selfCommunicator
        default:
            guard let communicator = communicators.object(handle) else {
                throw MPIError(.comm, "invalid communicator: \(describe(handle, null: Value.commNull, "MPI_COMM_NULL"))")
            }
            return communicator
        }
    }

    /// Calls `body` with the communicator `handle` stands for: `MPI_COMM_WORLD`'s lent
    /// unretained (`Runtime.unretainedWorld`), on the path of every send and receive.
    static func withCommunicator<R>(_ handle: MPI_Comm?, _ body: (Communicator) throws(MPIError) -> R) throws(MPIError) -> R {
        guard value(handle) == Value.commWorld, let world = Runtime.unretainedWorld else { return try body(communicator(handle)) }
        return try world._withUnsafeGuaranteedRef { world in Result { () throws(MPIError) in try body(world) } }.get()
    }

    /// Calls `body` with the datatype `handle` stands for: a predefined one lent
    /// unretained (the table keeps it for the process's life).
    static func withDatatype<R>(_ handle: MPI_Datatype?, _ body: (Datatype) throws(MPIError) -> R) throws(MPIError) -> R {
        guard isPredefined(handle), let found = entry(of: datatypeTable, at: value(handle) - Value.datatypeNull) else {
            return try body(datatype(handle))
        }
        return try found._withUnsafeGuaranteedRef { datatype in Result { () throws(MPIError) in try body(datatype) } }.get()
    }

    /// `withDatatype` for the two datatypes of a call that sends and receives.
    static func withDatatypes<R>(_ first: MPI_Datatype?, _ second: MPI_Datatype?,
                                 _ body: (Datatype, Datatype) throws(MPIError) -> R) throws(MPIError) -> R {
        try withDatatype(first) { (first) throws(MPIError) in
            try withDatatype(second) { (second) throws(MPIError) in try body(first, second) }
        }
    }

    /// The handle the program knows `communicator` by (given to its error handler).
    static func handle(of communicator: Communicator) -> MPI_Comm? {
        if let state = try? Runtime.rank() {
            if communicator === state.world { return opaque(Value.commWorld) }
            if communicator === state.selfCommunicator { return opaque(Value.commSelf) }
        }
        return communicators.handle(of: communicator) ?? opaque(Value.commNull)
    }

    // MARK: Datatypes

    /// The predefined datatypes by ABI handle. Left out: `MPI_LB`/`MPI_UB` (gone in MPI 4),
    /// `MPI_2REAL` and `MPI_2DOUBLE_PRECISION` (pairs with a floating-point index), 2-byte
    /// and 16-byte floating point (`MPI_REAL2`, `MPI_REAL16`, ...), `MPI_INTEGER16`.
    static let predefinedDatatypes: [Int: Datatype] = [
        0x201: .aint, 0x202: .count, 0x203: .offset, 0x207: .packed,
        0x208: .short, 0x209: .int, 0x20a: .long, 0x20b: .longLong, 0x20c: .unsignedShort, 0x20d: .unsigned,
        0x20e: .unsignedLong, 0x20f: .unsignedLongLong, 0x210: .float, 0x212: .floatComplex, 0x213: .cxxFloatComplex,
        0x214: .double, 0x216: .doubleComplex, 0x217: .cxxDoubleComplex, 0x218: .logical, 0x219: .integer, 0x21a: .real,
        0x21b: .complex, 0x21c: .doublePrecision, 0x21d: .doubleComplexFortran, 0x21e: .character, 0x220: .longDouble,
        0x224: .longDoubleComplex, 0x225: .cxxLongDoubleComplex,
        0x228: .floatInt, 0x229: .doubleInt, 0x22a: .longInt, 0x22b: .twoInt, 0x22c: .shortInt, 0x22d: .longDoubleInt, 0x232: .twoInteger,
        0x238: .bool, 0x239: .cxxBool, 0x23c: .wchar,
        0x240: .int8, 0x241: .uint8, 0x243: .char, 0x244: .signedChar, 0x245: .unsignedChar, 0x247: .byte,
        0x248: .int16, 0x249: .uint16, 0x250: .int32, 0x251: .uint32, 0x258: .int64, 0x259: .uint64,
        0x2c0: .logical1, 0x2c1: .integer1, 0x2c8: .logical2, 0x2c9: .integer2,
        0x2d0: .logical4, 0x2d1: .integer4, 0x2d2: .real4, 0x2d8: .logical8, 0x2d9: .integer8, 0x2da: .real8, 0x2db: .complex8,
        0x2e3: .complex16,
    ]
    private static let predefinedDatatypeHandles = Dictionary(uniqueKeysWithValues: predefinedDatatypes.map { (ObjectIdentifier($1), $0) })
    /// The table above as an array indexed by handle − 0x200, for lookups on every call;
    /// unretained, since `predefinedDatatypes` keeps them for the process's life.
    private static let datatypeTable = table(predefinedDatatypes.mapValues { Unmanaged.passUnretained($0) }, base: Value.datatypeNull, count: 0x100)

    static func datatype(_ handle: MPI_Datatype?) throws(MPIError) -> Datatype {
        let found = isPredefined(handle)
            ? entry(of: datatypeTable, at: value(handle) - Value.datatypeNull)?.takeUnretainedValue() : datatypes.object(handle)
        guard let found else { throw MPIError(.type, "invalid datatype: \(describe(handle, null: Value.datatypeNull, "MPI_DATATYPE_NULL"))") }
        return found
    }

    private static func table<T>(_ entries: [Int: T], base: Int, count: Int) -> [T?] {
        var table = [T?](repeating: nil, count: count)
        for (handle, entry) in entries { table[handle - base] = entry }
        return table
    }

    private static func entry<T>(of table: [T?], at index: Int) -> T? {
        table.indices.contains(index) ? table[index] : nil
    }

    /// The handle the program knows `datatype` by (for user operations' arguments).
    static func handle(of datatype: Datatype) -> MPI_Datatype? {
        if let value = predefinedDatatypeHandles[ObjectIdentifier(datatype)] { return opaque(value) }
        return datatypes.handle(of: datatype) ?? opaque(Value.datatypeNull)
    }

    /// The predefined handle of `datatype`, if it is one of the table's.
    static func predefinedHandle(of datatype: Datatype) -> MPI_Datatype? {
        predefinedDatatypeHandles[ObjectIdentifier(datatype)].flatMap(opaque)
    }

    // MARK: Operations

    private static let predefinedOps: [Int: Op] = [
        0x21: .sum, 0x22: .min, 0x23: .max, 0x24: .prod, 0x28: .band, 0x29: .bor, 0x2a: .bxor,
        0x30: .land, 0x31: .lor, 0x32: .lxor, 0x38: .minloc, 0x39: .maxloc, 0x3c: .replace, 0x3d: .noOp,
    ]

    private static let opTable = table(predefinedOps.mapValues { Unmanaged.passUnretained($0) }, base: Value.opNull, count: 0x20)

    static func op(_ handle: MPI_Op?) throws(MPIError) -> Op {
        let found = isPredefined(handle) ? entry(of: opTable, at: value(handle) - Value.opNull)?.takeUnretainedValue() : ops.object(handle)
        guard let found else { throw MPIError(.op, "invalid operation: \(describe(handle, null: Value.opNull, "MPI_OP_NULL"))") }
        return found
    }

    /// Calls `body` with the operation `handle` stands for: a predefined one lent
    /// unretained (the table keeps it for the process's life), as `withDatatype`.
    static func withOp<R>(_ handle: MPI_Op?, _ body: (Op) throws(MPIError) -> R) throws(MPIError) -> R {
        guard isPredefined(handle), let found = entry(of: opTable, at: value(handle) - Value.opNull) else { return try body(op(handle)) }
        return try found._withUnsafeGuaranteedRef { op in Result { () throws(MPIError) in try body(op) } }.get()
    }

    // MARK: Groups, requests, error handlers

    static func group(_ handle: MPI_Group?) throws(MPIError) -> Group {
        if value(handle) == Value.groupEmpty { return .empty }
        guard let group = groups.object(handle) else { throw MPIError(.group, "invalid group: \(describe(handle, null: Value.groupNull, "MPI_GROUP_NULL"))") }
        return group
    }

    /// nil for `MPI_REQUEST_NULL`.
    static func request(_ handle: MPI_Request?) throws(MPIError) -> Request? {
        if value(handle) == Value.requestNull { return nil }
        guard let request = requests.object(handle) else {
            throw MPIError(.request, "invalid request: \(describe(handle, null: Value.requestNull, "MPI_REQUEST_NULL"))")
        }
        return request
    }

    static func errorHandler(_ handle: MPI_Errhandler?) throws(MPIError) -> ErrorHandler {
        switch value(handle) {
        case Value.errorsAreFatal: return .fatal
        case Value.errorsAbort: return .abort
        case Value.errorsReturn: return .returnErrors
        default:
            guard let custom = errorHandlers.object(handle) else {
                throw MPIError(.arg, "invalid error handler: \(describe(handle, null: Value.errhandlerNull, "MPI_ERRHANDLER_NULL"))")
            }
            return .custom(custom)
        }
    }

    /// A handle for `handler`; one of the program's own is a new handle, to be freed.
    static func handle(of handler: ErrorHandler) -> MPI_Errhandler? {
        switch handler {
        case .fatal: return opaque(Value.errorsAreFatal)
        case .abort: return opaque(Value.errorsAbort)
        case .returnErrors: return opaque(Value.errorsReturn)
        case let .custom(custom): return errorHandlers.add(custom)
        }
    }
}
