import BrazosMPI
import CMPI

/// Handles of the MPI 5.0 standard ABI and the Swift objects they stand for.
///
/// Predefined handles are small integers (the header's casts are invisible to Swift, so
/// the values are repeated here); a handle the program made is the address of its Swift
/// object, retained until the matching `MPI_*_free` (`Unmanaged`).
enum Handles {
    enum Value {
        static let opNull = 0x20, commNull = 0x100, commWorld = 0x101, commSelf = 0x102
        static let groupNull = 0x108, groupEmpty = 0x109
        static let errhandlerNull = 0x140, errorsAreFatal = 0x141, errorsAbort = 0x142, errorsReturn = 0x143
        static let requestNull = 0x180, datatypeNull = 0x200
        /// Every predefined handle lies below this; no object does.
        static let predefinedLimit = 0x1000
    }

    static func value(_ handle: OpaquePointer?) -> Int { Int(bitPattern: handle) }
    static func predefined(_ value: Int) -> OpaquePointer { OpaquePointer(bitPattern: value)! }

    static func isPredefined(_ handle: OpaquePointer?) -> Bool { value(handle) < Value.predefinedLimit }

    /// A new handle for `object`, which it keeps alive.
    static func retain(_ object: AnyObject) -> OpaquePointer { OpaquePointer(Unmanaged.passRetained(object).toOpaque()) }

    static func object<T: AnyObject>(_ handle: OpaquePointer, as type: T.Type) -> T {
        Unmanaged<T>.fromOpaque(UnsafeRawPointer(handle)).takeUnretainedValue()
    }

    static func release<T: AnyObject>(_ handle: OpaquePointer, as type: T.Type) {
        Unmanaged<T>.fromOpaque(UnsafeRawPointer(handle)).release()
    }

    // MARK: Communicators

    static func communicator(_ handle: MPI_Comm?) throws(MPIError) -> Communicator {
        switch value(handle) {
        case Value.commWorld: return try Runtime.rank().world
        case Value.commSelf: return try Runtime.rank().selfCommunicator
        case let other where other < Value.predefinedLimit: throw MPIError(.comm, "invalid communicator (handle \(other))")
        default: return object(handle!, as: Communicator.self)
        }
    }

    // MARK: Datatypes

    private static let predefinedDatatypes: [Int: Datatype] = [
        0x208: .short, 0x209: .int, 0x20a: .long, 0x20b: .longLong, 0x20c: .unsignedShort, 0x20d: .unsigned,
        0x20e: .unsignedLong, 0x20f: .unsignedLongLong, 0x210: .float, 0x214: .double, 0x220: .longDouble,
        0x228: .floatInt, 0x229: .doubleInt, 0x22a: .longInt, 0x22b: .twoInt, 0x22c: .shortInt, 0x22d: .longDoubleInt,
        0x238: .bool, 0x240: .int8, 0x241: .uint8, 0x243: .char, 0x244: .signedChar, 0x245: .unsignedChar, 0x247: .byte,
        0x248: .int16, 0x249: .uint16, 0x250: .int32, 0x251: .uint32, 0x258: .int64, 0x259: .uint64,
    ]
    private static let predefinedDatatypeHandles = Dictionary(uniqueKeysWithValues: predefinedDatatypes.map { (ObjectIdentifier($1), $0) })
    /// The table above as an array indexed by handle − 0x200, for lookups on every call.
    private static let datatypeTable = table(predefinedDatatypes, base: Value.datatypeNull, count: 0x60)

    static func datatype(_ handle: MPI_Datatype?) throws(MPIError) -> Datatype {
        guard isPredefined(handle) else { return object(handle!, as: Datatype.self) }
        let index = value(handle) - Value.datatypeNull
        guard datatypeTable.indices.contains(index), let datatype = datatypeTable[index] else {
            throw MPIError(.type, "invalid datatype (handle \(value(handle)))")
        }
        return datatype
    }

    private static func table<T>(_ entries: [Int: T], base: Int, count: Int) -> [T?] {
        var table = [T?](repeating: nil, count: count)
        for (handle, entry) in entries { table[handle - base] = entry }
        return table
    }

    /// The handle the program knows `datatype` by (for user operations' arguments).
    static func handle(of datatype: Datatype) -> MPI_Datatype {
        if let value = predefinedDatatypeHandles[ObjectIdentifier(datatype)] { return predefined(value) }
        return OpaquePointer(Unmanaged.passUnretained(datatype).toOpaque())
    }

    // MARK: Operations

    private static let predefinedOps: [Int: Op] = [
        0x21: .sum, 0x22: .min, 0x23: .max, 0x24: .prod, 0x28: .band, 0x29: .bor, 0x2a: .bxor,
        0x30: .land, 0x31: .lor, 0x32: .lxor, 0x38: .minloc, 0x39: .maxloc,
    ]

    private static let opTable = table(predefinedOps, base: Value.opNull, count: 0x20)

    static func op(_ handle: MPI_Op?) throws(MPIError) -> Op {
        guard isPredefined(handle) else { return object(handle!, as: Op.self) }
        let index = value(handle) - Value.opNull
        guard opTable.indices.contains(index), let op = opTable[index] else { throw MPIError(.op, "invalid operation (handle \(value(handle)))") }
        return op
    }

    // MARK: Groups, requests, error handlers

    static func group(_ handle: MPI_Group?) throws(MPIError) -> Group {
        switch value(handle) {
        case Value.groupEmpty: return .empty
        case let other where other < Value.predefinedLimit: throw MPIError(.group, "invalid group (handle \(other))")
        default: return object(handle!, as: Group.self)
        }
    }

    static func request(_ handle: MPI_Request?) throws(MPIError) -> Request? {
        switch value(handle) {
        case Value.requestNull: return nil
        case let other where other < Value.predefinedLimit: throw MPIError(.request, "invalid request (handle \(other))")
        default: return object(handle!, as: Request.self)
        }
    }

    static func errorHandler(_ handle: MPI_Errhandler?) throws(MPIError) -> ErrorHandler {
        switch value(handle) {
        case Value.errorsAreFatal: return .fatal
        case Value.errorsAbort: return .abort
        case Value.errorsReturn: return .returnErrors
        default: throw MPIError(.arg, "invalid error handler (handle \(value(handle)))")
        }
    }

    static func handle(of handler: ErrorHandler) -> MPI_Errhandler {
        switch handler {
        case .fatal: return predefined(Value.errorsAreFatal)
        case .abort: return predefined(Value.errorsAbort)
        case .returnErrors: return predefined(Value.errorsReturn)
        }
    }
}
