import BrazosMPI
import CMPI

// The neighbourhood collectives over a communicator's topology: Neighbor_allgather(v),
// Neighbor_alltoall(v,w), blocking, immediate, persistent, `_c`. The counts and
// displacements arrays hold one entry per source (receive side) or destination (send
// side); `MPI_IN_PLACE` is not allowed.

private func neighborAllgather<Count: BinaryInteger>(_ function: StaticString, _ form: CollectiveForm, _ send: UnsafeRawPointer?, _ sendCount: Count,
                                                     _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?, _ receiveCount: Count,
                                                     _ receiveType: MPI_Datatype?, _ comm: MPI_Comm?) -> Int32 {
    collective(function, form, on: comm) { (communicator) throws(MPIError) in
        let send = try neighborSend(send), sendCount = try elementCount(sendCount), receiveCount = try elementCount(receiveCount)
        let sendType = try Handles.datatype(sendType), receiveType = try Handles.datatype(receiveType)
        return try form.run(communicator.neighborAllgather(send, sendCount: sendCount, sendType: sendType, receive, receiveCount: receiveCount, receiveType: receiveType),
                            communicator.ineighborAllgather(send, sendCount: sendCount, sendType: sendType, receive, receiveCount: receiveCount,
                                                            receiveType: receiveType),
                            communicator.neighborAllgatherInit(send, sendCount: sendCount, sendType: sendType, receive, receiveCount: receiveCount,
                                                               receiveType: receiveType))
    }
}

private func neighborAllgatherv<Count: BinaryInteger, Displacement: BinaryInteger>(
    _ function: StaticString, _ form: CollectiveForm, _ send: UnsafeRawPointer?, _ sendCount: Count, _ sendType: MPI_Datatype?,
    _ receive: UnsafeMutableRawPointer?, _ receiveCounts: UnsafePointer<Count>?, _ displacements: UnsafePointer<Displacement>?,
    _ receiveType: MPI_Datatype?, _ comm: MPI_Comm?) -> Int32 {
    collective(function, form, on: comm) { (communicator) throws(MPIError) in
        let sources = try communicator.neighbors().sources.count
        let send = try neighborSend(send), sendCount = try elementCount(sendCount)
        let counts = try integerArray(receiveCounts, sources), displacements = try integerArray(displacements, sources)
        let sendType = try Handles.datatype(sendType), receiveType = try Handles.datatype(receiveType)
        return try form.run(communicator.neighborAllgatherv(send, sendCount: sendCount, sendType: sendType, receive, receiveCounts: counts,
                                                            displacements: displacements, receiveType: receiveType),
                            communicator.ineighborAllgatherv(send, sendCount: sendCount, sendType: sendType, receive, receiveCounts: counts,
                                                             displacements: displacements, receiveType: receiveType),
                            communicator.neighborAllgathervInit(send, sendCount: sendCount, sendType: sendType, receive, receiveCounts: counts,
                                                                displacements: displacements, receiveType: receiveType))
    }
}

private func neighborAlltoall<Count: BinaryInteger>(_ function: StaticString, _ form: CollectiveForm, _ send: UnsafeRawPointer?, _ sendCount: Count,
                                                    _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?, _ receiveCount: Count,
                                                    _ receiveType: MPI_Datatype?, _ comm: MPI_Comm?) -> Int32 {
    collective(function, form, on: comm) { (communicator) throws(MPIError) in
        let send = try neighborSend(send), sendCount = try elementCount(sendCount), receiveCount = try elementCount(receiveCount)
        let sendType = try Handles.datatype(sendType), receiveType = try Handles.datatype(receiveType)
        return try form.run(communicator.neighborAlltoall(send, sendCount: sendCount, sendType: sendType, receive, receiveCount: receiveCount, receiveType: receiveType),
                            communicator.ineighborAlltoall(send, sendCount: sendCount, sendType: sendType, receive, receiveCount: receiveCount,
                                                           receiveType: receiveType),
                            communicator.neighborAlltoallInit(send, sendCount: sendCount, sendType: sendType, receive, receiveCount: receiveCount,
                                                              receiveType: receiveType))
    }
}

