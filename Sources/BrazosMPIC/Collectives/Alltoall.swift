import BrazosMPI
import CMPI

// Alltoall, Alltoallv, Alltoallw (`MPI_IN_PLACE` accepted: the send arguments are then
// ignored), blocking, immediate, persistent, `_c`.

private func alltoall<Count: BinaryInteger>(_ function: StaticString, _ form: CollectiveForm, _ send: UnsafeRawPointer?, _ sendCount: Count,
                                            _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?, _ receiveCount: Count,
                                            _ receiveType: MPI_Datatype?, _ comm: MPI_Comm?) -> Int32 {
    collective(function, form, on: comm) { (communicator) throws(MPIError) in
        let inPlace = isInPlace(send), sendCount = try elementCount(sendCount), receiveCount = try elementCount(receiveCount), send = sendBuffer(send)
        let sendType = try optionalType(sendType, used: !inPlace), receiveType = try Handles.datatype(receiveType)
        return try form.run(communicator.alltoall(send, sendCount: sendCount, sendType: sendType, receive, receiveCount: receiveCount, receiveType: receiveType),
                            communicator.ialltoall(send, sendCount: sendCount, sendType: sendType, receive, receiveCount: receiveCount, receiveType: receiveType),
                            communicator.alltoallInit(send, sendCount: sendCount, sendType: sendType, receive, receiveCount: receiveCount, receiveType: receiveType))
    }
}

@_cdecl("MPI_Alltoall")
public func mpiAlltoall(_ send: UnsafeRawPointer?, _ sendCount: Int32, _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?,
                        _ receiveCount: Int32, _ receiveType: MPI_Datatype?, _ comm: MPI_Comm?) -> Int32 {
    alltoall("MPI_Alltoall", .blocking, send, sendCount, sendType, receive, receiveCount, receiveType, comm)
}

@_cdecl("MPI_Alltoall_c")
public func mpiAlltoallC(_ send: UnsafeRawPointer?, _ sendCount: MPI_Count, _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?,
                         _ receiveCount: MPI_Count, _ receiveType: MPI_Datatype?, _ comm: MPI_Comm?) -> Int32 {
    alltoall("MPI_Alltoall_c", .blocking, send, sendCount, sendType, receive, receiveCount, receiveType, comm)
}

@_cdecl("MPI_Ialltoall")
public func mpiIalltoall(_ send: UnsafeRawPointer?, _ sendCount: Int32, _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?,
                         _ receiveCount: Int32, _ receiveType: MPI_Datatype?, _ comm: MPI_Comm?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    alltoall("MPI_Ialltoall", .immediate(request), send, sendCount, sendType, receive, receiveCount, receiveType, comm)
}

@_cdecl("MPI_Ialltoall_c")
public func mpiIalltoallC(_ send: UnsafeRawPointer?, _ sendCount: MPI_Count, _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?,
                          _ receiveCount: MPI_Count, _ receiveType: MPI_Datatype?, _ comm: MPI_Comm?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    alltoall("MPI_Ialltoall_c", .immediate(request), send, sendCount, sendType, receive, receiveCount, receiveType, comm)
}

@_cdecl("MPI_Alltoall_init")
public func mpiAlltoallInit(_ send: UnsafeRawPointer?, _ sendCount: Int32, _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?,
                            _ receiveCount: Int32, _ receiveType: MPI_Datatype?, _ comm: MPI_Comm?, _ info: MPI_Info?,
                            _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    alltoall("MPI_Alltoall_init", .persistent(request), send, sendCount, sendType, receive, receiveCount, receiveType, comm)
}

@_cdecl("MPI_Alltoall_init_c")
public func mpiAlltoallInitC(_ send: UnsafeRawPointer?, _ sendCount: MPI_Count, _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?,
                             _ receiveCount: MPI_Count, _ receiveType: MPI_Datatype?, _ comm: MPI_Comm?, _ info: MPI_Info?,
                             _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    alltoall("MPI_Alltoall_init_c", .persistent(request), send, sendCount, sendType, receive, receiveCount, receiveType, comm)
}

