import BrazosMPI
import CMPI

// The buffered, synchronous and ready send modes, in their blocking, immediate and
// persistent forms, each with its large-count (`_c`) twin.

/// `MPI_Bsend`.
@_cdecl("MPI_Bsend")
public func mpiBsend(_ buffer: UnsafeRawPointer?, _ count: Int32, _ datatype: MPI_Datatype?, _ destination: Int32, _ tag: Int32, _ comm: MPI_Comm?) -> Int32 {
    mpiCall("MPI_Bsend", on: comm) { () throws(MPIError) in
        let communicator = try Handles.communicator(comm)
        try communicator.bsend(buffer, count: Int(count), datatype: try Handles.datatype(datatype), to: Int(destination), tag: Int(tag), space: BufferedSends.space(for: communicator))
    }
}

/// `MPI_Bsend_c`.
@_cdecl("MPI_Bsend_c")
public func mpiBsendC(_ buffer: UnsafeRawPointer?, _ count: MPI_Count, _ datatype: MPI_Datatype?, _ destination: Int32, _ tag: Int32, _ comm: MPI_Comm?) -> Int32 {
    mpiCall("MPI_Bsend_c", on: comm) { () throws(MPIError) in
        let communicator = try Handles.communicator(comm)
        try communicator.bsend(buffer, count: try elementCount(count), datatype: try Handles.datatype(datatype), to: Int(destination), tag: Int(tag), space: BufferedSends.space(for: communicator))
    }
}

/// `MPI_Ibsend`.
@_cdecl("MPI_Ibsend")
public func mpiIbsend(_ buffer: UnsafeRawPointer?, _ count: Int32, _ datatype: MPI_Datatype?, _ destination: Int32, _ tag: Int32, _ comm: MPI_Comm?,
                 _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    startRequest("MPI_Ibsend", comm, request) { communicator throws(MPIError) in
        try communicator.ibsend(buffer, count: Int(count), datatype: try Handles.datatype(datatype), to: Int(destination), tag: Int(tag), space: BufferedSends.space(for: communicator))
    }
}

/// `MPI_Ibsend_c`.
@_cdecl("MPI_Ibsend_c")
public func mpiIbsendC(_ buffer: UnsafeRawPointer?, _ count: MPI_Count, _ datatype: MPI_Datatype?, _ destination: Int32, _ tag: Int32, _ comm: MPI_Comm?,
                 _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    startRequest("MPI_Ibsend_c", comm, request) { communicator throws(MPIError) in
        try communicator.ibsend(buffer, count: try elementCount(count), datatype: try Handles.datatype(datatype), to: Int(destination), tag: Int(tag), space: BufferedSends.space(for: communicator))
    }
}

/// `MPI_Bsend_init`.
@_cdecl("MPI_Bsend_init")
public func mpiBsendinit(_ buffer: UnsafeRawPointer?, _ count: Int32, _ datatype: MPI_Datatype?, _ destination: Int32, _ tag: Int32, _ comm: MPI_Comm?,
                 _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    startRequest("MPI_Bsend_init", comm, request) { communicator throws(MPIError) in
        try communicator.bsendInit(buffer, count: Int(count), datatype: try Handles.datatype(datatype), to: Int(destination), tag: Int(tag), space: BufferedSends.space(for: communicator))
    }
}

/// `MPI_Bsend_init_c`.
@_cdecl("MPI_Bsend_init_c")
public func mpiBsendinitC(_ buffer: UnsafeRawPointer?, _ count: MPI_Count, _ datatype: MPI_Datatype?, _ destination: Int32, _ tag: Int32, _ comm: MPI_Comm?,
                 _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    startRequest("MPI_Bsend_init_c", comm, request) { communicator throws(MPIError) in
        try communicator.bsendInit(buffer, count: try elementCount(count), datatype: try Handles.datatype(datatype), to: Int(destination), tag: Int(tag), space: BufferedSends.space(for: communicator))
    }
}

/// `MPI_Ssend`.
@_cdecl("MPI_Ssend")
public func mpiSsend(_ buffer: UnsafeRawPointer?, _ count: Int32, _ datatype: MPI_Datatype?, _ destination: Int32, _ tag: Int32, _ comm: MPI_Comm?) -> Int32 {
    mpiCall("MPI_Ssend", on: comm) { () throws(MPIError) in
        let communicator = try Handles.communicator(comm)
        try communicator.ssend(buffer, count: Int(count), datatype: try Handles.datatype(datatype), to: Int(destination), tag: Int(tag))
    }
}

/// `MPI_Ssend_c`.
@_cdecl("MPI_Ssend_c")
public func mpiSsendC(_ buffer: UnsafeRawPointer?, _ count: MPI_Count, _ datatype: MPI_Datatype?, _ destination: Int32, _ tag: Int32, _ comm: MPI_Comm?) -> Int32 {
    mpiCall("MPI_Ssend_c", on: comm) { () throws(MPIError) in
        let communicator = try Handles.communicator(comm)
        try communicator.ssend(buffer, count: try elementCount(count), datatype: try Handles.datatype(datatype), to: Int(destination), tag: Int(tag))
    }
}

/// `MPI_Issend`.
@_cdecl("MPI_Issend")
public func mpiIssend(_ buffer: UnsafeRawPointer?, _ count: Int32, _ datatype: MPI_Datatype?, _ destination: Int32, _ tag: Int32, _ comm: MPI_Comm?,
                 _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    startRequest("MPI_Issend", comm, request) { communicator throws(MPIError) in
        try communicator.issend(buffer, count: Int(count), datatype: try Handles.datatype(datatype), to: Int(destination), tag: Int(tag))
    }
}

