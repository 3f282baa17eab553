import BrazosMPI
import CMPI

// Allgather and Allgatherv (`MPI_IN_PLACE` accepted), blocking, immediate, persistent, `_c`.

private func allgather<Count: BinaryInteger>(_ function: StaticString, _ form: CollectiveForm, _ send: UnsafeRawPointer?, _ sendCount: Count,
                                             _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?, _ receiveCount: Count,
                                             _ receiveType: MPI_Datatype?, _ comm: MPI_Comm?) -> Int32 {
    collective(function, form, on: comm) { (communicator) throws(MPIError) in
        let inPlace = isInPlace(send), sendCount = try elementCount(sendCount), receiveCount = try elementCount(receiveCount), send = sendBuffer(send)
        let sendType = try optionalType(sendType, used: !inPlace), receiveType = try Handles.datatype(receiveType)
        return try form.run(communicator.allgather(send, sendCount: sendCount, sendType: sendType, receive, receiveCount: receiveCount, receiveType: receiveType),
                            communicator.iallgather(send, sendCount: sendCount, sendType: sendType, receive, receiveCount: receiveCount, receiveType: receiveType),
                            communicator.allgatherInit(send, sendCount: sendCount, sendType: sendType, receive, receiveCount: receiveCount, receiveType: receiveType))
    }
}

@_cdecl("MPI_Allgather")
public func mpiAllgather(_ send: UnsafeRawPointer?, _ sendCount: Int32, _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?,
                         _ receiveCount: Int32, _ receiveType: MPI_Datatype?, _ comm: MPI_Comm?) -> Int32 {
    allgather("MPI_Allgather", .blocking, send, sendCount, sendType, receive, receiveCount, receiveType, comm)
}

@_cdecl("MPI_Allgather_c")
public func mpiAllgatherC(_ send: UnsafeRawPointer?, _ sendCount: MPI_Count, _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?,
                          _ receiveCount: MPI_Count, _ receiveType: MPI_Datatype?, _ comm: MPI_Comm?) -> Int32 {
    allgather("MPI_Allgather_c", .blocking, send, sendCount, sendType, receive, receiveCount, receiveType, comm)
}

@_cdecl("MPI_Iallgather")
public func mpiIallgather(_ send: UnsafeRawPointer?, _ sendCount: Int32, _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?,
                          _ receiveCount: Int32, _ receiveType: MPI_Datatype?, _ comm: MPI_Comm?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    allgather("MPI_Iallgather", .immediate(request), send, sendCount, sendType, receive, receiveCount, receiveType, comm)
}

@_cdecl("MPI_Iallgather_c")
public func mpiIallgatherC(_ send: UnsafeRawPointer?, _ sendCount: MPI_Count, _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?,
                           _ receiveCount: MPI_Count, _ receiveType: MPI_Datatype?, _ comm: MPI_Comm?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    allgather("MPI_Iallgather_c", .immediate(request), send, sendCount, sendType, receive, receiveCount, receiveType, comm)
}

@_cdecl("MPI_Allgather_init")
public func mpiAllgatherInit(_ send: UnsafeRawPointer?, _ sendCount: Int32, _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?,
                             _ receiveCount: Int32, _ receiveType: MPI_Datatype?, _ comm: MPI_Comm?, _ info: MPI_Info?,
                             _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    allgather("MPI_Allgather_init", .persistent(request), send, sendCount, sendType, receive, receiveCount, receiveType, comm)
}

@_cdecl("MPI_Allgather_init_c")
public func mpiAllgatherInitC(_ send: UnsafeRawPointer?, _ sendCount: MPI_Count, _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?,
                              _ receiveCount: MPI_Count, _ receiveType: MPI_Datatype?, _ comm: MPI_Comm?, _ info: MPI_Info?,
                              _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    allgather("MPI_Allgather_init_c", .persistent(request), send, sendCount, sendType, receive, receiveCount, receiveType, comm)
}

