import BrazosMPI
import CMPI

extension Handles {
    static let sessions = HandleTable<Session>()

    static func session(_ handle: MPI_Session?) throws(MPIError) -> Session {
        guard let session = sessions.object(handle) else {
            throw MPIError(.session, "invalid session: \(describe(handle, null: Value.sessionNull, "MPI_SESSION_NULL"))")
        }
        return session
    }

    /// The handle the program knows `session` by (given to its error handler).
    static func handle(of session: Session) -> MPI_Session? {
        sessions.handle(of: session) ?? opaque(Value.sessionNull)
    }
}

extension Handles.Value {
    static let sessionNull = 0x120
}

/// Runs an MPI call on a session: an error goes to the session's handler (to the
/// world's, as for calls on no communicator, when the handle is not a session's).
func mpiCall(_ function: StaticString, onSession handle: MPI_Session?, _ body: () throws(MPIError) -> Void) -> Int32 {
    do {
        try body()
        return 0
    } catch {
        guard let session = try? Handles.session(handle) else { return raise(error, in: function, on: nil) }
        return raise(error, in: function, on: session)
    }
}

/// Hands `error` to `session`'s handler, as `raise` does for communicators.
func raise(_ error: MPIError, in function: StaticString, on session: Session) -> Int32 {
    let handler = session.errorHandler
    if case let .custom(custom) = handler { custom.handle(error, on: session) }
    return apply(handler, to: error, in: function)
}

/// A session's error handler: a predefined one, or one made for sessions.
private func sessionErrorHandler(_ handle: MPI_Errhandler?) throws(MPIError) -> ErrorHandler {
    let handler = try Handles.errorHandler(handle)
    if case let .custom(custom) = handler { try custom.check(settableOn: .session) }
    return handler
}

/// `MPI_Session_init`: a new session, whose errors go to `errhandler`; this one's own
/// errors too, once the handler is known to be valid. The process joins the job at its
/// first session if `MPI_Init` has not joined it (see `Runtime`). `info` is accepted
/// whatever it is and not read.
@_cdecl("MPI_Session_init")
public func mpiSessionInit(_ info: MPI_Info?, _ errhandler: MPI_Errhandler?, _ session: UnsafeMutablePointer<MPI_Session?>?) -> Int32 {
    let handler: ErrorHandler
    do {
        handler = try sessionErrorHandler(errhandler)
    } catch {
        return raise(error, in: "MPI_Session_init", on: nil)
    }
    do {
        let result = try output(session, "the session")
        let process = try Runtime.openSession()
        result.pointee = Handles.sessions.add(Session(thread: process.thread, threadLevel: process.job.threadLevel, errorHandler: handler))
        return 0
    } catch {
        if case let .custom(custom) = handler, let process = Runtime.process {
            // The program's handler is told about a session that did not come to be.
            custom.handle(error, on: Session(thread: process.thread, threadLevel: process.job.threadLevel, errorHandler: handler))
        }
        return apply(handler, to: error, in: "MPI_Session_init")
    }
}

/// `MPI_Session_finalize`: sets the handle to `MPI_SESSION_NULL`; the last session after
/// `MPI_Finalize` leaves the job with the other processes. Objects made from the session
/// stay until freed.
@_cdecl("MPI_Session_finalize")
public func mpiSessionFinalize(_ session: UnsafeMutablePointer<MPI_Session?>?) -> Int32 {
    mpiCall("MPI_Session_finalize", onSession: session?.pointee) { () throws(MPIError) in
        guard let session else { throw MPIError(.arg, "null pointer for the session") }
        _ = try Handles.session(session.pointee)
        Handles.sessions.remove(session.pointee)
        session.pointee = Handles.opaque(Handles.Value.sessionNull)
        try Runtime.closeSession()
    }
}

/// `MPI_Session_get_num_psets`: 2, `mpi://WORLD` and `mpi://SELF`. `info` is not read.
@_cdecl("MPI_Session_get_num_psets")
public func mpiSessionGetNumPsets(_ session: MPI_Session?, _ info: MPI_Info?, _ count: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Session_get_num_psets", onSession: session) { () throws(MPIError) in
        _ = try Handles.session(session)
        try output(count, "the number of process sets").pointee = Int32(Session.processSets.count)
    }
}

/// `MPI_Session_get_nth_pset`: with `*length` 0, only the length the name needs (with its
/// NUL); else the name, cut to `*length` - 1 bytes, and that length. `n` outside the sets
/// fails with `MPI_ERR_ARG`. `info` is not read.
@_cdecl("MPI_Session_get_nth_pset")
public func mpiSessionGetNthPset(_ session: MPI_Session?, _ info: MPI_Info?, _ n: Int32, _ length: UnsafeMutablePointer<Int32>?,
                                 _ name: UnsafeMutablePointer<CChar>?) -> Int32 {
    mpiCall("MPI_Session_get_nth_pset", onSession: session) { () throws(MPIError) in
        _ = try Handles.session(session)
        let sets = Session.processSets
        guard sets.indices.contains(Int(n)) else { throw MPIError(.arg, "process set \(n) of \(sets.count)") }
        let size = try output(length, "the name's length")
        let bytes = Array(sets[Int(n)].utf8)
        if size.pointee > 0 {
            let target = try output(name, "the name")
            let copied = min(bytes.count, Int(size.pointee) - 1)
            for index in 0..<copied { target[index] = CChar(bitPattern: bytes[index]) }
            target[copied] = 0
        }
        size.pointee = Int32(bytes.count + 1)
    }
}

