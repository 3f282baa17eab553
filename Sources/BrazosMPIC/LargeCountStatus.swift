import BrazosMPI
import CMPI

/// `MPI_Get_count_c`: the elements of `datatype` a status's message held, as an
/// `MPI_Count`; `MPI_UNDEFINED` when the bytes are not a whole number of elements.
@_cdecl("MPI_Get_count_c")
public func mpiGetCountC(_ status: UnsafePointer<MPI_Status>?, _ datatype: MPI_Datatype?, _ count: UnsafeMutablePointer<MPI_Count>?) -> Int32 {
    mpiCall("MPI_Get_count_c") { () throws(MPIError) in
        guard let status else { throw MPIError(.arg, "null pointer for the status") }
        let result = try output(count, "the count")
        let elements = Status(source: 0, tag: 0, byteCount: status.pointee.byteCount).count(of: try Handles.datatype(datatype))
        result.pointee = MPI_Count(elements ?? MPI.undefined)
    }
}
