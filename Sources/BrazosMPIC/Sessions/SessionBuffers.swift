import BrazosMPI
import CMPI

/// `MPI_Session_attach_buffer`: the session's buffer for buffered sends (MPI 5.0).
@_cdecl("MPI_Session_attach_buffer")
public func mpiSessionAttachBuffer(_ session: MPI_Session?, _ buffer: UnsafeMutableRawPointer?, _ size: Int32) -> Int32 {
    mpiCall("MPI_Session_attach_buffer", onSession: session) { () throws(MPIError) in
        try Handles.session(session).bufferedSends.attach(buffer, byteCount: Int(size))
    }
}

/// `MPI_Session_attach_buffer_c`.
@_cdecl("MPI_Session_attach_buffer_c")
public func mpiSessionAttachBufferC(_ session: MPI_Session?, _ buffer: UnsafeMutableRawPointer?, _ size: MPI_Count) -> Int32 {
    mpiCall("MPI_Session_attach_buffer_c", onSession: session) { () throws(MPIError) in
        try Handles.session(session).bufferedSends.attach(buffer, byteCount: try elementCount(size))
    }
}

/// `MPI_Session_detach_buffer`: waits until the messages buffered in it have left; with
/// none attached, a null buffer of 0 bytes.
@_cdecl("MPI_Session_detach_buffer")
public func mpiSessionDetachBuffer(_ session: MPI_Session?, _ address: UnsafeMutableRawPointer?, _ size: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Session_detach_buffer", onSession: session) { () throws(MPIError) in
        try BufferedSends.detach(try Handles.session(session).bufferedSends, address, intSize(size))
    }
}

/// `MPI_Session_detach_buffer_c`.
@_cdecl("MPI_Session_detach_buffer_c")
public func mpiSessionDetachBufferC(_ session: MPI_Session?, _ address: UnsafeMutableRawPointer?, _ size: UnsafeMutablePointer<MPI_Count>?) -> Int32 {
    mpiCall("MPI_Session_detach_buffer_c", onSession: session) { () throws(MPIError) in
        try BufferedSends.detach(try Handles.session(session).bufferedSends, address, countSize(size))
    }
}

/// `MPI_Session_flush_buffer`: waits until the messages buffered in it have left.
@_cdecl("MPI_Session_flush_buffer")
public func mpiSessionFlushBuffer(_ session: MPI_Session?) -> Int32 {
    mpiCall("MPI_Session_flush_buffer", onSession: session) { () throws(MPIError) in
        try Handles.session(session).bufferedSends.flush()
    }
}

/// `MPI_Session_iflush_buffer`: a request that completes once the messages buffered in it
/// so far have left. It is made on the rank's world communicator, which only carries it.
@_cdecl("MPI_Session_iflush_buffer")
public func mpiSessionIflushBuffer(_ session: MPI_Session?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    mpiCall("MPI_Session_iflush_buffer", onSession: session) { () throws(MPIError) in
        let found = try Handles.session(session)
        let output = try requestOutput(request)
        output.pointee = Handles.requests.add(found.bufferedSends.iflush(on: found.thread.world))
    }
}