/// `MPI_Session_get_pset_info`: a new info object with the set's `mpi_size`.
@_cdecl("MPI_Session_get_pset_info")
public func mpiSessionGetPsetInfo(_ session: MPI_Session?, _ name: UnsafePointer<CChar>?, _ info: UnsafeMutablePointer<MPI_Info?>?) -> Int32 {
    mpiCall("MPI_Session_get_pset_info", onSession: session) { () throws(MPIError) in
        let found = try Handles.session(session)
        guard let name else { throw MPIError(.arg, "null pointer for the process set's name") }
        let entries = try found.information(ofProcessSet: try boundedString(name, capacity: 1024, "the process set's name"))
        try output(info, "the info").pointee = try newInfo(entries)
    }
}

/// `MPI_Session_get_info`: a new info object with the session's `thread_level`.
@_cdecl("MPI_Session_get_info")
public func mpiSessionGetInfo(_ session: MPI_Session?, _ info: UnsafeMutablePointer<MPI_Info?>?) -> Int32 {
    mpiCall("MPI_Session_get_info", onSession: session) { () throws(MPIError) in
        let found = try Handles.session(session)
        try output(info, "the info").pointee = try newInfo(found.information)
    }
}

/// `MPI_Group_from_session_pset`: the group of `mpi://WORLD` or `mpi://SELF`; any other
/// name fails with `MPI_ERR_ARG`.
@_cdecl("MPI_Group_from_session_pset")
public func mpiGroupFromSessionPset(_ session: MPI_Session?, _ name: UnsafePointer<CChar>?, _ group: UnsafeMutablePointer<MPI_Group?>?) -> Int32 {
    mpiCall("MPI_Group_from_session_pset", onSession: session) { () throws(MPIError) in
        let found = try Handles.session(session)
        guard let name else { throw MPIError(.arg, "null pointer for the process set's name") }
        let result = try output(group, "the group")
        result.pointee = Handles.groups.add(try found.group(ofProcessSet: try boundedString(name, capacity: 1024, "the process set's name")))
    }
}

/// `MPI_Session_create_errhandler`: a handler for sessions that calls `function` with the
/// session and the error code, after which the failed call returns that code.
@_cdecl("MPI_Session_create_errhandler")
public func mpiSessionCreateErrhandler(_ function: ErrorHandlerFunction?, _ handler: UnsafeMutablePointer<MPI_Errhandler?>?) -> Int32 {
    mpiCall("MPI_Session_create_errhandler") { () throws(MPIError) in
        guard let function else { throw MPIError(.arg, "null pointer for the function") }
        let result = try output(handler, "the error handler")
        // The address, not the pointer, so that the handler can be shared between threads.
        let address = Int(bitPattern: function)
        let made = CustomErrorHandler(session: { session, error in
            var handle = Handles.handle(of: session)
            var code = error.code
            brazos_call_session_errhandler(OpaquePointer(bitPattern: address), &handle, &code)
        })
        result.pointee = Handles.errorHandlers.add(made)
    }
}

/// `MPI_Session_set_errhandler`: a predefined handler or one made for sessions.
@_cdecl("MPI_Session_set_errhandler")
public func mpiSessionSetErrhandler(_ session: MPI_Session?, _ handler: MPI_Errhandler?) -> Int32 {
    mpiCall("MPI_Session_set_errhandler", onSession: session) { () throws(MPIError) in
        let found = try Handles.session(session)
        found.errorHandler = try sessionErrorHandler(handler)
    }
}

/// `MPI_Session_get_errhandler`: a program's own handler comes back as a new handle, to
/// be freed with `MPI_Errhandler_free`.
@_cdecl("MPI_Session_get_errhandler")
public func mpiSessionGetErrhandler(_ session: MPI_Session?, _ handler: UnsafeMutablePointer<MPI_Errhandler?>?) -> Int32 {
    mpiCall("MPI_Session_get_errhandler", onSession: session) { () throws(MPIError) in
        let found = try Handles.session(session)
        try output(handler, "the error handler").pointee = Handles.handle(of: found.errorHandler)
    }
}

/// `MPI_Session_call_errhandler`: hands `code` to the session's handler; `MPI_SUCCESS`
/// once a handler that returns has run.
@_cdecl("MPI_Session_call_errhandler")
public func mpiSessionCallErrhandler(_ session: MPI_Session?, _ code: Int32) -> Int32 {
    mpiCall("MPI_Session_call_errhandler", onSession: session) { () throws(MPIError) in
        let found = try Handles.session(session)
        _ = raise(MPIError(code: code, "raised by the program"), in: "MPI_Session_call_errhandler", on: found)
    }
}