private func alltoallv<Count: BinaryInteger, Displacement: BinaryInteger>(
    _ function: StaticString, _ form: CollectiveForm, _ send: UnsafeRawPointer?, _ sendCounts: UnsafePointer<Count>?,
    _ sendDisplacements: UnsafePointer<Displacement>?, _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?,
    _ receiveCounts: UnsafePointer<Count>?, _ receiveDisplacements: UnsafePointer<Displacement>?, _ receiveType: MPI_Datatype?,
    _ comm: MPI_Comm?) -> Int32 {
    collective(function, form, on: comm) { (communicator) throws(MPIError) in
        let inPlace = isInPlace(send), n = communicator.size, send = sendBuffer(send)
        let sendCounts = inPlace ? [] : try integerArray(sendCounts, n), sendDisplacements = inPlace ? [] : try integerArray(sendDisplacements, n)
        let receiveCounts = try integerArray(receiveCounts, n), receiveDisplacements = try integerArray(receiveDisplacements, n)
        let sendType = try optionalType(sendType, used: !inPlace), receiveType = try Handles.datatype(receiveType)
        return try form.run(communicator.alltoallv(send, sendCounts: sendCounts, sendDisplacements: sendDisplacements, sendType: sendType,
                                                   receive, receiveCounts: receiveCounts, receiveDisplacements: receiveDisplacements, receiveType: receiveType),
                            communicator.ialltoallv(send, sendCounts: sendCounts, sendDisplacements: sendDisplacements, sendType: sendType,
                                                    receive, receiveCounts: receiveCounts, receiveDisplacements: receiveDisplacements, receiveType: receiveType),
                            communicator.alltoallvInit(send, sendCounts: sendCounts, sendDisplacements: sendDisplacements, sendType: sendType,
                                                       receive, receiveCounts: receiveCounts, receiveDisplacements: receiveDisplacements, receiveType: receiveType))
    }
}

@_cdecl("MPI_Alltoallv")
public func mpiAlltoallv(_ send: UnsafeRawPointer?, _ sendCounts: UnsafePointer<Int32>?, _ sendDisplacements: UnsafePointer<Int32>?, _ sendType: MPI_Datatype?,
                         _ receive: UnsafeMutableRawPointer?, _ receiveCounts: UnsafePointer<Int32>?, _ receiveDisplacements: UnsafePointer<Int32>?,
                         _ receiveType: MPI_Datatype?, _ comm: MPI_Comm?) -> Int32 {
    alltoallv("MPI_Alltoallv", .blocking, send, sendCounts, sendDisplacements, sendType, receive, receiveCounts, receiveDisplacements, receiveType, comm)
}

@_cdecl("MPI_Alltoallv_c")
public func mpiAlltoallvC(_ send: UnsafeRawPointer?, _ sendCounts: UnsafePointer<MPI_Count>?, _ sendDisplacements: UnsafePointer<MPI_Aint>?,
                          _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?, _ receiveCounts: UnsafePointer<MPI_Count>?,
                          _ receiveDisplacements: UnsafePointer<MPI_Aint>?, _ receiveType: MPI_Datatype?, _ comm: MPI_Comm?) -> Int32 {
    alltoallv("MPI_Alltoallv_c", .blocking, send, sendCounts, sendDisplacements, sendType, receive, receiveCounts, receiveDisplacements, receiveType, comm)
}

@_cdecl("MPI_Ialltoallv")
public func mpiIalltoallv(_ send: UnsafeRawPointer?, _ sendCounts: UnsafePointer<Int32>?, _ sendDisplacements: UnsafePointer<Int32>?, _ sendType: MPI_Datatype?,
                          _ receive: UnsafeMutableRawPointer?, _ receiveCounts: UnsafePointer<Int32>?, _ receiveDisplacements: UnsafePointer<Int32>?,
                          _ receiveType: MPI_Datatype?, _ comm: MPI_Comm?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    alltoallv("MPI_Ialltoallv", .immediate(request), send, sendCounts, sendDisplacements, sendType, receive, receiveCounts, receiveDisplacements,
              receiveType, comm)
}

@_cdecl("MPI_Ialltoallv_c")
public func mpiIalltoallvC(_ send: UnsafeRawPointer?, _ sendCounts: UnsafePointer<MPI_Count>?, _ sendDisplacements: UnsafePointer<MPI_Aint>?,
                           _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?, _ receiveCounts: UnsafePointer<MPI_Count>?,
                           _ receiveDisplacements: UnsafePointer<MPI_Aint>?, _ receiveType: MPI_Datatype?, _ comm: MPI_Comm?,
                           _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    alltoallv("MPI_Ialltoallv_c", .immediate(request), send, sendCounts, sendDisplacements, sendType, receive, receiveCounts, receiveDisplacements,
              receiveType, comm)
}