private func neighborAlltoallv<Count: BinaryInteger, Displacement: BinaryInteger>(
    _ function: StaticString, _ form: CollectiveForm, _ send: UnsafeRawPointer?, _ sendCounts: UnsafePointer<Count>?,
    _ sendDisplacements: UnsafePointer<Displacement>?, _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?,
    _ receiveCounts: UnsafePointer<Count>?, _ receiveDisplacements: UnsafePointer<Displacement>?, _ receiveType: MPI_Datatype?,
    _ comm: MPI_Comm?) -> Int32 {
    collective(function, form, on: comm) { (communicator) throws(MPIError) in
        let (sources, destinations) = try communicator.neighbors()
        let send = try neighborSend(send)
        let sendCounts = try integerArray(sendCounts, destinations.count), sendDisplacements = try integerArray(sendDisplacements, destinations.count)
        let receiveCounts = try integerArray(receiveCounts, sources.count), receiveDisplacements = try integerArray(receiveDisplacements, sources.count)
        let sendType = try Handles.datatype(sendType), receiveType = try Handles.datatype(receiveType)
        return try form.run(communicator.neighborAlltoallv(send, sendCounts: sendCounts, sendDisplacements: sendDisplacements, sendType: sendType, receive,
                                                           receiveCounts: receiveCounts, receiveDisplacements: receiveDisplacements, receiveType: receiveType),
                            communicator.ineighborAlltoallv(send, sendCounts: sendCounts, sendDisplacements: sendDisplacements, sendType: sendType, receive,
                                                            receiveCounts: receiveCounts, receiveDisplacements: receiveDisplacements, receiveType: receiveType),
                            communicator.neighborAlltoallvInit(send, sendCounts: sendCounts, sendDisplacements: sendDisplacements, sendType: sendType, receive,
                                                               receiveCounts: receiveCounts, receiveDisplacements: receiveDisplacements, receiveType: receiveType))
    }
}

/// Displacements in bytes (`MPI_Aint` in both forms), a datatype per neighbour.
private func neighborAlltoallw<Count: BinaryInteger>(
    _ function: StaticString, _ form: CollectiveForm, _ send: UnsafeRawPointer?, _ sendCounts: UnsafePointer<Count>?,
    _ sendDisplacements: UnsafePointer<MPI_Aint>?, _ sendTypes: UnsafePointer<MPI_Datatype?>?, _ receive: UnsafeMutableRawPointer?,
    _ receiveCounts: UnsafePointer<Count>?, _ receiveDisplacements: UnsafePointer<MPI_Aint>?, _ receiveTypes: UnsafePointer<MPI_Datatype?>?,
    _ comm: MPI_Comm?) -> Int32 {
    collective(function, form, on: comm) { (communicator) throws(MPIError) in
        let (sources, destinations) = try communicator.neighbors()
        let send = try neighborSend(send)
        let sendCounts = try integerArray(sendCounts, destinations.count), sendDisplacements = try integerArray(sendDisplacements, destinations.count)
        let sendTypes = try datatypeArray(sendTypes, destinations.count)
        let receiveCounts = try integerArray(receiveCounts, sources.count), receiveDisplacements = try integerArray(receiveDisplacements, sources.count)
        let receiveTypes = try datatypeArray(receiveTypes, sources.count)
        return try form.run(communicator.neighborAlltoallw(send, sendCounts: sendCounts, sendDisplacements: sendDisplacements, sendTypes: sendTypes, receive,
                                                           receiveCounts: receiveCounts, receiveDisplacements: receiveDisplacements, receiveTypes: receiveTypes),
                            communicator.ineighborAlltoallw(send, sendCounts: sendCounts, sendDisplacements: sendDisplacements, sendTypes: sendTypes, receive,
                                                            receiveCounts: receiveCounts, receiveDisplacements: receiveDisplacements, receiveTypes: receiveTypes),
                            communicator.neighborAlltoallwInit(send, sendCounts: sendCounts, sendDisplacements: sendDisplacements, sendTypes: sendTypes, receive,
                                                               receiveCounts: receiveCounts, receiveDisplacements: receiveDisplacements, receiveTypes: receiveTypes))
    }
}

