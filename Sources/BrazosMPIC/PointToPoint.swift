import BrazosMPI
import CMPI

/// `MPI_Send`.
@_cdecl("MPI_Send")
public func mpiSend(_ buffer: UnsafeRawPointer?, _ count: Int32, _ datatype: MPI_Datatype?, _ destination: Int32, _ tag: Int32, _ comm: MPI_Comm?) -> Int32 {
    mpiCall("MPI_Send", on: comm) { () throws(MPIError) in
        try Handles.withCommunicator(comm) { (communicator) throws(MPIError) in
            try Handles.withDatatype(datatype) { (datatype) throws(MPIError) in
                try communicator.send(buffer, count: Int(count), datatype: datatype, to: Int(destination), tag: Int(tag))
            }
        }
    }
}

/// `MPI_Send_c`.
@_cdecl("MPI_Send_c")
public func mpiSendC(_ buffer: UnsafeRawPointer?, _ count: MPI_Count, _ datatype: MPI_Datatype?, _ destination: Int32, _ tag: Int32, _ comm: MPI_Comm?) -> Int32 {
    mpiCall("MPI_Send_c", on: comm) { () throws(MPIError) in
        try Handles.communicator(comm).send(buffer, count: try elementCount(count), datatype: try Handles.datatype(datatype), to: Int(destination), tag: Int(tag))
    }
}

/// `MPI_Recv`; the status's `MPI_ERROR` is left as it was.
@_cdecl("MPI_Recv")
public func mpiRecv(_ buffer: UnsafeMutableRawPointer?, _ count: Int32, _ datatype: MPI_Datatype?, _ source: Int32, _ tag: Int32, _ comm: MPI_Comm?,
                    _ status: UnsafeMutablePointer<MPI_Status>?) -> Int32 {
    mpiCall("MPI_Recv", on: comm) { () throws(MPIError) in
        try Handles.withCommunicator(comm) { (communicator) throws(MPIError) in
            try Handles.withDatatype(datatype) { (datatype) throws(MPIError) in
                store(try communicator.recv(buffer, count: Int(count), datatype: datatype, from: Int(source), tag: Int(tag)), in: status)
            }
        }
    }
}

/// `MPI_Recv_c`.
@_cdecl("MPI_Recv_c")
public func mpiRecvC(_ buffer: UnsafeMutableRawPointer?, _ count: MPI_Count, _ datatype: MPI_Datatype?, _ source: Int32, _ tag: Int32, _ comm: MPI_Comm?,
                     _ status: UnsafeMutablePointer<MPI_Status>?) -> Int32 {
    mpiCall("MPI_Recv_c", on: comm) { () throws(MPIError) in
        store(try Handles.communicator(comm).recv(buffer, count: try elementCount(count), datatype: try Handles.datatype(datatype), from: Int(source), tag: Int(tag)), in: status)
    }
}

/// `MPI_Isend`.
@_cdecl("MPI_Isend")
public func mpiIsend(_ buffer: UnsafeRawPointer?, _ count: Int32, _ datatype: MPI_Datatype?, _ destination: Int32, _ tag: Int32, _ comm: MPI_Comm?,
                     _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    startRequest("MPI_Isend", comm, request) { communicator throws(MPIError) in
        try Handles.withDatatype(datatype) { (datatype) throws(MPIError) in
            try communicator.isend(buffer, count: Int(count), datatype: datatype, to: Int(destination), tag: Int(tag))
        }
    }
}

/// `MPI_Isend_c`.
@_cdecl("MPI_Isend_c")
public func mpiIsendC(_ buffer: UnsafeRawPointer?, _ count: MPI_Count, _ datatype: MPI_Datatype?, _ destination: Int32, _ tag: Int32, _ comm: MPI_Comm?,
                      _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    startRequest("MPI_Isend_c", comm, request) { communicator throws(MPIError) in
        try communicator.isend(buffer, count: try elementCount(count), datatype: try Handles.datatype(datatype), to: Int(destination), tag: Int(tag))
    }
}

