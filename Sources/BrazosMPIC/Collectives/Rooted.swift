import BrazosMPI
import CMPI

// The rooted collectives: Bcast, Reduce, Gather(v), Scatter(v), in their blocking,
// immediate and persistent forms, each also with `MPI_Count` counts (`_c`).

// MARK: Bcast

private func bcast<Count: BinaryInteger>(_ function: StaticString, _ form: CollectiveForm, _ buffer: UnsafeMutableRawPointer?, _ count: Count,
                                         _ datatype: MPI_Datatype?, _ root: Int32, _ comm: MPI_Comm?) -> Int32 {
    collective(function, form, on: comm) { (communicator) throws(MPIError) in
        let count = try elementCount(count), datatype = try Handles.datatype(datatype), root = Int(root)
        return try form.run(communicator.bcast(buffer, count: count, datatype: datatype, root: root),
                            communicator.ibcast(buffer, count: count, datatype: datatype, root: root),
                            communicator.bcastInit(buffer, count: count, datatype: datatype, root: root))
    }
}

@_cdecl("MPI_Bcast")
public func mpiBcast(_ buffer: UnsafeMutableRawPointer?, _ count: Int32, _ datatype: MPI_Datatype?, _ root: Int32, _ comm: MPI_Comm?) -> Int32 {
    bcast("MPI_Bcast", .blocking, buffer, count, datatype, root, comm)
}

@_cdecl("MPI_Bcast_c")
public func mpiBcastC(_ buffer: UnsafeMutableRawPointer?, _ count: MPI_Count, _ datatype: MPI_Datatype?, _ root: Int32, _ comm: MPI_Comm?) -> Int32 {
    bcast("MPI_Bcast_c", .blocking, buffer, count, datatype, root, comm)
}

@_cdecl("MPI_Ibcast")
public func mpiIbcast(_ buffer: UnsafeMutableRawPointer?, _ count: Int32, _ datatype: MPI_Datatype?, _ root: Int32, _ comm: MPI_Comm?,
                      _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    bcast("MPI_Ibcast", .immediate(request), buffer, count, datatype, root, comm)
}

@_cdecl("MPI_Ibcast_c")
public func mpiIbcastC(_ buffer: UnsafeMutableRawPointer?, _ count: MPI_Count, _ datatype: MPI_Datatype?, _ root: Int32, _ comm: MPI_Comm?,
                       _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    bcast("MPI_Ibcast_c", .immediate(request), buffer, count, datatype, root, comm)
}

@_cdecl("MPI_Bcast_init")
public func mpiBcastInit(_ buffer: UnsafeMutableRawPointer?, _ count: Int32, _ datatype: MPI_Datatype?, _ root: Int32, _ comm: MPI_Comm?,
                         _ info: MPI_Info?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    bcast("MPI_Bcast_init", .persistent(request), buffer, count, datatype, root, comm)
}

@_cdecl("MPI_Bcast_init_c")
public func mpiBcastInitC(_ buffer: UnsafeMutableRawPointer?, _ count: MPI_Count, _ datatype: MPI_Datatype?, _ root: Int32, _ comm: MPI_Comm?,
                          _ info: MPI_Info?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    bcast("MPI_Bcast_init_c", .persistent(request), buffer, count, datatype, root, comm)
}

// MARK: Reduce (`MPI_IN_PLACE` at the root)

private func reduce<Count: BinaryInteger>(_ function: StaticString, _ form: CollectiveForm, _ send: UnsafeRawPointer?, _ receive: UnsafeMutableRawPointer?,
                                          _ count: Count, _ datatype: MPI_Datatype?, _ op: MPI_Op?, _ root: Int32, _ comm: MPI_Comm?) -> Int32 {
    collective(function, form, on: comm) { (communicator) throws(MPIError) in
        let count = try elementCount(count), datatype = try Handles.datatype(datatype), op = try Handles.op(op), root = Int(root), send = sendBuffer(send)
        return try form.run(communicator.reduce(send, receive, count: count, datatype: datatype, op: op, root: root),
                            communicator.ireduce(send, receive, count: count, datatype: datatype, op: op, root: root),
                            communicator.reduceInit(send, receive, count: count, datatype: datatype, op: op, root: root))
    }
}