@_cdecl("MPI_Neighbor_allgather")
public func mpiNeighborAllgather(_ send: UnsafeRawPointer?, _ sendCount: Int32, _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?,
                                 _ receiveCount: Int32, _ receiveType: MPI_Datatype?, _ comm: MPI_Comm?) -> Int32 {
    neighborAllgather("MPI_Neighbor_allgather", .blocking, send, sendCount, sendType, receive, receiveCount, receiveType, comm)
}

@_cdecl("MPI_Neighbor_allgather_c")
public func mpiNeighborAllgatherC(_ send: UnsafeRawPointer?, _ sendCount: MPI_Count, _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?,
                                  _ receiveCount: MPI_Count, _ receiveType: MPI_Datatype?, _ comm: MPI_Comm?) -> Int32 {
    neighborAllgather("MPI_Neighbor_allgather_c", .blocking, send, sendCount, sendType, receive, receiveCount, receiveType, comm)
}

@_cdecl("MPI_Ineighbor_allgather")
public func mpiIneighborAllgather(_ send: UnsafeRawPointer?, _ sendCount: Int32, _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?,
                                  _ receiveCount: Int32, _ receiveType: MPI_Datatype?, _ comm: MPI_Comm?,
                                  _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    neighborAllgather("MPI_Ineighbor_allgather", .immediate(request), send, sendCount, sendType, receive, receiveCount, receiveType, comm)
}

@_cdecl("MPI_Ineighbor_allgather_c")
public func mpiIneighborAllgatherC(_ send: UnsafeRawPointer?, _ sendCount: MPI_Count, _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?,
                                   _ receiveCount: MPI_Count, _ receiveType: MPI_Datatype?, _ comm: MPI_Comm?,
                                   _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    neighborAllgather("MPI_Ineighbor_allgather_c", .immediate(request), send, sendCount, sendType, receive, receiveCount, receiveType, comm)
}

@_cdecl("MPI_Neighbor_allgather_init")
public func mpiNeighborAllgatherInit(_ send: UnsafeRawPointer?, _ sendCount: Int32, _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?,
                                     _ receiveCount: Int32, _ receiveType: MPI_Datatype?, _ comm: MPI_Comm?, _ info: MPI_Info?,
                                     _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    neighborAllgather("MPI_Neighbor_allgather_init", .persistent(request), send, sendCount, sendType, receive, receiveCount, receiveType, comm)
}

@_cdecl("MPI_Neighbor_allgather_init_c")
public func mpiNeighborAllgatherInitC(_ send: UnsafeRawPointer?, _ sendCount: MPI_Count, _ sendType: MPI_Datatype?,
                                      _ receive: UnsafeMutableRawPointer?, _ receiveCount: MPI_Count, _ receiveType: MPI_Datatype?,
                                      _ comm: MPI_Comm?, _ info: MPI_Info?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    neighborAllgather("MPI_Neighbor_allgather_init_c", .persistent(request), send, sendCount, sendType, receive, receiveCount, receiveType, comm)
}

@_cdecl("MPI_Neighbor_allgatherv")
public func mpiNeighborAllgatherv(_ send: UnsafeRawPointer?, _ sendCount: Int32, _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?,
                                  _ receiveCounts: UnsafePointer<Int32>?, _ displacements: UnsafePointer<Int32>?, _ receiveType: MPI_Datatype?,
                                  _ comm: MPI_Comm?) -> Int32 {
    neighborAllgatherv("MPI_Neighbor_allgatherv", .blocking, send, sendCount, sendType, receive, receiveCounts, displacements, receiveType, comm)
}