/// `MPI_Irecv`.
@_cdecl("MPI_Irecv")
public func mpiIrecv(_ buffer: UnsafeMutableRawPointer?, _ count: Int32, _ datatype: MPI_Datatype?, _ source: Int32, _ tag: Int32, _ comm: MPI_Comm?,
                     _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    startRequest("MPI_Irecv", comm, request) { communicator throws(MPIError) in
        try Handles.withDatatype(datatype) { (datatype) throws(MPIError) in
            try communicator.irecv(buffer, count: Int(count), datatype: datatype, from: Int(source), tag: Int(tag))
        }
    }
}

/// `MPI_Irecv_c`.
@_cdecl("MPI_Irecv_c")
public func mpiIrecvC(_ buffer: UnsafeMutableRawPointer?, _ count: MPI_Count, _ datatype: MPI_Datatype?, _ source: Int32, _ tag: Int32, _ comm: MPI_Comm?,
                      _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    startRequest("MPI_Irecv_c", comm, request) { communicator throws(MPIError) in
        try communicator.irecv(buffer, count: try elementCount(count), datatype: try Handles.datatype(datatype), from: Int(source), tag: Int(tag))
    }
}

/// `MPI_Sendrecv`.
@_cdecl("MPI_Sendrecv")
public func mpiSendrecv(_ sendBuffer: UnsafeRawPointer?, _ sendCount: Int32, _ sendType: MPI_Datatype?, _ destination: Int32, _ sendTag: Int32,
                        _ receiveBuffer: UnsafeMutableRawPointer?, _ receiveCount: Int32, _ receiveType: MPI_Datatype?, _ source: Int32, _ receiveTag: Int32,
                        _ comm: MPI_Comm?, _ status: UnsafeMutablePointer<MPI_Status>?) -> Int32 {
    mpiCall("MPI_Sendrecv", on: comm) { () throws(MPIError) in
        try Handles.withCommunicator(comm) { (communicator) throws(MPIError) in
            try Handles.withDatatypes(sendType, receiveType) { (sendType, receiveType) throws(MPIError) in
                store(try communicator.sendrecv(sendBuffer, sendCount: Int(sendCount), sendType: sendType, to: Int(destination), sendTag: Int(sendTag),
                                                receiveBuffer, receiveCount: Int(receiveCount), receiveType: receiveType,
                                                from: Int(source), receiveTag: Int(receiveTag)), in: status)
            }
        }
    }
}

/// `MPI_Sendrecv_c`.
@_cdecl("MPI_Sendrecv_c")
public func mpiSendrecvC(_ sendBuffer: UnsafeRawPointer?, _ sendCount: MPI_Count, _ sendType: MPI_Datatype?, _ destination: Int32, _ sendTag: Int32,
                         _ receiveBuffer: UnsafeMutableRawPointer?, _ receiveCount: MPI_Count, _ receiveType: MPI_Datatype?, _ source: Int32, _ receiveTag: Int32,
                         _ comm: MPI_Comm?, _ status: UnsafeMutablePointer<MPI_Status>?) -> Int32 {
    mpiCall("MPI_Sendrecv_c", on: comm) { () throws(MPIError) in
        store(try Handles.communicator(comm).sendrecv(sendBuffer, sendCount: try elementCount(sendCount), sendType: try Handles.datatype(sendType), to: Int(destination),
                                                      sendTag: Int(sendTag), receiveBuffer, receiveCount: try elementCount(receiveCount),
                                                      receiveType: try Handles.datatype(receiveType), from: Int(source), receiveTag: Int(receiveTag)), in: status)
    }
}

/// `MPI_Probe`.
@_cdecl("MPI_Probe")
public func mpiProbe(_ source: Int32, _ tag: Int32, _ comm: MPI_Comm?, _ status: UnsafeMutablePointer<MPI_Status>?) -> Int32 {
    mpiCall("MPI_Probe", on: comm) { () throws(MPIError) in
        store(try Handles.communicator(comm).probe(from: Int(source), tag: Int(tag)), in: status)
    }
}

/// `MPI_Iprobe`.
@_cdecl("MPI_Iprobe")
public func mpiIprobe(_ source: Int32, _ tag: Int32, _ comm: MPI_Comm?, _ flag: UnsafeMutablePointer<Int32>?, _ status: UnsafeMutablePointer<MPI_Status>?) -> Int32 {
    mpiCall("MPI_Iprobe", on: comm) { () throws(MPIError) in
        let flag = try output(flag, "the flag")
        let found = try Handles.communicator(comm).iprobe(from: Int(source), tag: Int(tag))
        flag.pointee = found == nil ? 0 : 1
        if let found { store(found, in: status) }
    }
}

