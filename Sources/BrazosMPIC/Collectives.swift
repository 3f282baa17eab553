import BrazosMPI
import CMPI

/// `MPI_Barrier`.
@_cdecl("MPI_Barrier")
public func mpiBarrier(_ comm: MPI_Comm?) -> Int32 {
    mpiCall("MPI_Barrier", on: comm) { () throws(MPIError) in try Handles.communicator(comm).barrier() }
}

/// `MPI_Bcast`.
@_cdecl("MPI_Bcast")
public func mpiBcast(_ buffer: UnsafeMutableRawPointer?, _ count: Int32, _ datatype: MPI_Datatype?, _ root: Int32, _ comm: MPI_Comm?) -> Int32 {
    mpiCall("MPI_Bcast", on: comm) { () throws(MPIError) in
        try Handles.communicator(comm).bcast(buffer, count: Int(count), datatype: try Handles.datatype(datatype), root: Int(root))
    }
}

/// `MPI_Reduce` (`MPI_IN_PLACE` at the root).
@_cdecl("MPI_Reduce")
public func mpiReduce(_ send: UnsafeRawPointer?, _ receive: UnsafeMutableRawPointer?, _ count: Int32, _ datatype: MPI_Datatype?, _ op: MPI_Op?,
                      _ root: Int32, _ comm: MPI_Comm?) -> Int32 {
    mpiCall("MPI_Reduce", on: comm) { () throws(MPIError) in
        try Handles.communicator(comm).reduce(sendBuffer(send), receive, count: Int(count), datatype: try Handles.datatype(datatype),
                                              op: try Handles.op(op), root: Int(root))
    }
}

/// `MPI_Allreduce` (`MPI_IN_PLACE` accepted).
@_cdecl("MPI_Allreduce")
public func mpiAllreduce(_ send: UnsafeRawPointer?, _ receive: UnsafeMutableRawPointer?, _ count: Int32, _ datatype: MPI_Datatype?, _ op: MPI_Op?,
                         _ comm: MPI_Comm?) -> Int32 {
    mpiCall("MPI_Allreduce", on: comm) { () throws(MPIError) in
        try Handles.communicator(comm).allreduce(sendBuffer(send), receive, count: Int(count), datatype: try Handles.datatype(datatype), op: try Handles.op(op))
    }
}

/// `MPI_Gather` (`MPI_IN_PLACE` at the root); the receive arguments matter only at the root.
@_cdecl("MPI_Gather")
public func mpiGather(_ send: UnsafeRawPointer?, _ sendCount: Int32, _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?,
                      _ receiveCount: Int32, _ receiveType: MPI_Datatype?, _ root: Int32, _ comm: MPI_Comm?) -> Int32 {
    mpiCall("MPI_Gather", on: comm) { () throws(MPIError) in
        let communicator = try Handles.communicator(comm)
        let isRoot = communicator.rank == Int(root)
        try communicator.gather(sendBuffer(send), sendCount: Int(sendCount), sendType: try optionalType(sendType, used: !isRoot || !isInPlace(send)),
                                receive, receiveCount: Int(receiveCount), receiveType: try optionalType(receiveType, used: isRoot), root: Int(root))
    }
}

/// `MPI_Gatherv` (`MPI_IN_PLACE` at the root); counts and displacements are read only at the root.
@_cdecl("MPI_Gatherv")
public func mpiGatherv(_ send: UnsafeRawPointer?, _ sendCount: Int32, _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?,
                       _ receiveCounts: UnsafePointer<Int32>?, _ displacements: UnsafePointer<Int32>?, _ receiveType: MPI_Datatype?,
                       _ root: Int32, _ comm: MPI_Comm?) -> Int32 {
    mpiCall("MPI_Gatherv", on: comm) { () throws(MPIError) in
        let communicator = try Handles.communicator(comm)
        let isRoot = communicator.rank == Int(root)
        let ranks = isRoot ? communicator.size : 0
        try communicator.gatherv(sendBuffer(send), sendCount: Int(sendCount), sendType: try optionalType(sendType, used: !isRoot || !isInPlace(send)),
                                 receive, receiveCounts: integers(receiveCounts, ranks), displacements: integers(displacements, ranks),
                                 receiveType: try optionalType(receiveType, used: isRoot), root: Int(root))
    }
}