@_cdecl("MPI_Neighbor_allgatherv_c")
public func mpiNeighborAllgathervC(_ send: UnsafeRawPointer?, _ sendCount: MPI_Count, _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?,
                                   _ receiveCounts: UnsafePointer<MPI_Count>?, _ displacements: UnsafePointer<MPI_Aint>?,
                                   _ receiveType: MPI_Datatype?, _ comm: MPI_Comm?) -> Int32 {
    neighborAllgatherv("MPI_Neighbor_allgatherv_c", .blocking, send, sendCount, sendType, receive, receiveCounts, displacements, receiveType, comm)
}

@_cdecl("MPI_Ineighbor_allgatherv")
public func mpiIneighborAllgatherv(_ send: UnsafeRawPointer?, _ sendCount: Int32, _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?,
                                   _ receiveCounts: UnsafePointer<Int32>?, _ displacements: UnsafePointer<Int32>?, _ receiveType: MPI_Datatype?,
                                   _ comm: MPI_Comm?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    neighborAllgatherv("MPI_Ineighbor_allgatherv", .immediate(request), send, sendCount, sendType, receive, receiveCounts, displacements, receiveType, comm)
}

@_cdecl("MPI_Ineighbor_allgatherv_c")
public func mpiIneighborAllgathervC(_ send: UnsafeRawPointer?, _ sendCount: MPI_Count, _ sendType: MPI_Datatype?,
                                    _ receive: UnsafeMutableRawPointer?, _ receiveCounts: UnsafePointer<MPI_Count>?,
                                    _ displacements: UnsafePointer<MPI_Aint>?, _ receiveType: MPI_Datatype?, _ comm: MPI_Comm?,
                                    _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    neighborAllgatherv("MPI_Ineighbor_allgatherv_c", .immediate(request), send, sendCount, sendType, receive, receiveCounts, displacements, receiveType, comm)
}

@_cdecl("MPI_Neighbor_allgatherv_init")
public func mpiNeighborAllgathervInit(_ send: UnsafeRawPointer?, _ sendCount: Int32, _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?,
                                      _ receiveCounts: UnsafePointer<Int32>?, _ displacements: UnsafePointer<Int32>?, _ receiveType: MPI_Datatype?,
                                      _ comm: MPI_Comm?, _ info: MPI_Info?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    neighborAllgatherv("MPI_Neighbor_allgatherv_init", .persistent(request), send, sendCount, sendType, receive, receiveCounts, displacements, receiveType, comm)
}

@_cdecl("MPI_Neighbor_allgatherv_init_c")
public func mpiNeighborAllgathervInitC(_ send: UnsafeRawPointer?, _ sendCount: MPI_Count, _ sendType: MPI_Datatype?,
                                       _ receive: UnsafeMutableRawPointer?, _ receiveCounts: UnsafePointer<MPI_Count>?,
                                       _ displacements: UnsafePointer<MPI_Aint>?, _ receiveType: MPI_Datatype?, _ comm: MPI_Comm?, _ info: MPI_Info?,
                                       _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    neighborAllgatherv("MPI_Neighbor_allgatherv_init_c", .persistent(request), send, sendCount, sendType, receive, receiveCounts, displacements, receiveType, comm)
}

@_cdecl("MPI_Neighbor_alltoall")
public func mpiNeighborAlltoall(_ send: UnsafeRawPointer?, _ sendCount: Int32, _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?,
                                _ receiveCount: Int32, _ receiveType: MPI_Datatype?, _ comm: MPI_Comm?) -> Int32 {
    neighborAlltoall("MPI_Neighbor_alltoall", .blocking, send, sendCount, sendType, receive, receiveCount, receiveType, comm)
}

@_cdecl("MPI_Neighbor_alltoall_c")
public func mpiNeighborAlltoallC(_ send: UnsafeRawPointer?, _ sendCount: MPI_Count, _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?,
                                 _ receiveCount: MPI_Count, _ receiveType: MPI_Datatype?, _ comm: MPI_Comm?) -> Int32 {
    neighborAlltoall("MPI_Neighbor_alltoall_c", .blocking, send, sendCount, sendType, receive, receiveCount, receiveType, comm)
}

