import BrazosMPI
import CMPI
#if canImport(Glibc)
import Glibc
#endif

/// `MPI_Error_string`: a predefined class's name and meaning; the string the program gave
/// an added code or class, empty if none. Any other number fails with `MPI_ERR_ARG`.
/// Callable at any time.
@_cdecl("MPI_Error_string")
public func mpiErrorString(_ code: Int32, _ text: UnsafeMutablePointer<CChar>?, _ length: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Error_string") { () throws(MPIError) in
        guard let string = ErrorCodes.shared.string(of: code) else { throw MPIError(.arg, "unknown error code \(code)") }
        try copy(string, into: text, length: length, capacity: 512)
    }
}

/// `MPI_Error_class`: a predefined class is its own class; an added code has the class it
/// was added to. Any other number fails with `MPI_ERR_ARG`. Callable at any time.
@_cdecl("MPI_Error_class")
public func mpiErrorClass(_ code: Int32, _ errorClass: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Error_class") { () throws(MPIError) in
        guard let found = ErrorCodes.shared.errorClass(of: code) else { throw MPIError(.arg, "unknown error code \(code)") }
        try output(errorClass, "the error class").pointee = found
    }
}

/// `MPI_Add_error_class`: a new class, above `MPI_ERR_LASTCODE`.
@_cdecl("MPI_Add_error_class")
public func mpiAddErrorClass(_ errorClass: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Add_error_class") { () throws(MPIError) in
        let result = try output(errorClass, "the error class")
        result.pointee = try ErrorCodes.shared.addClass()
    }
}

/// `MPI_Add_error_code`: a new code of a predefined or added class.
@_cdecl("MPI_Add_error_code")
public func mpiAddErrorCode(_ errorClass: Int32, _ code: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Add_error_code") { () throws(MPIError) in
        let result = try output(code, "the error code")
        result.pointee = try ErrorCodes.shared.addCode(inClass: errorClass)
    }
}

/// `MPI_Add_error_string`: the text of an added code or class (at most
/// `MPI_MAX_ERROR_STRING` - 1 bytes), replacing any earlier one; predefined codes keep
/// theirs (`MPI_ERR_ARG`).
@_cdecl("MPI_Add_error_string")
public func mpiAddErrorString(_ code: Int32, _ text: UnsafePointer<CChar>?) -> Int32 {
    mpiCall("MPI_Add_error_string") { () throws(MPIError) in
        guard let text else { throw MPIError(.arg, "null pointer for the string") }
        try ErrorCodes.shared.setString(try boundedString(text, capacity: ErrorCodes.longestString + 1, "the error string"), forCode: code)
    }
}

/// `MPI_Remove_error_class` (MPI 5.0): an added class whose codes are removed.
@_cdecl("MPI_Remove_error_class")
public func mpiRemoveErrorClass(_ errorClass: Int32) -> Int32 {
    mpiCall("MPI_Remove_error_class") { () throws(MPIError) in try ErrorCodes.shared.removeClass(errorClass) }
}

/// `MPI_Remove_error_code` (MPI 5.0): an added code whose string is removed.
@_cdecl("MPI_Remove_error_code")
public func mpiRemoveErrorCode(_ code: Int32) -> Int32 {
    mpiCall("MPI_Remove_error_code") { () throws(MPIError) in try ErrorCodes.shared.removeCode(code) }
}

/// `MPI_Remove_error_string` (MPI 5.0): the string `MPI_Add_error_string` gave a code.
@_cdecl("MPI_Remove_error_string")
public func mpiRemoveErrorString(_ code: Int32) -> Int32 {
    mpiCall("MPI_Remove_error_string") { () throws(MPIError) in try ErrorCodes.shared.removeString(ofCode: code) }
}

/// A C string of at most `capacity` - 1 bytes; a longer one (or one with no NUL within
/// `capacity` bytes, which is read no further) fails with `MPI_ERR_ARG`.
func boundedString(_ text: UnsafePointer<CChar>, capacity: Int, _ name: String) throws(MPIError) -> String {
    let length = strnlen(text, capacity)
    guard length < capacity else { throw MPIError(.arg, "\(name) is longer than \(capacity - 1) bytes") }
    return String(decoding: UnsafeRawBufferPointer(start: text, count: length), as: UTF8.self)
}