/// `MPI_Issend_c`.
@_cdecl("MPI_Issend_c")
public func mpiIssendC(_ buffer: UnsafeRawPointer?, _ count: MPI_Count, _ datatype: MPI_Datatype?, _ destination: Int32, _ tag: Int32, _ comm: MPI_Comm?,
                 _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    startRequest("MPI_Issend_c", comm, request) { communicator throws(MPIError) in
        try communicator.issend(buffer, count: try elementCount(count), datatype: try Handles.datatype(datatype), to: Int(destination), tag: Int(tag))
    }
}

/// `MPI_Ssend_init`.
@_cdecl("MPI_Ssend_init")
public func mpiSsendinit(_ buffer: UnsafeRawPointer?, _ count: Int32, _ datatype: MPI_Datatype?, _ destination: Int32, _ tag: Int32, _ comm: MPI_Comm?,
                 _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    startRequest("MPI_Ssend_init", comm, request) { communicator throws(MPIError) in
        try communicator.ssendInit(buffer, count: Int(count), datatype: try Handles.datatype(datatype), to: Int(destination), tag: Int(tag))
    }
}

/// `MPI_Ssend_init_c`.
@_cdecl("MPI_Ssend_init_c")
public func mpiSsendinitC(_ buffer: UnsafeRawPointer?, _ count: MPI_Count, _ datatype: MPI_Datatype?, _ destination: Int32, _ tag: Int32, _ comm: MPI_Comm?,
                 _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    startRequest("MPI_Ssend_init_c", comm, request) { communicator throws(MPIError) in
        try communicator.ssendInit(buffer, count: try elementCount(count), datatype: try Handles.datatype(datatype), to: Int(destination), tag: Int(tag))
    }
}

/// `MPI_Rsend`.
@_cdecl("MPI_Rsend")
public func mpiRsend(_ buffer: UnsafeRawPointer?, _ count: Int32, _ datatype: MPI_Datatype?, _ destination: Int32, _ tag: Int32, _ comm: MPI_Comm?) -> Int32 {
    mpiCall("MPI_Rsend", on: comm) { () throws(MPIError) in
        let communicator = try Handles.communicator(comm)
        try communicator.rsend(buffer, count: Int(count), datatype: try Handles.datatype(datatype), to: Int(destination), tag: Int(tag))
    }
}

/// `MPI_Rsend_c`.
@_cdecl("MPI_Rsend_c")
public func mpiRsendC(_ buffer: UnsafeRawPointer?, _ count: MPI_Count, _ datatype: MPI_Datatype?, _ destination: Int32, _ tag: Int32, _ comm: MPI_Comm?) -> Int32 {
    mpiCall("MPI_Rsend_c", on: comm) { () throws(MPIError) in
        let communicator = try Handles.communicator(comm)
        try communicator.rsend(buffer, count: try elementCount(count), datatype: try Handles.datatype(datatype), to: Int(destination), tag: Int(tag))
    }
}

/// `MPI_Irsend`.
@_cdecl("MPI_Irsend")
public func mpiIrsend(_ buffer: UnsafeRawPointer?, _ count: Int32, _ datatype: MPI_Datatype?, _ destination: Int32, _ tag: Int32, _ comm: MPI_Comm?,
                 _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    startRequest("MPI_Irsend", comm, request) { communicator throws(MPIError) in
        try communicator.irsend(buffer, count: Int(count), datatype: try Handles.datatype(datatype), to: Int(destination), tag: Int(tag))
    }
}

/// `MPI_Irsend_c`.
@_cdecl("MPI_Irsend_c")
public func mpiIrsendC(_ buffer: UnsafeRawPointer?, _ count: MPI_Count, _ datatype: MPI_Datatype?, _ destination: Int32, _ tag: Int32, _ comm: MPI_Comm?,
                 _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    startRequest("MPI_Irsend_c", comm, request) { communicator throws(MPIError) in
        try communicator.irsend(buffer, count: try elementCount(count), datatype: try Handles.datatype(datatype), to: Int(destination), tag: Int(tag))
    }
}

/// `MPI_Rsend_init`.
@_cdecl("MPI_Rsend_init")
public func mpiRsendinit(_ buffer: UnsafeRawPointer?, _ count: Int32, _ datatype: MPI_Datatype?, _ destination: Int32, _ tag: Int32, _ comm: MPI_Comm?,
                 _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    startRequest("MPI_Rsend_init", comm, request) { communicator throws(MPIError) in
        try communicator.rsendInit(buffer, count: Int(count), datatype: try Handles.datatype(datatype), to: Int(destination), tag: Int(tag))
    }
}

/// `MPI_Rsend_init_c`.
@_cdecl("MPI_Rsend_init_c")
public func mpiRsendinitC(_ buffer: UnsafeRawPointer?, _ count: MPI_Count, _ datatype: MPI_Datatype?, _ destination: Int32, _ tag: Int32, _ comm: MPI_Comm?,
                 _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    startRequest("MPI_Rsend_init_c", comm, request) { communicator throws(MPIError) in
        try communicator.rsendInit(buffer, count: try elementCount(count), datatype: try Handles.datatype(datatype), to: Int(destination), tag: Int(tag))
    }
}