@_cdecl("MPI_Alltoallv_init")
public func mpiAlltoallvInit(_ send: UnsafeRawPointer?, _ sendCounts: UnsafePointer<Int32>?, _ sendDisplacements: UnsafePointer<Int32>?,
                             _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?, _ receiveCounts: UnsafePointer<Int32>?,
                             _ receiveDisplacements: UnsafePointer<Int32>?, _ receiveType: MPI_Datatype?, _ comm: MPI_Comm?, _ info: MPI_Info?,
                             _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    alltoallv("MPI_Alltoallv_init", .persistent(request), send, sendCounts, sendDisplacements, sendType, receive, receiveCounts, receiveDisplacements,
              receiveType, comm)
}

@_cdecl("MPI_Alltoallv_init_c")
public func mpiAlltoallvInitC(_ send: UnsafeRawPointer?, _ sendCounts: UnsafePointer<MPI_Count>?, _ sendDisplacements: UnsafePointer<MPI_Aint>?,
                              _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?, _ receiveCounts: UnsafePointer<MPI_Count>?,
                              _ receiveDisplacements: UnsafePointer<MPI_Aint>?, _ receiveType: MPI_Datatype?, _ comm: MPI_Comm?, _ info: MPI_Info?,
                              _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    alltoallv("MPI_Alltoallv_init_c", .persistent(request), send, sendCounts, sendDisplacements, sendType, receive, receiveCounts, receiveDisplacements,
              receiveType, comm)
}

/// Displacements in bytes, a datatype per rank.
private func alltoallw<Count: BinaryInteger, Displacement: BinaryInteger>(
    _ function: StaticString, _ form: CollectiveForm, _ send: UnsafeRawPointer?, _ sendCounts: UnsafePointer<Count>?,
    _ sendDisplacements: UnsafePointer<Displacement>?, _ sendTypes: UnsafePointer<MPI_Datatype?>?, _ receive: UnsafeMutableRawPointer?,
    _ receiveCounts: UnsafePointer<Count>?, _ receiveDisplacements: UnsafePointer<Displacement>?, _ receiveTypes: UnsafePointer<MPI_Datatype?>?,
    _ comm: MPI_Comm?) -> Int32 {
    collective(function, form, on: comm) { (communicator) throws(MPIError) in
        let inPlace = isInPlace(send), n = communicator.size, send = sendBuffer(send)
        let sendCounts = inPlace ? [] : try integerArray(sendCounts, n), sendDisplacements = inPlace ? [] : try integerArray(sendDisplacements, n)
        let sendTypes = inPlace ? [] : try datatypeArray(sendTypes, n)
        let receiveCounts = try integerArray(receiveCounts, n), receiveDisplacements = try integerArray(receiveDisplacements, n)
        let receiveTypes = try datatypeArray(receiveTypes, n)
        return try form.run(communicator.alltoallw(send, sendCounts: sendCounts, sendDisplacements: sendDisplacements, sendTypes: sendTypes,
                                                   receive, receiveCounts: receiveCounts, receiveDisplacements: receiveDisplacements, receiveTypes: receiveTypes),
                            communicator.ialltoallw(send, sendCounts: sendCounts, sendDisplacements: sendDisplacements, sendTypes: sendTypes,
                                                    receive, receiveCounts: receiveCounts, receiveDisplacements: receiveDisplacements, receiveTypes: receiveTypes),
                            communicator.alltoallwInit(send, sendCounts: sendCounts, sendDisplacements: sendDisplacements, sendTypes: sendTypes,
                                                       receive, receiveCounts: receiveCounts, receiveDisplacements: receiveDisplacements, receiveTypes: receiveTypes))
    }
}

@_cdecl("MPI_Alltoallw")
public func mpiAlltoallw(_ send: UnsafeRawPointer?, _ sendCounts: UnsafePointer<Int32>?, _ sendDisplacements: UnsafePointer<Int32>?,
                         _ sendTypes: UnsafePointer<MPI_Datatype?>?, _ receive: UnsafeMutableRawPointer?, _ receiveCounts: UnsafePointer<Int32>?,
                         _ receiveDisplacements: UnsafePointer<Int32>?, _ receiveTypes: UnsafePointer<MPI_Datatype?>?, _ comm: MPI_Comm?) -> Int32 {
    alltoallw("MPI_Alltoallw", .blocking, send, sendCounts, sendDisplacements, sendTypes, receive, receiveCounts, receiveDisplacements, receiveTypes, comm)
}

