import BrazosCore
import BrazosMPI
import CMPI
#if canImport(Glibc)
import Glibc
#endif

/// `MPI_Init`: joins the job and makes the calling thread this process's one rank.
/// `argc` and `argv` are ignored; a second call fails with `MPI_ERR_OTHER`.
@_cdecl("MPI_Init")
public func mpiInit(_ argc: UnsafeMutablePointer<Int32>?, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> Int32 {
    mpiCall("MPI_Init") { () throws(MPIError) in try Runtime.initialize() }
}

/// Threads of a node share one engine, so calls from several threads at once are safe
/// only one at a time: the most given is `MPI_THREAD_SERIALIZED`.
@_cdecl("MPI_Init_thread")
public func mpiInitThread(_ argc: UnsafeMutablePointer<Int32>?, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?,
                          _ required: Int32, _ provided: UnsafeMutablePointer<Int32>?) -> Int32 {
    let serialized: Int32 = 2048
    provided?.pointee = min(required, serialized)
    return mpiInit(argc, argv)
}

/// `MPI_Initialized`.
@_cdecl("MPI_Initialized")
public func mpiInitialized(_ flag: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Initialized") { () throws(MPIError) in try output(flag, "the flag").pointee = Runtime.isInitialized ? 1 : 0 }
}

/// `MPI_Finalize`: leaves the job together with the other processes; MPI calls after it fail.
@_cdecl("MPI_Finalize")
public func mpiFinalize() -> Int32 {
    mpiCall("MPI_Finalize") { () throws(MPIError) in try Runtime.finalize() }
}

/// `MPI_Finalized`.
@_cdecl("MPI_Finalized")
public func mpiFinalized(_ flag: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Finalized") { () throws(MPIError) in try output(flag, "the flag").pointee = Runtime.isFinalized ? 1 : 0 }
}

/// `MPI_Abort`: ends this process at once with `code` and the launcher stops the whole
/// job, whatever `comm` is. Never returns.
@_cdecl("MPI_Abort")
public func mpiAbort(_ comm: MPI_Comm?, _ code: Int32) -> Int32 {
    let rank = (try? Runtime.rank().world.rank).map { "rank \($0)" } ?? "a rank"
    Brazos.abort(code: code, reason: "\(rank) called MPI_Abort with error code \(code)")
}

/// `MPI_Get_processor_name`: the host name, at most 255 characters.
@_cdecl("MPI_Get_processor_name")
public func mpiGetProcessorName(_ name: UnsafeMutablePointer<CChar>?, _ length: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Get_processor_name") { () throws(MPIError) in
        var host = [CChar](repeating: 0, count: 256)
        gethostname(&host, host.count - 1)
        try copy(String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self), into: name, length: length)
    }
}

/// `MPI_Get_version`: 5.0.
@_cdecl("MPI_Get_version")
public func mpiGetVersion(_ version: UnsafeMutablePointer<Int32>?, _ subversion: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Get_version") { () throws(MPIError) in
        let major = try output(version, "the version"), minor = try output(subversion, "the subversion")
        major.pointee = 5
        minor.pointee = 0
    }
}

/// `MPI_Get_library_version`.
@_cdecl("MPI_Get_library_version")
public func mpiGetLibraryVersion(_ text: UnsafeMutablePointer<CChar>?, _ length: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Get_library_version") { () throws(MPIError) in try copy("Brazos for Swift, MPI 5.0 ABI subset", into: text, length: length) }
}

/// `MPI_Wtime`: seconds on the monotonic clock.
@_cdecl("MPI_Wtime")
public func mpiWtime() -> Double { Brazos.wtime() }

/// `MPI_Wtick`: one nanosecond, the clock's resolution.
@_cdecl("MPI_Wtick")
public func mpiWtick() -> Double { 1e-9 }

/// `MPI_Error_string`: the class's name and meaning. Only error classes are known codes;
/// any other fails with `MPI_ERR_ARG`.
@_cdecl("MPI_Error_string")
public func mpiErrorString(_ code: Int32, _ text: UnsafeMutablePointer<CChar>?, _ length: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Error_string") { () throws(MPIError) in
        guard let errorClass = ErrorClass(rawValue: code) else { throw MPIError(.arg, "unknown error code \(code)") }
        try copy("\(errorClass): \(errorClass.meaning)", into: text, length: length)
    }
}