@_cdecl("MPI_Reduce")
public func mpiReduce(_ send: UnsafeRawPointer?, _ receive: UnsafeMutableRawPointer?, _ count: Int32, _ datatype: MPI_Datatype?, _ op: MPI_Op?,
                      _ root: Int32, _ comm: MPI_Comm?) -> Int32 {
    reduce("MPI_Reduce", .blocking, send, receive, count, datatype, op, root, comm)
}

@_cdecl("MPI_Reduce_c")
public func mpiReduceC(_ send: UnsafeRawPointer?, _ receive: UnsafeMutableRawPointer?, _ count: MPI_Count, _ datatype: MPI_Datatype?, _ op: MPI_Op?,
                       _ root: Int32, _ comm: MPI_Comm?) -> Int32 {
    reduce("MPI_Reduce_c", .blocking, send, receive, count, datatype, op, root, comm)
}

@_cdecl("MPI_Ireduce")
public func mpiIreduce(_ send: UnsafeRawPointer?, _ receive: UnsafeMutableRawPointer?, _ count: Int32, _ datatype: MPI_Datatype?, _ op: MPI_Op?,
                       _ root: Int32, _ comm: MPI_Comm?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    reduce("MPI_Ireduce", .immediate(request), send, receive, count, datatype, op, root, comm)
}

@_cdecl("MPI_Ireduce_c")
public func mpiIreduceC(_ send: UnsafeRawPointer?, _ receive: UnsafeMutableRawPointer?, _ count: MPI_Count, _ datatype: MPI_Datatype?, _ op: MPI_Op?,
                        _ root: Int32, _ comm: MPI_Comm?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    reduce("MPI_Ireduce_c", .immediate(request), send, receive, count, datatype, op, root, comm)
}

@_cdecl("MPI_Reduce_init")
public func mpiReduceInit(_ send: UnsafeRawPointer?, _ receive: UnsafeMutableRawPointer?, _ count: Int32, _ datatype: MPI_Datatype?, _ op: MPI_Op?,
                          _ root: Int32, _ comm: MPI_Comm?, _ info: MPI_Info?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    reduce("MPI_Reduce_init", .persistent(request), send, receive, count, datatype, op, root, comm)
}

@_cdecl("MPI_Reduce_init_c")
public func mpiReduceInitC(_ send: UnsafeRawPointer?, _ receive: UnsafeMutableRawPointer?, _ count: MPI_Count, _ datatype: MPI_Datatype?, _ op: MPI_Op?,
                           _ root: Int32, _ comm: MPI_Comm?, _ info: MPI_Info?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    reduce("MPI_Reduce_init_c", .persistent(request), send, receive, count, datatype, op, root, comm)
}

// MARK: Gather (`MPI_IN_PLACE` at the root; the receive arguments matter only there)

private func gather<Count: BinaryInteger>(_ function: StaticString, _ form: CollectiveForm, _ send: UnsafeRawPointer?, _ sendCount: Count, _ sendType: MPI_Datatype?,
                                          _ receive: UnsafeMutableRawPointer?, _ receiveCount: Count, _ receiveType: MPI_Datatype?, _ root: Int32,
                                          _ comm: MPI_Comm?) -> Int32 {
    collective(function, form, on: comm) { (communicator) throws(MPIError) in
        let inPlace = isInPlace(send), root = Int(root), role = try communicator.role(inRootedCollective: root), isRoot = role == .root, send = sendBuffer(send)
        let sendCount = try elementCount(sendCount), receiveCount = try elementCount(receiveCount)
        let sendType = try optionalType(sendType, used: role.isMember || (isRoot && !communicator.isIntercommunicator && !inPlace))
        let receiveType = try optionalType(receiveType, used: isRoot)
        return try form.run(communicator.gather(send, sendCount: sendCount, sendType: sendType, receive, receiveCount: receiveCount, receiveType: receiveType, root: root),
                            communicator.igather(send, sendCount: sendCount, sendType: sendType, receive, receiveCount: receiveCount, receiveType: receiveType, root: root),
                            communicator.gatherInit(send, sendCount: sendCount, sendType: sendType, receive, receiveCount: receiveCount, receiveType: receiveType, root: root))
    }
}

@_cdecl("MPI_Gather")
public func mpiGather(_ send: UnsafeRawPointer?, _ sendCount: Int32, _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?,
                      _ receiveCount: Int32, _ receiveType: MPI_Datatype?, _ root: Int32, _ comm: MPI_Comm?) -> Int32 {
    gather("MPI_Gather", .blocking, send, sendCount, sendType, receive, receiveCount, receiveType, root, comm)
}

