import BrazosMPI
import BrazosCore
import CMPI

/// The buffers attached for buffered sends: the process's (`MPI_Buffer_attach`; a C
/// program is its node's one rank) and those of single communicators
/// (`MPI_Comm_attach_buffer`), which a buffered send on that communicator uses instead.
enum BufferedSends {
    static let process = BufferedSendSpace()
    /// Each entry keeps its communicator alive until its buffer is detached, so no other
    /// communicator can take its identifier meanwhile.
    private static let ofCommunicators = Guarded([ObjectIdentifier: (communicator: Communicator, space: BufferedSendSpace)]())

    static func space(for communicator: Communicator) -> BufferedSendSpace {
        ofCommunicators.withLock { $0[ObjectIdentifier(communicator)]?.space } ?? process
    }

    /// The communicator's own space, made at its first attach.
    static func ownSpace(of communicator: Communicator) -> BufferedSendSpace {
        ofCommunicators.withLock { spaces in
            if let entry = spaces[ObjectIdentifier(communicator)] { return entry.space }
            let space = BufferedSendSpace()
            spaces[ObjectIdentifier(communicator)] = (communicator, space)
            return space
        }
    }

    /// Detaches the communicator's own buffer (none attached: a null buffer of 0 bytes).
    static func detachOwn(of communicator: Communicator, _ address: UnsafeMutableRawPointer?, _ store: (Int) throws(MPIError) -> Void) throws(MPIError) {
        let space = ofCommunicators.withLock { $0[ObjectIdentifier(communicator)]?.space } ?? BufferedSendSpace()
        try detach(space, address, store)
        ofCommunicators.withLock { _ = $0.removeValue(forKey: ObjectIdentifier(communicator)) }
    }

    /// Detaches `space`'s buffer, writing its address and size where the program asked.
    static func detach(_ space: BufferedSendSpace, _ address: UnsafeMutableRawPointer?, _ store: (Int) throws(MPIError) -> Void) throws(MPIError) {
        guard let address else { throw MPIError(.arg, "null pointer for the buffer's address") }
        let buffer = try space.detach()
        try store(buffer.count)
        address.storeBytes(of: buffer.baseAddress, as: UnsafeMutableRawPointer?.self)
    }
}

/// Stores a detached buffer's size in an int (a `_c` function stores an `MPI_Count`).
func intSize(_ size: UnsafeMutablePointer<Int32>?) -> (Int) throws(MPIError) -> Void {
    { (count: Int) throws(MPIError) in
        guard let value = Int32(exactly: count) else { throw MPIError(.count, "buffer of \(count) bytes does not fit an int") }
        try output(size, "the size").pointee = value
    }
}

func countSize(_ size: UnsafeMutablePointer<MPI_Count>?) -> (Int) throws(MPIError) -> Void {
    { (count: Int) throws(MPIError) in try output(size, "the size").pointee = MPI_Count(count) }
}

/// `MPI_Buffer_attach`.
@_cdecl("MPI_Buffer_attach")
public func mpiBufferAttach(_ buffer: UnsafeMutableRawPointer?, _ size: Int32) -> Int32 {
    mpiCall("MPI_Buffer_attach") { () throws(MPIError) in try BufferedSends.process.attach(buffer, byteCount: Int(size)) }
}

/// `MPI_Buffer_attach_c`.
@_cdecl("MPI_Buffer_attach_c")
public func mpiBufferAttachC(_ buffer: UnsafeMutableRawPointer?, _ size: MPI_Count) -> Int32 {
    mpiCall("MPI_Buffer_attach_c") { () throws(MPIError) in try BufferedSends.process.attach(buffer, byteCount: try elementCount(size)) }
}

/// `MPI_Buffer_detach`: waits until the buffered messages have left.
@_cdecl("MPI_Buffer_detach")
public func mpiBufferDetach(_ address: UnsafeMutableRawPointer?, _ size: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Buffer_detach") { () throws(MPIError) in try BufferedSends.detach(BufferedSends.process, address, intSize(size)) }
}

