import BrazosMPI
import CMPI

/// `MPI_User_function_c`: a user operation told its length as an `MPI_Count`.
public typealias LargeCountUserFunction = @convention(c) (UnsafeMutableRawPointer?, UnsafeMutableRawPointer?, UnsafeMutablePointer<MPI_Count>?,
                                                          UnsafeMutablePointer<MPI_Datatype?>?) -> Void

/// `MPI_Op_create_c`: as `MPI_Op_create`, for a function that takes its length as an
/// `MPI_Count`, so one call may cover more than an int's worth of elements.
@_cdecl("MPI_Op_create_c")
public func mpiOpCreateC(_ function: LargeCountUserFunction?, _ commute: Int32, _ op: UnsafeMutablePointer<MPI_Op?>?) -> Int32 {
    mpiCall("MPI_Op_create_c") { () throws(MPIError) in
        guard let function else { throw MPIError(.arg, "null pointer for the function") }
        let result = try output(op, "the new operation")
        let made = Op(commutative: commute != 0) { input, output, count, datatype in
            var length = MPI_Count(count)
            var handle = Handles.handle(of: datatype)
            function(UnsafeMutableRawPointer(mutating: input), output, &length, &handle)
        }
        result.pointee = Handles.ops.add(made)
    }
}