@_cdecl("MPI_Gather_c")
public func mpiGatherC(_ send: UnsafeRawPointer?, _ sendCount: MPI_Count, _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?,
                       _ receiveCount: MPI_Count, _ receiveType: MPI_Datatype?, _ root: Int32, _ comm: MPI_Comm?) -> Int32 {
    gather("MPI_Gather_c", .blocking, send, sendCount, sendType, receive, receiveCount, receiveType, root, comm)
}

@_cdecl("MPI_Igather")
public func mpiIgather(_ send: UnsafeRawPointer?, _ sendCount: Int32, _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?,
                       _ receiveCount: Int32, _ receiveType: MPI_Datatype?, _ root: Int32, _ comm: MPI_Comm?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    gather("MPI_Igather", .immediate(request), send, sendCount, sendType, receive, receiveCount, receiveType, root, comm)
}

@_cdecl("MPI_Igather_c")
public func mpiIgatherC(_ send: UnsafeRawPointer?, _ sendCount: MPI_Count, _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?,
                        _ receiveCount: MPI_Count, _ receiveType: MPI_Datatype?, _ root: Int32, _ comm: MPI_Comm?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    gather("MPI_Igather_c", .immediate(request), send, sendCount, sendType, receive, receiveCount, receiveType, root, comm)
}

@_cdecl("MPI_Gather_init")
public func mpiGatherInit(_ send: UnsafeRawPointer?, _ sendCount: Int32, _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?,
                          _ receiveCount: Int32, _ receiveType: MPI_Datatype?, _ root: Int32, _ comm: MPI_Comm?, _ info: MPI_Info?,
                          _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    gather("MPI_Gather_init", .persistent(request), send, sendCount, sendType, receive, receiveCount, receiveType, root, comm)
}

@_cdecl("MPI_Gather_init_c")
public func mpiGatherInitC(_ send: UnsafeRawPointer?, _ sendCount: MPI_Count, _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?,
                           _ receiveCount: MPI_Count, _ receiveType: MPI_Datatype?, _ root: Int32, _ comm: MPI_Comm?, _ info: MPI_Info?,
                           _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    gather("MPI_Gather_init_c", .persistent(request), send, sendCount, sendType, receive, receiveCount, receiveType, root, comm)
}

// MARK: Gatherv (counts and displacements are read only at the root)

private func gatherv<Count: BinaryInteger, Displacement: BinaryInteger>(
    _ function: StaticString, _ form: CollectiveForm, _ send: UnsafeRawPointer?, _ sendCount: Count, _ sendType: MPI_Datatype?,
    _ receive: UnsafeMutableRawPointer?, _ receiveCounts: UnsafePointer<Count>?, _ displacements: UnsafePointer<Displacement>?,
    _ receiveType: MPI_Datatype?, _ root: Int32, _ comm: MPI_Comm?) -> Int32 {
    collective(function, form, on: comm) { (communicator) throws(MPIError) in
        let inPlace = isInPlace(send), root = Int(root), role = try communicator.role(inRootedCollective: root), isRoot = role == .root, send = sendBuffer(send)
        let ranks = isRoot ? communicator.size : 0
        let sendCount = try elementCount(sendCount), counts = try integerArray(receiveCounts, ranks), displacements = try integerArray(displacements, ranks)
        let sendType = try optionalType(sendType, used: role.isMember || (isRoot && !communicator.isIntercommunicator && !inPlace))
        let receiveType = try optionalType(receiveType, used: isRoot)
        return try form.run(communicator.gatherv(send, sendCount: sendCount, sendType: sendType, receive, receiveCounts: counts, displacements: displacements,
                                                 receiveType: receiveType, root: root),
                            communicator.igatherv(send, sendCount: sendCount, sendType: sendType, receive, receiveCounts: counts, displacements: displacements,
                                                  receiveType: receiveType, root: root),
                            communicator.gathervInit(send, sendCount: sendCount, sendType: sendType, receive, receiveCounts: counts, displacements: displacements,
                                                     receiveType: receiveType, root: root))
    }
}