/// `MPI_Scatter` (`MPI_IN_PLACE` at the root); the send arguments matter only at the root.
@_cdecl("MPI_Scatter")
public func mpiScatter(_ send: UnsafeRawPointer?, _ sendCount: Int32, _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?,
                       _ receiveCount: Int32, _ receiveType: MPI_Datatype?, _ root: Int32, _ comm: MPI_Comm?) -> Int32 {
    mpiCall("MPI_Scatter", on: comm) { () throws(MPIError) in
        let communicator = try Handles.communicator(comm)
        let isRoot = communicator.rank == Int(root)
        try communicator.scatter(send, sendCount: Int(sendCount), sendType: try optionalType(sendType, used: isRoot),
                                 receiveBuffer(receive), receiveCount: Int(receiveCount),
                                 receiveType: try optionalType(receiveType, used: !isRoot || !isInPlace(receive)), root: Int(root))
    }
}

/// `MPI_Scatterv` (`MPI_IN_PLACE` at the root); counts and displacements are read only at the root.
@_cdecl("MPI_Scatterv")
public func mpiScatterv(_ send: UnsafeRawPointer?, _ sendCounts: UnsafePointer<Int32>?, _ displacements: UnsafePointer<Int32>?, _ sendType: MPI_Datatype?,
                        _ receive: UnsafeMutableRawPointer?, _ receiveCount: Int32, _ receiveType: MPI_Datatype?, _ root: Int32, _ comm: MPI_Comm?) -> Int32 {
    mpiCall("MPI_Scatterv", on: comm) { () throws(MPIError) in
        let communicator = try Handles.communicator(comm)
        let isRoot = communicator.rank == Int(root)
        let ranks = isRoot ? communicator.size : 0
        try communicator.scatterv(send, sendCounts: integers(sendCounts, ranks), displacements: integers(displacements, ranks),
                                  sendType: try optionalType(sendType, used: isRoot), receiveBuffer(receive), receiveCount: Int(receiveCount),
                                  receiveType: try optionalType(receiveType, used: !isRoot || !isInPlace(receive)), root: Int(root))
    }
}

/// `MPI_Allgather` (`MPI_IN_PLACE` accepted).
@_cdecl("MPI_Allgather")
public func mpiAllgather(_ send: UnsafeRawPointer?, _ sendCount: Int32, _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?,
                         _ receiveCount: Int32, _ receiveType: MPI_Datatype?, _ comm: MPI_Comm?) -> Int32 {
    mpiCall("MPI_Allgather", on: comm) { () throws(MPIError) in
        try Handles.communicator(comm).allgather(sendBuffer(send), sendCount: Int(sendCount), sendType: try optionalType(sendType, used: !isInPlace(send)),
                                                 receive, receiveCount: Int(receiveCount), receiveType: try Handles.datatype(receiveType))
    }
}

/// `MPI_Allgatherv` (`MPI_IN_PLACE` accepted).
@_cdecl("MPI_Allgatherv")
public func mpiAllgatherv(_ send: UnsafeRawPointer?, _ sendCount: Int32, _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?,
                          _ receiveCounts: UnsafePointer<Int32>?, _ displacements: UnsafePointer<Int32>?, _ receiveType: MPI_Datatype?, _ comm: MPI_Comm?) -> Int32 {
    mpiCall("MPI_Allgatherv", on: comm) { () throws(MPIError) in
        let communicator = try Handles.communicator(comm)
        try communicator.allgatherv(sendBuffer(send), sendCount: Int(sendCount), sendType: try optionalType(sendType, used: !isInPlace(send)),
                                    receive, receiveCounts: integers(receiveCounts, communicator.size),
                                    displacements: integers(displacements, communicator.size), receiveType: try Handles.datatype(receiveType))
    }
}