/// `MPI_Error_class`: codes are their classes, so `code` comes back unchanged; an unknown
/// code fails with `MPI_ERR_ARG`.
@_cdecl("MPI_Error_class")
public func mpiErrorClass(_ code: Int32, _ errorClass: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Error_class") { () throws(MPIError) in
        guard ErrorClass(rawValue: code) != nil else { throw MPIError(.arg, "unknown error code \(code)") }
        try output(errorClass, "the error class").pointee = code
    }
}

/// `MPI_Comm_set_errhandler`: a predefined handler (`MPI_ERRORS_ARE_FATAL`,
/// `MPI_ERRORS_ABORT`, `MPI_ERRORS_RETURN`) or one from `MPI_Comm_create_errhandler`.
@_cdecl("MPI_Comm_set_errhandler")
public func mpiCommSetErrhandler(_ comm: MPI_Comm?, _ handler: MPI_Errhandler?) -> Int32 {
    mpiCall("MPI_Comm_set_errhandler", on: comm) { () throws(MPIError) in
        try Handles.communicator(comm).errorHandler = try Handles.errorHandler(handler)
    }
}

/// `MPI_Comm_get_errhandler`: a handle of one of the program's own handlers is a new
/// one, which the program frees with `MPI_Errhandler_free`.
@_cdecl("MPI_Comm_get_errhandler")
public func mpiCommGetErrhandler(_ comm: MPI_Comm?, _ handler: UnsafeMutablePointer<MPI_Errhandler?>?) -> Int32 {
    mpiCall("MPI_Comm_get_errhandler", on: comm) { () throws(MPIError) in
        let current = try Handles.communicator(comm).errorHandler
        try output(handler, "the error handler").pointee = Handles.handle(of: current)
    }
}

/// `MPI_Comm_errhandler_function`, called without its variable arguments (through
/// `brazos_call_comm_errhandler`, which makes a proper variadic call of it).
public typealias CommErrorHandlerFunction = OpaquePointer

/// `MPI_Comm_create_errhandler`: a handler that calls `function` with the communicator
/// and the error code, after which the failed call returns that code.
@_cdecl("MPI_Comm_create_errhandler")
public func mpiCommCreateErrhandler(_ function: CommErrorHandlerFunction?, _ handler: UnsafeMutablePointer<MPI_Errhandler?>?) -> Int32 {
    mpiCall("MPI_Comm_create_errhandler") { () throws(MPIError) in
        guard let function else { throw MPIError(.arg, "null pointer for the function") }
        let result = try output(handler, "the error handler")
        // The address, not the pointer, so that the handler can be shared between threads.
        let address = Int(bitPattern: function)
        let made = CustomErrorHandler { communicator, error in
            var comm = Handles.handle(of: communicator)
            var code = error.errorClass.rawValue
            brazos_call_comm_errhandler(OpaquePointer(bitPattern: address), &comm, &code)
        }
        result.pointee = Handles.errorHandlers.add(made)
    }
}

/// `MPI_Errhandler_free`: sets the handle to `MPI_ERRHANDLER_NULL`; communicators that
/// use the handler keep it. Freeing a predefined handler does only that, as Open MPI does.
@_cdecl("MPI_Errhandler_free")
public func mpiErrhandlerFree(_ handler: UnsafeMutablePointer<MPI_Errhandler?>?) -> Int32 {
    mpiCall("MPI_Errhandler_free") { () throws(MPIError) in
        guard let handler else { throw MPIError(.arg, "null pointer for the error handler") }
        _ = try Handles.errorHandler(handler.pointee)
        Handles.errorHandlers.remove(handler.pointee)
        handler.pointee = Handles.opaque(Handles.Value.errhandlerNull)
    }
}

/// Copies `text` into a C buffer of the standard's maximum sizes (256 and more), with
/// its length.
private func copy(_ text: String, into buffer: UnsafeMutablePointer<CChar>?, length: UnsafeMutablePointer<Int32>?) throws(MPIError) {
    let target = try output(buffer, "the text"), count = try output(length, "the length")
    let bytes = Array(text.utf8.prefix(255))
    for (index, byte) in bytes.enumerated() { target[index] = CChar(bitPattern: byte) }
    target[bytes.count] = 0
    count.pointee = Int32(bytes.count)
}