@_cdecl("MPI_Ineighbor_alltoall")
public func mpiIneighborAlltoall(_ send: UnsafeRawPointer?, _ sendCount: Int32, _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?,
                                 _ receiveCount: Int32, _ receiveType: MPI_Datatype?, _ comm: MPI_Comm?,
                                 _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    neighborAlltoall("MPI_Ineighbor_alltoall", .immediate(request), send, sendCount, sendType, receive, receiveCount, receiveType, comm)
}

@_cdecl("MPI_Ineighbor_alltoall_c")
public func mpiIneighborAlltoallC(_ send: UnsafeRawPointer?, _ sendCount: MPI_Count, _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?,
                                  _ receiveCount: MPI_Count, _ receiveType: MPI_Datatype?, _ comm: MPI_Comm?,
                                  _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    neighborAlltoall("MPI_Ineighbor_alltoall_c", .immediate(request), send, sendCount, sendType, receive, receiveCount, receiveType, comm)
}

@_cdecl("MPI_Neighbor_alltoall_init")
public func mpiNeighborAlltoallInit(_ send: UnsafeRawPointer?, _ sendCount: Int32, _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?,
                                    _ receiveCount: Int32, _ receiveType: MPI_Datatype?, _ comm: MPI_Comm?, _ info: MPI_Info?,
                                    _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    neighborAlltoall("MPI_Neighbor_alltoall_init", .persistent(request), send, sendCount, sendType, receive, receiveCount, receiveType, comm)
}

@_cdecl("MPI_Neighbor_alltoall_init_c")
public func mpiNeighborAlltoallInitC(_ send: UnsafeRawPointer?, _ sendCount: MPI_Count, _ sendType: MPI_Datatype?,
                                     _ receive: UnsafeMutableRawPointer?, _ receiveCount: MPI_Count, _ receiveType: MPI_Datatype?, _ comm: MPI_Comm?,
                                     _ info: MPI_Info?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    neighborAlltoall("MPI_Neighbor_alltoall_init_c", .persistent(request), send, sendCount, sendType, receive, receiveCount, receiveType, comm)
}

@_cdecl("MPI_Neighbor_alltoallv")
public func mpiNeighborAlltoallv(_ send: UnsafeRawPointer?, _ sendCounts: UnsafePointer<Int32>?, _ sendDisplacements: UnsafePointer<Int32>?,
                                 _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?, _ receiveCounts: UnsafePointer<Int32>?,
                                 _ receiveDisplacements: UnsafePointer<Int32>?, _ receiveType: MPI_Datatype?, _ comm: MPI_Comm?) -> Int32 {
    neighborAlltoallv("MPI_Neighbor_alltoallv", .blocking, send, sendCounts, sendDisplacements, sendType, receive, receiveCounts, receiveDisplacements, receiveType, comm)
}

@_cdecl("MPI_Neighbor_alltoallv_c")
public func mpiNeighborAlltoallvC(_ send: UnsafeRawPointer?, _ sendCounts: UnsafePointer<MPI_Count>?, _ sendDisplacements: UnsafePointer<MPI_Aint>?,
                                  _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?, _ receiveCounts: UnsafePointer<MPI_Count>?,
                                  _ receiveDisplacements: UnsafePointer<MPI_Aint>?, _ receiveType: MPI_Datatype?, _ comm: MPI_Comm?) -> Int32 {
    neighborAlltoallv("MPI_Neighbor_alltoallv_c", .blocking, send, sendCounts, sendDisplacements, sendType, receive, receiveCounts, receiveDisplacements, receiveType, comm)
}

@_cdecl("MPI_Ineighbor_alltoallv")
public func mpiIneighborAlltoallv(_ send: UnsafeRawPointer?, _ sendCounts: UnsafePointer<Int32>?, _ sendDisplacements: UnsafePointer<Int32>?,
                                  _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?, _ receiveCounts: UnsafePointer<Int32>?,
                                  _ receiveDisplacements: UnsafePointer<Int32>?, _ receiveType: MPI_Datatype?, _ comm: MPI_Comm?,
                                  _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    neighborAlltoallv("MPI_Ineighbor_alltoallv", .immediate(request), send, sendCounts, sendDisplacements, sendType, receive, receiveCounts, receiveDisplacements, receiveType, comm)
}