@_cdecl("MPI_Gatherv")
public func mpiGatherv(_ send: UnsafeRawPointer?, _ sendCount: Int32, _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?,
                       _ receiveCounts: UnsafePointer<Int32>?, _ displacements: UnsafePointer<Int32>?, _ receiveType: MPI_Datatype?,
                       _ root: Int32, _ comm: MPI_Comm?) -> Int32 {
    gatherv("MPI_Gatherv", .blocking, send, sendCount, sendType, receive, receiveCounts, displacements, receiveType, root, comm)
}

@_cdecl("MPI_Gatherv_c")
public func mpiGathervC(_ send: UnsafeRawPointer?, _ sendCount: MPI_Count, _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?,
                        _ receiveCounts: UnsafePointer<MPI_Count>?, _ displacements: UnsafePointer<MPI_Aint>?, _ receiveType: MPI_Datatype?,
                        _ root: Int32, _ comm: MPI_Comm?) -> Int32 {
    gatherv("MPI_Gatherv_c", .blocking, send, sendCount, sendType, receive, receiveCounts, displacements, receiveType, root, comm)
}

@_cdecl("MPI_Igatherv")
public func mpiIgatherv(_ send: UnsafeRawPointer?, _ sendCount: Int32, _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?,
                        _ receiveCounts: UnsafePointer<Int32>?, _ displacements: UnsafePointer<Int32>?, _ receiveType: MPI_Datatype?,
                        _ root: Int32, _ comm: MPI_Comm?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    gatherv("MPI_Igatherv", .immediate(request), send, sendCount, sendType, receive, receiveCounts, displacements, receiveType, root, comm)
}

@_cdecl("MPI_Igatherv_c")
public func mpiIgathervC(_ send: UnsafeRawPointer?, _ sendCount: MPI_Count, _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?,
                         _ receiveCounts: UnsafePointer<MPI_Count>?, _ displacements: UnsafePointer<MPI_Aint>?, _ receiveType: MPI_Datatype?,
                         _ root: Int32, _ comm: MPI_Comm?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    gatherv("MPI_Igatherv_c", .immediate(request), send, sendCount, sendType, receive, receiveCounts, displacements, receiveType, root, comm)
}

@_cdecl("MPI_Gatherv_init")
public func mpiGathervInit(_ send: UnsafeRawPointer?, _ sendCount: Int32, _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?,
                           _ receiveCounts: UnsafePointer<Int32>?, _ displacements: UnsafePointer<Int32>?, _ receiveType: MPI_Datatype?,
                           _ root: Int32, _ comm: MPI_Comm?, _ info: MPI_Info?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    gatherv("MPI_Gatherv_init", .persistent(request), send, sendCount, sendType, receive, receiveCounts, displacements, receiveType, root, comm)
}

@_cdecl("MPI_Gatherv_init_c")
public func mpiGathervInitC(_ send: UnsafeRawPointer?, _ sendCount: MPI_Count, _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?,
                            _ receiveCounts: UnsafePointer<MPI_Count>?, _ displacements: UnsafePointer<MPI_Aint>?, _ receiveType: MPI_Datatype?,
                            _ root: Int32, _ comm: MPI_Comm?, _ info: MPI_Info?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    gatherv("MPI_Gatherv_init_c", .persistent(request), send, sendCount, sendType, receive, receiveCounts, displacements, receiveType, root, comm)
}

// MARK: Scatter (`MPI_IN_PLACE` at the root; the send arguments matter only there)

private func scatter<Count: BinaryInteger>(_ function: StaticString, _ form: CollectiveForm, _ send: UnsafeRawPointer?, _ sendCount: Count, _ sendType: MPI_Datatype?,
                                           _ receive: UnsafeMutableRawPointer?, _ receiveCount: Count, _ receiveType: MPI_Datatype?, _ root: Int32,
                                           _ comm: MPI_Comm?) -> Int32 {
    collective(function, form, on: comm) { (communicator) throws(MPIError) in
        let root = Int(root), role = try communicator.role(inRootedCollective: root), isRoot = role == .root, receiveBuffer = receiveBuffer(receive)
        let sendCount = try elementCount(sendCount), receiveCount = try elementCount(receiveCount)
        let sendType = try optionalType(sendType, used: isRoot)
        let receiveType = try optionalType(receiveType, used: role.isMember || (isRoot && !communicator.isIntercommunicator && !isInPlace(receive)))
        return try form.run(communicator.scatter(send, sendCount: sendCount, sendType: sendType, receiveBuffer, receiveCount: receiveCount,
                                                 receiveType: receiveType, root: root),
                            communicator.iscatter(send, sendCount: sendCount, sendType: sendType, receiveBuffer, receiveCount: receiveCount,
                                                  receiveType: receiveType, root: root),
                            communicator.scatterInit(send, sendCount: sendCount, sendType: sendType, receiveBuffer, receiveCount: receiveCount,
                                                     receiveType: receiveType, root: root))
    }
}

