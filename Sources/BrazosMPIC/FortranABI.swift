import BrazosMPI
import CMPI

/// `MPI_Abi_set_fortran_booleans` (MPI 5.0): the bit patterns of `.TRUE.` and `.FALSE.`
/// for `LOGICAL`s of `size` bytes (a power of two up to 16, else `MPI_ERR_ARG`); once
/// (`MPI_ERR_ABI` after).
@_cdecl("MPI_Abi_set_fortran_booleans")
public func mpiAbiSetFortranBooleans(_ size: Int32, _ trueValue: UnsafeMutableRawPointer?, _ falseValue: UnsafeMutableRawPointer?) -> Int32 {
    mpiCall("MPI_Abi_set_fortran_booleans") { () throws(MPIError) in
        guard let trueValue, let falseValue else { throw MPIError(.arg, "null pointer for a logical value") }
        let byteCount = Int(size)
        guard byteCount > 0, byteCount <= FortranBooleans.largestSize else {
            throw MPIError(.arg, "a Fortran LOGICAL of \(size) bytes: a power of two up to \(FortranBooleans.largestSize) expected")
        }
        try FortranBooleans.shared.set(size: byteCount, true: Array(UnsafeRawBufferPointer(start: trueValue, count: byteCount)),
                                       false: Array(UnsafeRawBufferPointer(start: falseValue, count: byteCount)))
    }
}

/// `MPI_Abi_get_fortran_booleans` (MPI 5.0): the values set for `LOGICAL`s of `size`
/// bytes, with `is_set` true; `is_set` false, and the values untouched, if none were.
@_cdecl("MPI_Abi_get_fortran_booleans")
public func mpiAbiGetFortranBooleans(_ size: Int32, _ trueValue: UnsafeMutableRawPointer?, _ falseValue: UnsafeMutableRawPointer?,
                                     _ isSet: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Abi_get_fortran_booleans") { () throws(MPIError) in
        guard let trueValue, let falseValue else { throw MPIError(.arg, "null pointer for a logical value") }
        let flag = try output(isSet, "the flag")
        guard let values = try FortranBooleans.shared.values(size: Int(size)) else {
            flag.pointee = 0
            return
        }
        values.true.withUnsafeBytes { trueValue.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        values.false.withUnsafeBytes { falseValue.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        flag.pointee = 1
    }
}

/// `MPI_Abi_get_fortran_info` (MPI 5.0): `MPI_INFO_NULL`, the standard's answer where no
/// Fortran details are known: this library has no Fortran bindings.
@_cdecl("MPI_Abi_get_fortran_info")
public func mpiAbiGetFortranInfo(_ info: UnsafeMutablePointer<MPI_Info?>?) -> Int32 {
    mpiCall("MPI_Abi_get_fortran_info") { () throws(MPIError) in
        try output(info, "the info").pointee = Handles.opaque(Handles.infoNull)
    }
}

/// `MPI_Abi_set_fortran_info` (MPI 5.0): `MPI_ERR_UNSUPPORTED_OPERATION`: the library
/// keeps no info objects of its own to hold the details.
@_cdecl("MPI_Abi_set_fortran_info")
public func mpiAbiSetFortranInfo(_ info: MPI_Info?) -> Int32 {
    mpiCall("MPI_Abi_set_fortran_info") { () throws(MPIError) in
        throw MPIError(.unsupportedOperation, "Fortran details are not kept: this library has no Fortran bindings")
    }
}