@_cdecl("MPI_Ineighbor_alltoallv_c")
public func mpiIneighborAlltoallvC(_ send: UnsafeRawPointer?, _ sendCounts: UnsafePointer<MPI_Count>?, _ sendDisplacements: UnsafePointer<MPI_Aint>?,
                                   _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?, _ receiveCounts: UnsafePointer<MPI_Count>?,
                                   _ receiveDisplacements: UnsafePointer<MPI_Aint>?, _ receiveType: MPI_Datatype?, _ comm: MPI_Comm?,
                                   _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    neighborAlltoallv("MPI_Ineighbor_alltoallv_c", .immediate(request), send, sendCounts, sendDisplacements, sendType, receive, receiveCounts, receiveDisplacements, receiveType, comm)
}

@_cdecl("MPI_Neighbor_alltoallv_init")
public func mpiNeighborAlltoallvInit(_ send: UnsafeRawPointer?, _ sendCounts: UnsafePointer<Int32>?, _ sendDisplacements: UnsafePointer<Int32>?,
                                     _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?, _ receiveCounts: UnsafePointer<Int32>?,
                                     _ receiveDisplacements: UnsafePointer<Int32>?, _ receiveType: MPI_Datatype?, _ comm: MPI_Comm?,
                                     _ info: MPI_Info?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    neighborAlltoallv("MPI_Neighbor_alltoallv_init", .persistent(request), send, sendCounts, sendDisplacements, sendType, receive, receiveCounts, receiveDisplacements, receiveType, comm)
}

@_cdecl("MPI_Neighbor_alltoallv_init_c")
public func mpiNeighborAlltoallvInitC(_ send: UnsafeRawPointer?, _ sendCounts: UnsafePointer<MPI_Count>?,
                                      _ sendDisplacements: UnsafePointer<MPI_Aint>?, _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?,
                                      _ receiveCounts: UnsafePointer<MPI_Count>?, _ receiveDisplacements: UnsafePointer<MPI_Aint>?,
                                      _ receiveType: MPI_Datatype?, _ comm: MPI_Comm?, _ info: MPI_Info?,
                                      _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    neighborAlltoallv("MPI_Neighbor_alltoallv_init_c", .persistent(request), send, sendCounts, sendDisplacements, sendType, receive, receiveCounts, receiveDisplacements, receiveType, comm)
}

@_cdecl("MPI_Neighbor_alltoallw")
public func mpiNeighborAlltoallw(_ send: UnsafeRawPointer?, _ sendCounts: UnsafePointer<Int32>?, _ sendDisplacements: UnsafePointer<MPI_Aint>?,
                                 _ sendTypes: UnsafePointer<MPI_Datatype?>?, _ receive: UnsafeMutableRawPointer?,
                                 _ receiveCounts: UnsafePointer<Int32>?, _ receiveDisplacements: UnsafePointer<MPI_Aint>?,
                                 _ receiveTypes: UnsafePointer<MPI_Datatype?>?, _ comm: MPI_Comm?) -> Int32 {
    neighborAlltoallw("MPI_Neighbor_alltoallw", .blocking, send, sendCounts, sendDisplacements, sendTypes, receive, receiveCounts, receiveDisplacements, receiveTypes, comm)
}

@_cdecl("MPI_Neighbor_alltoallw_c")
public func mpiNeighborAlltoallwC(_ send: UnsafeRawPointer?, _ sendCounts: UnsafePointer<MPI_Count>?, _ sendDisplacements: UnsafePointer<MPI_Aint>?,
                                  _ sendTypes: UnsafePointer<MPI_Datatype?>?, _ receive: UnsafeMutableRawPointer?,
                                  _ receiveCounts: UnsafePointer<MPI_Count>?, _ receiveDisplacements: UnsafePointer<MPI_Aint>?,
                                  _ receiveTypes: UnsafePointer<MPI_Datatype?>?, _ comm: MPI_Comm?) -> Int32 {
    neighborAlltoallw("MPI_Neighbor_alltoallw_c", .blocking, send, sendCounts, sendDisplacements, sendTypes, receive, receiveCounts, receiveDisplacements, receiveTypes, comm)
}