@_cdecl("MPI_Scatter")
public func mpiScatter(_ send: UnsafeRawPointer?, _ sendCount: Int32, _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?,
                       _ receiveCount: Int32, _ receiveType: MPI_Datatype?, _ root: Int32, _ comm: MPI_Comm?) -> Int32 {
    scatter("MPI_Scatter", .blocking, send, sendCount, sendType, receive, receiveCount, receiveType, root, comm)
}

@_cdecl("MPI_Scatter_c")
public func mpiScatterC(_ send: UnsafeRawPointer?, _ sendCount: MPI_Count, _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?,
                        _ receiveCount: MPI_Count, _ receiveType: MPI_Datatype?, _ root: Int32, _ comm: MPI_Comm?) -> Int32 {
    scatter("MPI_Scatter_c", .blocking, send, sendCount, sendType, receive, receiveCount, receiveType, root, comm)
}

@_cdecl("MPI_Iscatter")
public func mpiIscatter(_ send: UnsafeRawPointer?, _ sendCount: Int32, _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?,
                        _ receiveCount: Int32, _ receiveType: MPI_Datatype?, _ root: Int32, _ comm: MPI_Comm?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    scatter("MPI_Iscatter", .immediate(request), send, sendCount, sendType, receive, receiveCount, receiveType, root, comm)
}

@_cdecl("MPI_Iscatter_c")
public func mpiIscatterC(_ send: UnsafeRawPointer?, _ sendCount: MPI_Count, _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?,
                         _ receiveCount: MPI_Count, _ receiveType: MPI_Datatype?, _ root: Int32, _ comm: MPI_Comm?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    scatter("MPI_Iscatter_c", .immediate(request), send, sendCount, sendType, receive, receiveCount, receiveType, root, comm)
}

@_cdecl("MPI_Scatter_init")
public func mpiScatterInit(_ send: UnsafeRawPointer?, _ sendCount: Int32, _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?,
                           _ receiveCount: Int32, _ receiveType: MPI_Datatype?, _ root: Int32, _ comm: MPI_Comm?, _ info: MPI_Info?,
                           _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    scatter("MPI_Scatter_init", .persistent(request), send, sendCount, sendType, receive, receiveCount, receiveType, root, comm)
}

@_cdecl("MPI_Scatter_init_c")
public func mpiScatterInitC(_ send: UnsafeRawPointer?, _ sendCount: MPI_Count, _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?,
                            _ receiveCount: MPI_Count, _ receiveType: MPI_Datatype?, _ root: Int32, _ comm: MPI_Comm?, _ info: MPI_Info?,
                            _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    scatter("MPI_Scatter_init_c", .persistent(request), send, sendCount, sendType, receive, receiveCount, receiveType, root, comm)
}

// MARK: Scatterv (counts and displacements are read only at the root)

private func scatterv<Count: BinaryInteger, Displacement: BinaryInteger>(
    _ function: StaticString, _ form: CollectiveForm, _ send: UnsafeRawPointer?, _ sendCounts: UnsafePointer<Count>?,
    _ displacements: UnsafePointer<Displacement>?, _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?, _ receiveCount: Count,
    _ receiveType: MPI_Datatype?, _ root: Int32, _ comm: MPI_Comm?) -> Int32 {
    collective(function, form, on: comm) { (communicator) throws(MPIError) in
        let root = Int(root), role = try communicator.role(inRootedCollective: root), isRoot = role == .root, receiveBuffer = receiveBuffer(receive)
        let ranks = isRoot ? communicator.size : 0
        let counts = try integerArray(sendCounts, ranks), displacements = try integerArray(displacements, ranks), receiveCount = try elementCount(receiveCount)
        let sendType = try optionalType(sendType, used: isRoot)
        let receiveType = try optionalType(receiveType, used: role.isMember || (isRoot && !communicator.isIntercommunicator && !isInPlace(receive)))
        return try form.run(communicator.scatterv(send, sendCounts: counts, displacements: displacements, sendType: sendType, receiveBuffer,
                                                  receiveCount: receiveCount, receiveType: receiveType, root: root),
                            communicator.iscatterv(send, sendCounts: counts, displacements: displacements, sendType: sendType, receiveBuffer,
                                                   receiveCount: receiveCount, receiveType: receiveType, root: root),
                            communicator.scattervInit(send, sendCounts: counts, displacements: displacements, sendType: sendType, receiveBuffer,
                                                      receiveCount: receiveCount, receiveType: receiveType, root: root))
    }
}

