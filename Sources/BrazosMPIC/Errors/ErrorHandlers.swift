import BrazosMPI
import CMPI

/// `MPI_Comm_set_errhandler`: a predefined handler (`MPI_ERRORS_ARE_FATAL`,
/// `MPI_ERRORS_ABORT`, `MPI_ERRORS_RETURN`) or one from `MPI_Comm_create_errhandler`;
/// one made for sessions fails with `MPI_ERR_ARG`.
@_cdecl("MPI_Comm_set_errhandler")
public func mpiCommSetErrhandler(_ comm: MPI_Comm?, _ handler: MPI_Errhandler?) -> Int32 {
    mpiCall("MPI_Comm_set_errhandler", on: comm) { () throws(MPIError) in
        let communicator = try Handles.communicator(comm)
        let chosen = try Handles.errorHandler(handler)
        if case let .custom(custom) = chosen { try custom.check(settableOn: .communicator) }
        communicator.errorHandler = chosen
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

/// A program's error handler function (`MPI_Comm_errhandler_function`,
/// `MPI_Session_errhandler_function`), called without its variable arguments through
/// the C functions of brazos_errhandler.h and brazos_session_errhandler.h, which make a
/// proper variadic call.
public typealias ErrorHandlerFunction = OpaquePointer

/// `MPI_Comm_create_errhandler`: a handler that calls `function` with the communicator
/// and the error code, after which the failed call returns that code.
@_cdecl("MPI_Comm_create_errhandler")
public func mpiCommCreateErrhandler(_ function: ErrorHandlerFunction?, _ handler: UnsafeMutablePointer<MPI_Errhandler?>?) -> Int32 {
    mpiCall("MPI_Comm_create_errhandler") { () throws(MPIError) in
        guard let function else { throw MPIError(.arg, "null pointer for the function") }
        let result = try output(handler, "the error handler")
        // The address, not the pointer, so that the handler can be shared between threads.
        let address = Int(bitPattern: function)
        let made = CustomErrorHandler { (communicator: Communicator, error: MPIError) in
            var comm = Handles.handle(of: communicator)
            var code = error.code
            brazos_call_comm_errhandler(OpaquePointer(bitPattern: address), &comm, &code)
        }
        result.pointee = Handles.errorHandlers.add(made)
    }
}

/// `MPI_Errhandler_free`: sets the handle to `MPI_ERRHANDLER_NULL`; communicators and
/// sessions that use the handler keep it. Freeing a predefined handler does only that,
/// as Open MPI does.
@_cdecl("MPI_Errhandler_free")
public func mpiErrhandlerFree(_ handler: UnsafeMutablePointer<MPI_Errhandler?>?) -> Int32 {
    mpiCall("MPI_Errhandler_free") { () throws(MPIError) in
        guard let handler else { throw MPIError(.arg, "null pointer for the error handler") }
        _ = try Handles.errorHandler(handler.pointee)
        Handles.errorHandlers.remove(handler.pointee)
        handler.pointee = Handles.opaque(Handles.Value.errhandlerNull)
    }
}

/// `MPI_Comm_call_errhandler`: hands `code` (any code: predefined, or one the program
/// added) to the communicator's handler, as an error of a call on it would be. Returns
/// `MPI_SUCCESS` once a handler that returns has run; a fatal handler ends the job with
/// the code.
@_cdecl("MPI_Comm_call_errhandler")
public func mpiCommCallErrhandler(_ comm: MPI_Comm?, _ code: Int32) -> Int32 {
    mpiCall("MPI_Comm_call_errhandler", on: comm) { () throws(MPIError) in
        let communicator = try Handles.communicator(comm)
        _ = raise(MPIError(code: code, "raised by the program"), in: "MPI_Comm_call_errhandler", on: communicator)
    }
}