@_cdecl("MPI_Ineighbor_alltoallw")
public func mpiIneighborAlltoallw(_ send: UnsafeRawPointer?, _ sendCounts: UnsafePointer<Int32>?, _ sendDisplacements: UnsafePointer<MPI_Aint>?,
                                  _ sendTypes: UnsafePointer<MPI_Datatype?>?, _ receive: UnsafeMutableRawPointer?,
                                  _ receiveCounts: UnsafePointer<Int32>?, _ receiveDisplacements: UnsafePointer<MPI_Aint>?,
                                  _ receiveTypes: UnsafePointer<MPI_Datatype?>?, _ comm: MPI_Comm?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    neighborAlltoallw("MPI_Ineighbor_alltoallw", .immediate(request), send, sendCounts, sendDisplacements, sendTypes, receive, receiveCounts, receiveDisplacements, receiveTypes, comm)
}

@_cdecl("MPI_Ineighbor_alltoallw_c")
public func mpiIneighborAlltoallwC(_ send: UnsafeRawPointer?, _ sendCounts: UnsafePointer<MPI_Count>?, _ sendDisplacements: UnsafePointer<MPI_Aint>?,
                                   _ sendTypes: UnsafePointer<MPI_Datatype?>?, _ receive: UnsafeMutableRawPointer?,
                                   _ receiveCounts: UnsafePointer<MPI_Count>?, _ receiveDisplacements: UnsafePointer<MPI_Aint>?,
                                   _ receiveTypes: UnsafePointer<MPI_Datatype?>?, _ comm: MPI_Comm?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    neighborAlltoallw("MPI_Ineighbor_alltoallw_c", .immediate(request), send, sendCounts, sendDisplacements, sendTypes, receive, receiveCounts, receiveDisplacements, receiveTypes, comm)
}

@_cdecl("MPI_Neighbor_alltoallw_init")
public func mpiNeighborAlltoallwInit(_ send: UnsafeRawPointer?, _ sendCounts: UnsafePointer<Int32>?, _ sendDisplacements: UnsafePointer<MPI_Aint>?,
                                     _ sendTypes: UnsafePointer<MPI_Datatype?>?, _ receive: UnsafeMutableRawPointer?,
                                     _ receiveCounts: UnsafePointer<Int32>?, _ receiveDisplacements: UnsafePointer<MPI_Aint>?,
                                     _ receiveTypes: UnsafePointer<MPI_Datatype?>?, _ comm: MPI_Comm?, _ info: MPI_Info?,
                                     _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    neighborAlltoallw("MPI_Neighbor_alltoallw_init", .persistent(request), send, sendCounts, sendDisplacements, sendTypes, receive, receiveCounts, receiveDisplacements, receiveTypes, comm)
}

@_cdecl("MPI_Neighbor_alltoallw_init_c")
public func mpiNeighborAlltoallwInitC(_ send: UnsafeRawPointer?, _ sendCounts: UnsafePointer<MPI_Count>?,
                                      _ sendDisplacements: UnsafePointer<MPI_Aint>?, _ sendTypes: UnsafePointer<MPI_Datatype?>?,
                                      _ receive: UnsafeMutableRawPointer?, _ receiveCounts: UnsafePointer<MPI_Count>?,
                                      _ receiveDisplacements: UnsafePointer<MPI_Aint>?, _ receiveTypes: UnsafePointer<MPI_Datatype?>?,
                                      _ comm: MPI_Comm?, _ info: MPI_Info?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    neighborAlltoallw("MPI_Neighbor_alltoallw_init_c", .persistent(request), send, sendCounts, sendDisplacements, sendTypes, receive, receiveCounts, receiveDisplacements, receiveTypes, comm)
}