/// `MPI_Get_count`: `MPI_UNDEFINED` when the bytes are not a whole number of elements.
@_cdecl("MPI_Get_count")
public func mpiGetCount(_ status: UnsafePointer<MPI_Status>?, _ datatype: MPI_Datatype?, _ count: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Get_count") { () throws(MPIError) in
        guard let status else { throw MPIError(.arg, "null pointer for the status") }
        guard let count else { throw MPIError(.arg, "null pointer for the count") }
        let byteCount = status.pointee.byteCount
        let result = Status(source: 0, tag: 0, byteCount: byteCount).count(of: try Handles.datatype(datatype))
        count.pointee = result.flatMap { Int32(exactly: $0) } ?? Int32(MPI.undefined)
    }
}

/// `MPI_Send_init`.
@_cdecl("MPI_Send_init")
public func mpiSendInit(_ buffer: UnsafeRawPointer?, _ count: Int32, _ datatype: MPI_Datatype?, _ destination: Int32, _ tag: Int32, _ comm: MPI_Comm?,
                        _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    startRequest("MPI_Send_init", comm, request) { communicator throws(MPIError) in
        try communicator.sendInit(buffer, count: Int(count), datatype: try Handles.datatype(datatype), to: Int(destination), tag: Int(tag))
    }
}

/// `MPI_Send_init_c`.
@_cdecl("MPI_Send_init_c")
public func mpiSendInitC(_ buffer: UnsafeRawPointer?, _ count: MPI_Count, _ datatype: MPI_Datatype?, _ destination: Int32, _ tag: Int32, _ comm: MPI_Comm?,
                         _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    startRequest("MPI_Send_init_c", comm, request) { communicator throws(MPIError) in
        try communicator.sendInit(buffer, count: try elementCount(count), datatype: try Handles.datatype(datatype), to: Int(destination), tag: Int(tag))
    }
}

/// `MPI_Recv_init`.
@_cdecl("MPI_Recv_init")
public func mpiRecvInit(_ buffer: UnsafeMutableRawPointer?, _ count: Int32, _ datatype: MPI_Datatype?, _ source: Int32, _ tag: Int32, _ comm: MPI_Comm?,
                        _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    startRequest("MPI_Recv_init", comm, request) { communicator throws(MPIError) in
        try communicator.recvInit(buffer, count: Int(count), datatype: try Handles.datatype(datatype), from: Int(source), tag: Int(tag))
    }
}

/// `MPI_Recv_init_c`.
@_cdecl("MPI_Recv_init_c")
public func mpiRecvInitC(_ buffer: UnsafeMutableRawPointer?, _ count: MPI_Count, _ datatype: MPI_Datatype?, _ source: Int32, _ tag: Int32, _ comm: MPI_Comm?,
                         _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    startRequest("MPI_Recv_init_c", comm, request) { communicator throws(MPIError) in
        try communicator.recvInit(buffer, count: try elementCount(count), datatype: try Handles.datatype(datatype), from: Int(source), tag: Int(tag))
    }
}

/// A call that makes a request on `comm` with `make` and hands the program its handle;
/// a null pointer for the request is found before anything starts.
func startRequest(_ function: StaticString, _ comm: MPI_Comm?, _ pointer: UnsafeMutablePointer<MPI_Request?>?,
                  _ make: (Communicator) throws(MPIError) -> Request) -> Int32 {
    mpiCall(function, on: comm) { () throws(MPIError) in
        let output = try requestOutput(pointer)
        output.pointee = Handles.requests.add(try Handles.withCommunicator(comm, make))
    }
}

/// Where a non-blocking call puts its request: a null pointer is `MPI_ERR_REQUEST`,
/// found before the operation starts.
func requestOutput(_ pointer: UnsafeMutablePointer<MPI_Request?>?) throws(MPIError) -> UnsafeMutablePointer<MPI_Request?> {
    guard let pointer else { throw MPIError(.request, "null pointer for the request") }
    return pointer
}
