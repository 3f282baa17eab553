import BrazosMPI
import CMPI

// Partitioned communication (MPI 4.0). The info argument is accepted and not read: no
// hint changes what these do.

/// `MPI_Psend_init`.
@_cdecl("MPI_Psend_init")
public func mpiPsendInit(_ buffer: UnsafeRawPointer?, _ partitions: Int32, _ count: Int32, _ datatype: MPI_Datatype?, _ destination: Int32, _ tag: Int32,
                         _ comm: MPI_Comm?, _ info: MPI_Info?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    startRequest("MPI_Psend_init", comm, request) { communicator throws(MPIError) in
        try communicator.psendInit(buffer, partitions: Int(partitions), count: Int(count), datatype: try Handles.datatype(datatype), to: Int(destination), tag: Int(tag))
    }
}

/// `MPI_Psend_init_c`.
@_cdecl("MPI_Psend_init_c")
public func mpiPsendInitC(_ buffer: UnsafeRawPointer?, _ partitions: Int32, _ count: MPI_Count, _ datatype: MPI_Datatype?, _ destination: Int32, _ tag: Int32,
                          _ comm: MPI_Comm?, _ info: MPI_Info?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    startRequest("MPI_Psend_init_c", comm, request) { communicator throws(MPIError) in
        try communicator.psendInit(buffer, partitions: Int(partitions), count: try elementCount(count), datatype: try Handles.datatype(datatype),
                                   to: Int(destination), tag: Int(tag))
    }
}

/// `MPI_Precv_init`.
@_cdecl("MPI_Precv_init")
public func mpiPrecvInit(_ buffer: UnsafeMutableRawPointer?, _ partitions: Int32, _ count: Int32, _ datatype: MPI_Datatype?, _ source: Int32, _ tag: Int32,
                         _ comm: MPI_Comm?, _ info: MPI_Info?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    startRequest("MPI_Precv_init", comm, request) { communicator throws(MPIError) in
        try communicator.precvInit(buffer, partitions: Int(partitions), count: Int(count), datatype: try Handles.datatype(datatype), from: Int(source), tag: Int(tag))
    }
}

/// `MPI_Precv_init_c`.
@_cdecl("MPI_Precv_init_c")
public func mpiPrecvInitC(_ buffer: UnsafeMutableRawPointer?, _ partitions: Int32, _ count: MPI_Count, _ datatype: MPI_Datatype?, _ source: Int32, _ tag: Int32,
                          _ comm: MPI_Comm?, _ info: MPI_Info?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    startRequest("MPI_Precv_init_c", comm, request) { communicator throws(MPIError) in
        try communicator.precvInit(buffer, partitions: Int(partitions), count: try elementCount(count), datatype: try Handles.datatype(datatype),
                                   from: Int(source), tag: Int(tag))
    }
}

private func partitioned(_ function: StaticString, _ handle: MPI_Request?, _ body: (Request) throws(MPIError) -> Void) -> Int32 {
    var communicator: Communicator?
    do throws(MPIError) {
        guard let request = try Handles.request(handle) else { throw MPIError(.request, "\(function) of MPI_REQUEST_NULL") }
        communicator = request.communicator
        try body(request)
        return 0
    } catch {
        return raise(error, in: function, on: communicator)
    }
}

/// `MPI_Pready`.
@_cdecl("MPI_Pready")
public func mpiPready(_ partition: Int32, _ handle: MPI_Request?) -> Int32 {
    partitioned("MPI_Pready", handle) { request throws(MPIError) in try request.markReady(CollectionOfOne(Int(partition))) }
}

/// `MPI_Pready_range`: partitions `low` through `high`, both included.
@_cdecl("MPI_Pready_range")
public func mpiPreadyRange(_ low: Int32, _ high: Int32, _ handle: MPI_Request?) -> Int32 {
    partitioned("MPI_Pready_range", handle) { request throws(MPIError) in
        guard low <= high else { throw MPIError(.arg, "partition range \(low)...\(high)") }
        try request.markReady(Int(low)...Int(high))
    }
}

/// `MPI_Pready_list`.
@_cdecl("MPI_Pready_list")
public func mpiPreadyList(_ length: Int32, _ partitions: UnsafePointer<Int32>?, _ handle: MPI_Request?) -> Int32 {
    partitioned("MPI_Pready_list", handle) { request throws(MPIError) in
        guard length >= 0 else { throw MPIError(.arg, "negative length \(length)") }
        guard length == 0 || partitions != nil else { throw MPIError(.arg, "null array of \(length) partitions") }
        try request.markReady(integers(partitions, Int(length)))
    }
}

/// `MPI_Parrived`.
@_cdecl("MPI_Parrived")
public func mpiParrived(_ handle: MPI_Request?, _ partition: Int32, _ flag: UnsafeMutablePointer<Int32>?) -> Int32 {
    partitioned("MPI_Parrived", handle) { request throws(MPIError) in
        let flag = try output(flag, "the flag")
        flag.pointee = try request.hasArrived(partition: Int(partition)) ? 1 : 0
    }
}