@_cdecl("MPI_Scatterv")
public func mpiScatterv(_ send: UnsafeRawPointer?, _ sendCounts: UnsafePointer<Int32>?, _ displacements: UnsafePointer<Int32>?, _ sendType: MPI_Datatype?,
                        _ receive: UnsafeMutableRawPointer?, _ receiveCount: Int32, _ receiveType: MPI_Datatype?, _ root: Int32, _ comm: MPI_Comm?) -> Int32 {
    scatterv("MPI_Scatterv", .blocking, send, sendCounts, displacements, sendType, receive, receiveCount, receiveType, root, comm)
}

@_cdecl("MPI_Scatterv_c")
public func mpiScattervC(_ send: UnsafeRawPointer?, _ sendCounts: UnsafePointer<MPI_Count>?, _ displacements: UnsafePointer<MPI_Aint>?, _ sendType: MPI_Datatype?,
                         _ receive: UnsafeMutableRawPointer?, _ receiveCount: MPI_Count, _ receiveType: MPI_Datatype?, _ root: Int32, _ comm: MPI_Comm?) -> Int32 {
    scatterv("MPI_Scatterv_c", .blocking, send, sendCounts, displacements, sendType, receive, receiveCount, receiveType, root, comm)
}

@_cdecl("MPI_Iscatterv")
public func mpiIscatterv(_ send: UnsafeRawPointer?, _ sendCounts: UnsafePointer<Int32>?, _ displacements: UnsafePointer<Int32>?, _ sendType: MPI_Datatype?,
                         _ receive: UnsafeMutableRawPointer?, _ receiveCount: Int32, _ receiveType: MPI_Datatype?, _ root: Int32, _ comm: MPI_Comm?,
                         _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    scatterv("MPI_Iscatterv", .immediate(request), send, sendCounts, displacements, sendType, receive, receiveCount, receiveType, root, comm)
}

@_cdecl("MPI_Iscatterv_c")
public func mpiIscattervC(_ send: UnsafeRawPointer?, _ sendCounts: UnsafePointer<MPI_Count>?, _ displacements: UnsafePointer<MPI_Aint>?, _ sendType: MPI_Datatype?,
                          _ receive: UnsafeMutableRawPointer?, _ receiveCount: MPI_Count, _ receiveType: MPI_Datatype?, _ root: Int32, _ comm: MPI_Comm?,
                          _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    scatterv("MPI_Iscatterv_c", .immediate(request), send, sendCounts, displacements, sendType, receive, receiveCount, receiveType, root, comm)
}

@_cdecl("MPI_Scatterv_init")
public func mpiScattervInit(_ send: UnsafeRawPointer?, _ sendCounts: UnsafePointer<Int32>?, _ displacements: UnsafePointer<Int32>?, _ sendType: MPI_Datatype?,
                            _ receive: UnsafeMutableRawPointer?, _ receiveCount: Int32, _ receiveType: MPI_Datatype?, _ root: Int32, _ comm: MPI_Comm?,
                            _ info: MPI_Info?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    scatterv("MPI_Scatterv_init", .persistent(request), send, sendCounts, displacements, sendType, receive, receiveCount, receiveType, root, comm)
}

@_cdecl("MPI_Scatterv_init_c")
public func mpiScattervInitC(_ send: UnsafeRawPointer?, _ sendCounts: UnsafePointer<MPI_Count>?, _ displacements: UnsafePointer<MPI_Aint>?, _ sendType: MPI_Datatype?,
                             _ receive: UnsafeMutableRawPointer?, _ receiveCount: MPI_Count, _ receiveType: MPI_Datatype?, _ root: Int32, _ comm: MPI_Comm?,
                             _ info: MPI_Info?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    scatterv("MPI_Scatterv_init_c", .persistent(request), send, sendCounts, displacements, sendType, receive, receiveCount, receiveType, root, comm)
}
