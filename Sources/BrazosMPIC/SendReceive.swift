import BrazosMPI
import CMPI

// Sending and receiving at once: the replacing form, and the immediate forms (MPI 4.0).

/// `MPI_Sendrecv_replace`.
@_cdecl("MPI_Sendrecv_replace")
public func mpiSendrecvReplace(_ buffer: UnsafeMutableRawPointer?, _ count: Int32, _ datatype: MPI_Datatype?, _ destination: Int32, _ sendTag: Int32,
                               _ source: Int32, _ receiveTag: Int32, _ comm: MPI_Comm?, _ status: UnsafeMutablePointer<MPI_Status>?) -> Int32 {
    mpiCall("MPI_Sendrecv_replace", on: comm) { () throws(MPIError) in
        store(try Handles.communicator(comm).sendrecvReplace(buffer, count: Int(count), datatype: try Handles.datatype(datatype), to: Int(destination),
                                                             sendTag: Int(sendTag), from: Int(source), receiveTag: Int(receiveTag)), in: status)
    }
}

/// `MPI_Sendrecv_replace_c`.
@_cdecl("MPI_Sendrecv_replace_c")
public func mpiSendrecvReplaceC(_ buffer: UnsafeMutableRawPointer?, _ count: MPI_Count, _ datatype: MPI_Datatype?, _ destination: Int32, _ sendTag: Int32,
                                _ source: Int32, _ receiveTag: Int32, _ comm: MPI_Comm?, _ status: UnsafeMutablePointer<MPI_Status>?) -> Int32 {
    mpiCall("MPI_Sendrecv_replace_c", on: comm) { () throws(MPIError) in
        store(try Handles.communicator(comm).sendrecvReplace(buffer, count: try elementCount(count), datatype: try Handles.datatype(datatype), to: Int(destination),
                                                             sendTag: Int(sendTag), from: Int(source), receiveTag: Int(receiveTag)), in: status)
    }
}

/// `MPI_Isendrecv_replace`.
@_cdecl("MPI_Isendrecv_replace")
public func mpiIsendrecvReplace(_ buffer: UnsafeMutableRawPointer?, _ count: Int32, _ datatype: MPI_Datatype?, _ destination: Int32, _ sendTag: Int32,
                                _ source: Int32, _ receiveTag: Int32, _ comm: MPI_Comm?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    startRequest("MPI_Isendrecv_replace", comm, request) { communicator throws(MPIError) in
        try communicator.isendrecvReplace(buffer, count: Int(count), datatype: try Handles.datatype(datatype), to: Int(destination),
                                          sendTag: Int(sendTag), from: Int(source), receiveTag: Int(receiveTag))
    }
}

/// `MPI_Isendrecv_replace_c`.
@_cdecl("MPI_Isendrecv_replace_c")
public func mpiIsendrecvReplaceC(_ buffer: UnsafeMutableRawPointer?, _ count: MPI_Count, _ datatype: MPI_Datatype?, _ destination: Int32, _ sendTag: Int32,
                                 _ source: Int32, _ receiveTag: Int32, _ comm: MPI_Comm?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    startRequest("MPI_Isendrecv_replace_c", comm, request) { communicator throws(MPIError) in
        try communicator.isendrecvReplace(buffer, count: try elementCount(count), datatype: try Handles.datatype(datatype), to: Int(destination),
                                          sendTag: Int(sendTag), from: Int(source), receiveTag: Int(receiveTag))
    }
}

/// `MPI_Isendrecv`.
@_cdecl("MPI_Isendrecv")
public func mpiIsendrecv(_ sendBuffer: UnsafeRawPointer?, _ sendCount: Int32, _ sendType: MPI_Datatype?, _ destination: Int32, _ sendTag: Int32,
                         _ receiveBuffer: UnsafeMutableRawPointer?, _ receiveCount: Int32, _ receiveType: MPI_Datatype?, _ source: Int32, _ receiveTag: Int32,
                         _ comm: MPI_Comm?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    startRequest("MPI_Isendrecv", comm, request) { communicator throws(MPIError) in
        try communicator.isendrecv(sendBuffer, sendCount: Int(sendCount), sendType: try Handles.datatype(sendType), to: Int(destination), sendTag: Int(sendTag),
                                   receiveBuffer, receiveCount: Int(receiveCount), receiveType: try Handles.datatype(receiveType),
                                   from: Int(source), receiveTag: Int(receiveTag))
    }
}

/// `MPI_Isendrecv_c`.
@_cdecl("MPI_Isendrecv_c")
public func mpiIsendrecvC(_ sendBuffer: UnsafeRawPointer?, _ sendCount: MPI_Count, _ sendType: MPI_Datatype?, _ destination: Int32, _ sendTag: Int32,
                          _ receiveBuffer: UnsafeMutableRawPointer?, _ receiveCount: MPI_Count, _ receiveType: MPI_Datatype?, _ source: Int32, _ receiveTag: Int32,
                          _ comm: MPI_Comm?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    startRequest("MPI_Isendrecv_c", comm, request) { communicator throws(MPIError) in
        try communicator.isendrecv(sendBuffer, sendCount: try elementCount(sendCount), sendType: try Handles.datatype(sendType), to: Int(destination),
                                   sendTag: Int(sendTag), receiveBuffer, receiveCount: try elementCount(receiveCount),
                                   receiveType: try Handles.datatype(receiveType), from: Int(source), receiveTag: Int(receiveTag))
    }
}