/// `MPI_Buffer_detach_c`.
@_cdecl("MPI_Buffer_detach_c")
public func mpiBufferDetachC(_ address: UnsafeMutableRawPointer?, _ size: UnsafeMutablePointer<MPI_Count>?) -> Int32 {
    mpiCall("MPI_Buffer_detach_c") { () throws(MPIError) in try BufferedSends.detach(BufferedSends.process, address, countSize(size)) }
}

/// `MPI_Buffer_flush`.
@_cdecl("MPI_Buffer_flush")
public func mpiBufferFlush() -> Int32 {
    mpiCall("MPI_Buffer_flush") { () throws(MPIError) in try BufferedSends.process.flush() }
}

/// `MPI_Comm_attach_buffer`.
@_cdecl("MPI_Comm_attach_buffer")
public func mpiCommAttachBuffer(_ comm: MPI_Comm?, _ buffer: UnsafeMutableRawPointer?, _ size: Int32) -> Int32 {
    mpiCall("MPI_Comm_attach_buffer", on: comm) { () throws(MPIError) in
        try BufferedSends.ownSpace(of: try Handles.communicator(comm)).attach(buffer, byteCount: Int(size))
    }
}

/// `MPI_Comm_attach_buffer_c`.
@_cdecl("MPI_Comm_attach_buffer_c")
public func mpiCommAttachBufferC(_ comm: MPI_Comm?, _ buffer: UnsafeMutableRawPointer?, _ size: MPI_Count) -> Int32 {
    mpiCall("MPI_Comm_attach_buffer_c", on: comm) { () throws(MPIError) in
        try BufferedSends.ownSpace(of: try Handles.communicator(comm)).attach(buffer, byteCount: try elementCount(size))
    }
}

/// `MPI_Comm_detach_buffer`.
@_cdecl("MPI_Comm_detach_buffer")
public func mpiCommDetachBuffer(_ comm: MPI_Comm?, _ address: UnsafeMutableRawPointer?, _ size: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Comm_detach_buffer", on: comm) { () throws(MPIError) in
        try BufferedSends.detachOwn(of: try Handles.communicator(comm), address, intSize(size))
    }
}

/// `MPI_Comm_detach_buffer_c`.
@_cdecl("MPI_Comm_detach_buffer_c")
public func mpiCommDetachBufferC(_ comm: MPI_Comm?, _ address: UnsafeMutableRawPointer?, _ size: UnsafeMutablePointer<MPI_Count>?) -> Int32 {
    mpiCall("MPI_Comm_detach_buffer_c", on: comm) { () throws(MPIError) in
        try BufferedSends.detachOwn(of: try Handles.communicator(comm), address, countSize(size))
    }
}

/// `MPI_Comm_flush_buffer`.
@_cdecl("MPI_Comm_flush_buffer")
public func mpiCommFlushBuffer(_ comm: MPI_Comm?) -> Int32 {
    mpiCall("MPI_Comm_flush_buffer", on: comm) { () throws(MPIError) in try BufferedSends.space(for: try Handles.communicator(comm)).flush() }
}

/// `MPI_Buffer_iflush`: a request that completes once the messages buffered so far have left.
@_cdecl("MPI_Buffer_iflush")
public func mpiBufferIflush(_ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    startRequest("MPI_Buffer_iflush", Handles.opaque(Handles.Value.commWorld), request) { world throws(MPIError) in BufferedSends.process.iflush(on: world) }
}

/// `MPI_Comm_iflush_buffer`.
@_cdecl("MPI_Comm_iflush_buffer")
public func mpiCommIflushBuffer(_ comm: MPI_Comm?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    startRequest("MPI_Comm_iflush_buffer", comm, request) { communicator throws(MPIError) in
        BufferedSends.space(for: communicator).iflush(on: communicator)
    }
}
