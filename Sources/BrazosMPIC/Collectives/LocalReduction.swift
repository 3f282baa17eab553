import BrazosMPI
import CMPI

// Reduce_local and Op_commutative: operations with no communicator, whose errors go to
// the world's handler.

private func reduceLocal<Count: BinaryInteger>(_ function: StaticString, _ input: UnsafeRawPointer?, _ accumulator: UnsafeMutableRawPointer?, _ count: Count,
                                               _ datatype: MPI_Datatype?, _ op: MPI_Op?) -> Int32 {
    mpiCall(function) { () throws(MPIError) in
        try Communicator.reduceLocal(input, accumulator, count: try elementCount(count), datatype: try Handles.datatype(datatype), op: try Handles.op(op))
    }
}

/// `MPI_Reduce_local`: `inoutbuf = inbuf op inoutbuf`.
@_cdecl("MPI_Reduce_local")
public func mpiReduceLocal(_ input: UnsafeRawPointer?, _ accumulator: UnsafeMutableRawPointer?, _ count: Int32, _ datatype: MPI_Datatype?, _ op: MPI_Op?) -> Int32 {
    reduceLocal("MPI_Reduce_local", input, accumulator, count, datatype, op)
}

@_cdecl("MPI_Reduce_local_c")
public func mpiReduceLocalC(_ input: UnsafeRawPointer?, _ accumulator: UnsafeMutableRawPointer?, _ count: MPI_Count, _ datatype: MPI_Datatype?, _ op: MPI_Op?) -> Int32 {
    reduceLocal("MPI_Reduce_local_c", input, accumulator, count, datatype, op)
}

/// `MPI_Op_commutative`.
@_cdecl("MPI_Op_commutative")
public func mpiOpCommutative(_ op: MPI_Op?, _ commute: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Op_commutative") { () throws(MPIError) in
        let result = try output(commute, "commute")
        result.pointee = try Handles.op(op).isCommutative ? 1 : 0
    }
}