private func allgatherv<Count: BinaryInteger, Displacement: BinaryInteger>(
    _ function: StaticString, _ form: CollectiveForm, _ send: UnsafeRawPointer?, _ sendCount: Count, _ sendType: MPI_Datatype?,
    _ receive: UnsafeMutableRawPointer?, _ receiveCounts: UnsafePointer<Count>?, _ displacements: UnsafePointer<Displacement>?,
    _ receiveType: MPI_Datatype?, _ comm: MPI_Comm?) -> Int32 {
    collective(function, form, on: comm) { (communicator) throws(MPIError) in
        let inPlace = isInPlace(send), sendCount = try elementCount(sendCount), send = sendBuffer(send)
        let counts = try integerArray(receiveCounts, communicator.size), displacements = try integerArray(displacements, communicator.size)
        let sendType = try optionalType(sendType, used: !inPlace), receiveType = try Handles.datatype(receiveType)
        return try form.run(communicator.allgatherv(send, sendCount: sendCount, sendType: sendType, receive, receiveCounts: counts,
                                                    displacements: displacements, receiveType: receiveType),
                            communicator.iallgatherv(send, sendCount: sendCount, sendType: sendType, receive, receiveCounts: counts,
                                                     displacements: displacements, receiveType: receiveType),
                            communicator.allgathervInit(send, sendCount: sendCount, sendType: sendType, receive, receiveCounts: counts,
                                                        displacements: displacements, receiveType: receiveType))
    }
}

@_cdecl("MPI_Allgatherv")
public func mpiAllgatherv(_ send: UnsafeRawPointer?, _ sendCount: Int32, _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?,
                          _ receiveCounts: UnsafePointer<Int32>?, _ displacements: UnsafePointer<Int32>?, _ receiveType: MPI_Datatype?, _ comm: MPI_Comm?) -> Int32 {
    allgatherv("MPI_Allgatherv", .blocking, send, sendCount, sendType, receive, receiveCounts, displacements, receiveType, comm)
}

@_cdecl("MPI_Allgatherv_c")
public func mpiAllgathervC(_ send: UnsafeRawPointer?, _ sendCount: MPI_Count, _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?,
                           _ receiveCounts: UnsafePointer<MPI_Count>?, _ displacements: UnsafePointer<MPI_Aint>?, _ receiveType: MPI_Datatype?,
                           _ comm: MPI_Comm?) -> Int32 {
    allgatherv("MPI_Allgatherv_c", .blocking, send, sendCount, sendType, receive, receiveCounts, displacements, receiveType, comm)
}

@_cdecl("MPI_Iallgatherv")
public func mpiIallgatherv(_ send: UnsafeRawPointer?, _ sendCount: Int32, _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?,
                           _ receiveCounts: UnsafePointer<Int32>?, _ displacements: UnsafePointer<Int32>?, _ receiveType: MPI_Datatype?, _ comm: MPI_Comm?,
                           _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    allgatherv("MPI_Iallgatherv", .immediate(request), send, sendCount, sendType, receive, receiveCounts, displacements, receiveType, comm)
}

@_cdecl("MPI_Iallgatherv_c")
public func mpiIallgathervC(_ send: UnsafeRawPointer?, _ sendCount: MPI_Count, _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?,
                            _ receiveCounts: UnsafePointer<MPI_Count>?, _ displacements: UnsafePointer<MPI_Aint>?, _ receiveType: MPI_Datatype?,
                            _ comm: MPI_Comm?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    allgatherv("MPI_Iallgatherv_c", .immediate(request), send, sendCount, sendType, receive, receiveCounts, displacements, receiveType, comm)
}

@_cdecl("MPI_Allgatherv_init")
public func mpiAllgathervInit(_ send: UnsafeRawPointer?, _ sendCount: Int32, _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?,
                              _ receiveCounts: UnsafePointer<Int32>?, _ displacements: UnsafePointer<Int32>?, _ receiveType: MPI_Datatype?, _ comm: MPI_Comm?,
                              _ info: MPI_Info?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    allgatherv("MPI_Allgatherv_init", .persistent(request), send, sendCount, sendType, receive, receiveCounts, displacements, receiveType, comm)
}

@_cdecl("MPI_Allgatherv_init_c")
public func mpiAllgathervInitC(_ send: UnsafeRawPointer?, _ sendCount: MPI_Count, _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?,
                               _ receiveCounts: UnsafePointer<MPI_Count>?, _ displacements: UnsafePointer<MPI_Aint>?, _ receiveType: MPI_Datatype?,
                               _ comm: MPI_Comm?, _ info: MPI_Info?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    allgatherv("MPI_Allgatherv_init_c", .persistent(request), send, sendCount, sendType, receive, receiveCounts, displacements, receiveType, comm)
}