/// `MPI_Alltoall` (`MPI_IN_PLACE` accepted).
@_cdecl("MPI_Alltoall")
public func mpiAlltoall(_ send: UnsafeRawPointer?, _ sendCount: Int32, _ sendType: MPI_Datatype?, _ receive: UnsafeMutableRawPointer?,
                        _ receiveCount: Int32, _ receiveType: MPI_Datatype?, _ comm: MPI_Comm?) -> Int32 {
    mpiCall("MPI_Alltoall", on: comm) { () throws(MPIError) in
        try Handles.communicator(comm).alltoall(sendBuffer(send), sendCount: Int(sendCount), sendType: try optionalType(sendType, used: !isInPlace(send)),
                                                receive, receiveCount: Int(receiveCount), receiveType: try Handles.datatype(receiveType))
    }
}

/// `MPI_Alltoallv` (`MPI_IN_PLACE` accepted: the send counts and displacements are then ignored).
@_cdecl("MPI_Alltoallv")
public func mpiAlltoallv(_ send: UnsafeRawPointer?, _ sendCounts: UnsafePointer<Int32>?, _ sendDisplacements: UnsafePointer<Int32>?, _ sendType: MPI_Datatype?,
                         _ receive: UnsafeMutableRawPointer?, _ receiveCounts: UnsafePointer<Int32>?, _ receiveDisplacements: UnsafePointer<Int32>?,
                         _ receiveType: MPI_Datatype?, _ comm: MPI_Comm?) -> Int32 {
    mpiCall("MPI_Alltoallv", on: comm) { () throws(MPIError) in
        let communicator = try Handles.communicator(comm)
        let inPlace = isInPlace(send)
        let n = communicator.size
        try communicator.alltoallv(sendBuffer(send), sendCounts: inPlace ? [] : integers(sendCounts, n), sendDisplacements: inPlace ? [] : integers(sendDisplacements, n),
                                   sendType: try optionalType(sendType, used: !inPlace), receive, receiveCounts: integers(receiveCounts, n),
                                   receiveDisplacements: integers(receiveDisplacements, n), receiveType: try Handles.datatype(receiveType))
    }
}

/// `MPI_Reduce_scatter` (`MPI_IN_PLACE` accepted).
@_cdecl("MPI_Reduce_scatter")
public func mpiReduceScatter(_ send: UnsafeRawPointer?, _ receive: UnsafeMutableRawPointer?, _ receiveCounts: UnsafePointer<Int32>?,
                             _ datatype: MPI_Datatype?, _ op: MPI_Op?, _ comm: MPI_Comm?) -> Int32 {
    mpiCall("MPI_Reduce_scatter", on: comm) { () throws(MPIError) in
        let communicator = try Handles.communicator(comm)
        try communicator.reduceScatter(sendBuffer(send), receive, receiveCounts: integers(receiveCounts, communicator.size),
                                       datatype: try Handles.datatype(datatype), op: try Handles.op(op))
    }
}

/// `MPI_Scan` (`MPI_IN_PLACE` accepted).
@_cdecl("MPI_Scan")
public func mpiScan(_ send: UnsafeRawPointer?, _ receive: UnsafeMutableRawPointer?, _ count: Int32, _ datatype: MPI_Datatype?, _ op: MPI_Op?,
                    _ comm: MPI_Comm?) -> Int32 {
    mpiCall("MPI_Scan", on: comm) { () throws(MPIError) in
        try Handles.communicator(comm).scan(sendBuffer(send), receive, count: Int(count), datatype: try Handles.datatype(datatype), op: try Handles.op(op))
    }
}

/// `MPI_Exscan` (`MPI_IN_PLACE` accepted); rank 0's receive buffer is left as it was.
@_cdecl("MPI_Exscan")
public func mpiExscan(_ send: UnsafeRawPointer?, _ receive: UnsafeMutableRawPointer?, _ count: Int32, _ datatype: MPI_Datatype?, _ op: MPI_Op?,
                      _ comm: MPI_Comm?) -> Int32 {
    mpiCall("MPI_Exscan", on: comm) { () throws(MPIError) in
        try Handles.communicator(comm).exscan(sendBuffer(send), receive, count: Int(count), datatype: try Handles.datatype(datatype), op: try Handles.op(op))
    }
}

/// A datatype argument that MPI ignores on some ranks (the root's send type in place,
/// a non-root's receive type): resolved only where it is used.
private func optionalType(_ handle: MPI_Datatype?, used: Bool) throws(MPIError) -> Datatype {
    used ? try Handles.datatype(handle) : .byte
}
