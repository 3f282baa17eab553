/// A Swift type with a predefined MPI datatype, so that typed collectives can reduce it.
public protocol MPIValue: BitwiseCopyable {
    static var mpiDatatype: Datatype { get }
}

extension Int: MPIValue { public static var mpiDatatype: Datatype { .int64 } }
extension Int8: MPIValue { public static var mpiDatatype: Datatype { .int8 } }
extension Int16: MPIValue { public static var mpiDatatype: Datatype { .int16 } }
extension Int32: MPIValue { public static var mpiDatatype: Datatype { .int32 } }
extension Int64: MPIValue { public static var mpiDatatype: Datatype { .int64 } }
extension UInt: MPIValue { public static var mpiDatatype: Datatype { .uint64 } }
extension UInt8: MPIValue { public static var mpiDatatype: Datatype { .uint8 } }
extension UInt16: MPIValue { public static var mpiDatatype: Datatype { .uint16 } }
extension UInt32: MPIValue { public static var mpiDatatype: Datatype { .uint32 } }
extension UInt64: MPIValue { public static var mpiDatatype: Datatype { .uint64 } }
extension Float: MPIValue { public static var mpiDatatype: Datatype { .float } }
extension Double: MPIValue { public static var mpiDatatype: Datatype { .double } }
extension Bool: MPIValue { public static var mpiDatatype: Datatype { .bool } }
