import BrazosMPI
import CMPI

// Reading and setting a status's fields: what a generalized request's query fills in,
// and MPI 5.0's accessors of the public fields.

private func statusPointer(_ status: UnsafeMutablePointer<MPI_Status>?) throws(MPIError) -> UnsafeMutablePointer<MPI_Status> {
    try output(status, "the status")
}

/// `MPI_Test_cancelled`.
@_cdecl("MPI_Test_cancelled")
public func mpiTestCancelled(_ status: UnsafePointer<MPI_Status>?, _ flag: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Test_cancelled") { () throws(MPIError) in
        guard let status else { throw MPIError(.arg, "null pointer for the status") }
        try output(flag, "the flag").pointee = status.pointee.isCancelled ? 1 : 0
    }
}

/// `MPI_Status_set_cancelled`.
@_cdecl("MPI_Status_set_cancelled")
public func mpiStatusSetCancelled(_ status: UnsafeMutablePointer<MPI_Status>?, _ flag: Int32) -> Int32 {
    mpiCall("MPI_Status_set_cancelled") { () throws(MPIError) in try statusPointer(status).pointee.isCancelled = flag != 0 }
}

/// Sets the status to `count` elements of `datatype`, as bytes (what `MPI_Get_count` divides).
private func setElements(_ function: StaticString, _ status: UnsafeMutablePointer<MPI_Status>?, _ datatype: MPI_Datatype?, _ count: Int) -> Int32 {
    mpiCall(function) { () throws(MPIError) in
        let status = try statusPointer(status)
        let type = try Handles.datatype(datatype)
        guard count >= 0 else { throw MPIError(.count, "negative count \(count)") }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: type.size)
        guard !overflow else { throw MPIError(.count, "\(count) elements of \(type.size) bytes overflow") }
        status.pointee.byteCount = bytes
    }
}

/// `MPI_Status_set_elements`.
@_cdecl("MPI_Status_set_elements")
public func mpiStatusSetElements(_ status: UnsafeMutablePointer<MPI_Status>?, _ datatype: MPI_Datatype?, _ count: Int32) -> Int32 {
    setElements("MPI_Status_set_elements", status, datatype, Int(count))
}

/// `MPI_Status_set_elements_c`.
@_cdecl("MPI_Status_set_elements_c")
public func mpiStatusSetElementsC(_ status: UnsafeMutablePointer<MPI_Status>?, _ datatype: MPI_Datatype?, _ count: MPI_Count) -> Int32 {
    setElements("MPI_Status_set_elements_c", status, datatype, Int(count))
}

/// `MPI_Status_set_elements_x` (deprecated in MPI 4.1 for the `_c` form).
@_cdecl("MPI_Status_set_elements_x")
public func mpiStatusSetElementsX(_ status: UnsafeMutablePointer<MPI_Status>?, _ datatype: MPI_Datatype?, _ count: MPI_Count) -> Int32 {
    setElements("MPI_Status_set_elements_x", status, datatype, Int(count))
}

/// `MPI_Status_get_source`.
@_cdecl("MPI_Status_get_source")
public func mpiStatusGetSource(_ status: UnsafeMutablePointer<MPI_Status>?, _ source: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Status_get_source") { () throws(MPIError) in try output(source, "the source").pointee = try statusPointer(status).pointee.MPI_SOURCE }
}

/// `MPI_Status_set_source`.
@_cdecl("MPI_Status_set_source")
public func mpiStatusSetSource(_ status: UnsafeMutablePointer<MPI_Status>?, _ source: Int32) -> Int32 {
    mpiCall("MPI_Status_set_source") { () throws(MPIError) in try statusPointer(status).pointee.MPI_SOURCE = source }
}

/// `MPI_Status_get_tag`.
@_cdecl("MPI_Status_get_tag")
public func mpiStatusGetTag(_ status: UnsafeMutablePointer<MPI_Status>?, _ tag: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Status_get_tag") { () throws(MPIError) in try output(tag, "the tag").pointee = try statusPointer(status).pointee.MPI_TAG }
}

/// `MPI_Status_set_tag`.
@_cdecl("MPI_Status_set_tag")
public func mpiStatusSetTag(_ status: UnsafeMutablePointer<MPI_Status>?, _ tag: Int32) -> Int32 {
    mpiCall("MPI_Status_set_tag") { () throws(MPIError) in try statusPointer(status).pointee.MPI_TAG = tag }
}

/// `MPI_Status_get_error`.
@_cdecl("MPI_Status_get_error")
public func mpiStatusGetError(_ status: UnsafeMutablePointer<MPI_Status>?, _ error: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Status_get_error") { () throws(MPIError) in try output(error, "the error").pointee = try statusPointer(status).pointee.MPI_ERROR }
}

/// `MPI_Status_set_error`.
@_cdecl("MPI_Status_set_error")
public func mpiStatusSetError(_ status: UnsafeMutablePointer<MPI_Status>?, _ error: Int32) -> Int32 {
    mpiCall("MPI_Status_set_error") { () throws(MPIError) in try statusPointer(status).pointee.MPI_ERROR = error }
}