@_cdecl("MPI_Alltoallw_c")
public func mpiAlltoallwC(_ send: UnsafeRawPointer?, _ sendCounts: UnsafePointer<MPI_Count>?, _ sendDisplacements: UnsafePointer<MPI_Aint>?,
                          _ sendTypes: UnsafePointer<MPI_Datatype?>?, _ receive: UnsafeMutableRawPointer?, _ receiveCounts: UnsafePointer<MPI_Count>?,
                          _ receiveDisplacements: UnsafePointer<MPI_Aint>?, _ receiveTypes: UnsafePointer<MPI_Datatype?>?, _ comm: MPI_Comm?) -> Int32 {
    alltoallw("MPI_Alltoallw_c", .blocking, send, sendCounts, sendDisplacements, sendTypes, receive, receiveCounts, receiveDisplacements, receiveTypes, comm)
}

@_cdecl("MPI_Ialltoallw")
public func mpiIalltoallw(_ send: UnsafeRawPointer?, _ sendCounts: UnsafePointer<Int32>?, _ sendDisplacements: UnsafePointer<Int32>?,
                          _ sendTypes: UnsafePointer<MPI_Datatype?>?, _ receive: UnsafeMutableRawPointer?, _ receiveCounts: UnsafePointer<Int32>?,
                          _ receiveDisplacements: UnsafePointer<Int32>?, _ receiveTypes: UnsafePointer<MPI_Datatype?>?, _ comm: MPI_Comm?,
                          _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    alltoallw("MPI_Ialltoallw", .immediate(request), send, sendCounts, sendDisplacements, sendTypes, receive, receiveCounts, receiveDisplacements,
              receiveTypes, comm)
}

@_cdecl("MPI_Ialltoallw_c")
public func mpiIalltoallwC(_ send: UnsafeRawPointer?, _ sendCounts: UnsafePointer<MPI_Count>?, _ sendDisplacements: UnsafePointer<MPI_Aint>?,
                           _ sendTypes: UnsafePointer<MPI_Datatype?>?, _ receive: UnsafeMutableRawPointer?, _ receiveCounts: UnsafePointer<MPI_Count>?,
                           _ receiveDisplacements: UnsafePointer<MPI_Aint>?, _ receiveTypes: UnsafePointer<MPI_Datatype?>?, _ comm: MPI_Comm?,
                           _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    alltoallw("MPI_Ialltoallw_c", .immediate(request), send, sendCounts, sendDisplacements, sendTypes, receive, receiveCounts, receiveDisplacements,
              receiveTypes, comm)
}

@_cdecl("MPI_Alltoallw_init")
public func mpiAlltoallwInit(_ send: UnsafeRawPointer?, _ sendCounts: UnsafePointer<Int32>?, _ sendDisplacements: UnsafePointer<Int32>?,
                             _ sendTypes: UnsafePointer<MPI_Datatype?>?, _ receive: UnsafeMutableRawPointer?, _ receiveCounts: UnsafePointer<Int32>?,
                             _ receiveDisplacements: UnsafePointer<Int32>?, _ receiveTypes: UnsafePointer<MPI_Datatype?>?, _ comm: MPI_Comm?,
                             _ info: MPI_Info?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    alltoallw("MPI_Alltoallw_init", .persistent(request), send, sendCounts, sendDisplacements, sendTypes, receive, receiveCounts, receiveDisplacements,
              receiveTypes, comm)
}

@_cdecl("MPI_Alltoallw_init_c")
public func mpiAlltoallwInitC(_ send: UnsafeRawPointer?, _ sendCounts: UnsafePointer<MPI_Count>?, _ sendDisplacements: UnsafePointer<MPI_Aint>?,
                              _ sendTypes: UnsafePointer<MPI_Datatype?>?, _ receive: UnsafeMutableRawPointer?, _ receiveCounts: UnsafePointer<MPI_Count>?,
                              _ receiveDisplacements: UnsafePointer<MPI_Aint>?, _ receiveTypes: UnsafePointer<MPI_Datatype?>?, _ comm: MPI_Comm?,
                              _ info: MPI_Info?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    alltoallw("MPI_Alltoallw_init_c", .persistent(request), send, sendCounts, sendDisplacements, sendTypes, receive, receiveCounts, receiveDisplacements,
              receiveTypes, comm)
}
