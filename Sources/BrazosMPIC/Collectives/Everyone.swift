import BrazosMPI
import CMPI

// The collectives without a root: Barrier, Allreduce, Allgather(v), Alltoall(v,w),
// Reduce_scatter(_block), Scan, Exscan, in their blocking, immediate and persistent
// forms, each also with `MPI_Count` counts and `MPI_Aint` displacements (`_c`).

// MARK: Barrier

private func barrier(_ function: StaticString, _ form: CollectiveForm, _ comm: MPI_Comm?) -> Int32 {
    collective(function, form, on: comm) { (communicator) throws(MPIError) in
        try form.run(communicator.barrier(), communicator.ibarrier(), communicator.barrierInit())
    }
}

@_cdecl("MPI_Barrier")
public func mpiBarrier(_ comm: MPI_Comm?) -> Int32 {
    barrier("MPI_Barrier", .blocking, comm)
}

@_cdecl("MPI_Ibarrier")
public func mpiIbarrier(_ comm: MPI_Comm?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    barrier("MPI_Ibarrier", .immediate(request), comm)
}

@_cdecl("MPI_Barrier_init")
public func mpiBarrierInit(_ comm: MPI_Comm?, _ info: MPI_Info?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    barrier("MPI_Barrier_init", .persistent(request), comm)
}

// MARK: Allreduce, Scan, Exscan (`MPI_IN_PLACE` accepted)

/// Which of the reductions with one count that every rank receives.
private enum Reduction {
    case allreduce, scan, exscan
}

private func reduction<Count: BinaryInteger>(_ kind: Reduction, _ function: StaticString, _ form: CollectiveForm, _ send: UnsafeRawPointer?,
                                             _ receive: UnsafeMutableRawPointer?, _ count: Count, _ datatype: MPI_Datatype?, _ op: MPI_Op?,
                                             _ comm: MPI_Comm?) -> Int32 {
    collective(function, form, on: comm) { (communicator) throws(MPIError) in
        let count = try elementCount(count), send = sendBuffer(send)
        // Borrowed, not retained: a predefined datatype and operation live as long as the process.
        return try Handles.withDatatype(datatype) { (datatype) throws(MPIError) in
            try Handles.withOp(op) { (op) throws(MPIError) in
                switch kind {
                case .allreduce:
                    return try form.run(communicator.allreduce(send, receive, count: count, datatype: datatype, op: op),
                                        communicator.iallreduce(send, receive, count: count, datatype: datatype, op: op),
                                        communicator.allreduceInit(send, receive, count: count, datatype: datatype, op: op))
                case .scan:
                    return try form.run(communicator.scan(send, receive, count: count, datatype: datatype, op: op),
                                        communicator.iscan(send, receive, count: count, datatype: datatype, op: op),
                                        communicator.scanInit(send, receive, count: count, datatype: datatype, op: op))
                case .exscan:
                    return try form.run(communicator.exscan(send, receive, count: count, datatype: datatype, op: op),
                                        communicator.iexscan(send, receive, count: count, datatype: datatype, op: op),
                                        communicator.exscanInit(send, receive, count: count, datatype: datatype, op: op))
                }
            }
        }
    }
}

@_cdecl("MPI_Allreduce")
public func mpiAllreduce(_ send: UnsafeRawPointer?, _ receive: UnsafeMutableRawPointer?, _ count: Int32, _ datatype: MPI_Datatype?, _ op: MPI_Op?,
                         _ comm: MPI_Comm?) -> Int32 {
    reduction(.allreduce, "MPI_Allreduce", .blocking, send, receive, count, datatype, op, comm)
}

@_cdecl("MPI_Allreduce_c")
public func mpiAllreduceC(_ send: UnsafeRawPointer?, _ receive: UnsafeMutableRawPointer?, _ count: MPI_Count, _ datatype: MPI_Datatype?, _ op: MPI_Op?,
                          _ comm: MPI_Comm?) -> Int32 {
    reduction(.allreduce, "MPI_Allreduce_c", .blocking, send, receive, count, datatype, op, comm)
}

@_cdecl("MPI_Iallreduce")
public func mpiIallreduce(_ send: UnsafeRawPointer?, _ receive: UnsafeMutableRawPointer?, _ count: Int32, _ datatype: MPI_Datatype?, _ op: MPI_Op?,
                          _ comm: MPI_Comm?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    reduction(.allreduce, "MPI_Iallreduce", .immediate(request), send, receive, count, datatype, op, comm)
}

@_cdecl("MPI_Iallreduce_c")
public func mpiIallreduceC(_ send: UnsafeRawPointer?, _ receive: UnsafeMutableRawPointer?, _ count: MPI_Count, _ datatype: MPI_Datatype?, _ op: MPI_Op?,
                           _ comm: MPI_Comm?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    reduction(.allreduce, "MPI_Iallreduce_c", .immediate(request), send, receive, count, datatype, op, comm)
}

@_cdecl("MPI_Allreduce_init")
public func mpiAllreduceInit(_ send: UnsafeRawPointer?, _ receive: UnsafeMutableRawPointer?, _ count: Int32, _ datatype: MPI_Datatype?, _ op: MPI_Op?,
                             _ comm: MPI_Comm?, _ info: MPI_Info?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    reduction(.allreduce, "MPI_Allreduce_init", .persistent(request), send, receive, count, datatype, op, comm)
}

@_cdecl("MPI_Allreduce_init_c")
public func mpiAllreduceInitC(_ send: UnsafeRawPointer?, _ receive: UnsafeMutableRawPointer?, _ count: MPI_Count, _ datatype: MPI_Datatype?, _ op: MPI_Op?,
                              _ comm: MPI_Comm?, _ info: MPI_Info?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    reduction(.allreduce, "MPI_Allreduce_init_c", .persistent(request), send, receive, count, datatype, op, comm)
}

@_cdecl("MPI_Scan")
public func mpiScan(_ send: UnsafeRawPointer?, _ receive: UnsafeMutableRawPointer?, _ count: Int32, _ datatype: MPI_Datatype?, _ op: MPI_Op?,
                    _ comm: MPI_Comm?) -> Int32 {
    reduction(.scan, "MPI_Scan", .blocking, send, receive, count, datatype, op, comm)
}

@_cdecl("MPI_Scan_c")
public func mpiScanC(_ send: UnsafeRawPointer?, _ receive: UnsafeMutableRawPointer?, _ count: MPI_Count, _ datatype: MPI_Datatype?, _ op: MPI_Op?,
                     _ comm: MPI_Comm?) -> Int32 {
    reduction(.scan, "MPI_Scan_c", .blocking, send, receive, count, datatype, op, comm)
}

@_cdecl("MPI_Iscan")
public func mpiIscan(_ send: UnsafeRawPointer?, _ receive: UnsafeMutableRawPointer?, _ count: Int32, _ datatype: MPI_Datatype?, _ op: MPI_Op?,
                     _ comm: MPI_Comm?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    reduction(.scan, "MPI_Iscan", .immediate(request), send, receive, count, datatype, op, comm)
}

@_cdecl("MPI_Iscan_c")
public func mpiIscanC(_ send: UnsafeRawPointer?, _ receive: UnsafeMutableRawPointer?, _ count: MPI_Count, _ datatype: MPI_Datatype?, _ op: MPI_Op?,
                      _ comm: MPI_Comm?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    reduction(.scan, "MPI_Iscan_c", .immediate(request), send, receive, count, datatype, op, comm)
}

@_cdecl("MPI_Scan_init")
public func mpiScanInit(_ send: UnsafeRawPointer?, _ receive: UnsafeMutableRawPointer?, _ count: Int32, _ datatype: MPI_Datatype?, _ op: MPI_Op?,
                        _ comm: MPI_Comm?, _ info: MPI_Info?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    reduction(.scan, "MPI_Scan_init", .persistent(request), send, receive, count, datatype, op, comm)
}

@_cdecl("MPI_Scan_init_c")
public func mpiScanInitC(_ send: UnsafeRawPointer?, _ receive: UnsafeMutableRawPointer?, _ count: MPI_Count, _ datatype: MPI_Datatype?, _ op: MPI_Op?,
                         _ comm: MPI_Comm?, _ info: MPI_Info?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    reduction(.scan, "MPI_Scan_init_c", .persistent(request), send, receive, count, datatype, op, comm)
}

/// Rank 0's receive buffer is left as it was.
@_cdecl("MPI_Exscan")
public func mpiExscan(_ send: UnsafeRawPointer?, _ receive: UnsafeMutableRawPointer?, _ count: Int32, _ datatype: MPI_Datatype?, _ op: MPI_Op?,
                      _ comm: MPI_Comm?) -> Int32 {
    reduction(.exscan, "MPI_Exscan", .blocking, send, receive, count, datatype, op, comm)
}

@_cdecl("MPI_Exscan_c")
public func mpiExscanC(_ send: UnsafeRawPointer?, _ receive: UnsafeMutableRawPointer?, _ count: MPI_Count, _ datatype: MPI_Datatype?, _ op: MPI_Op?,
                       _ comm: MPI_Comm?) -> Int32 {
    reduction(.exscan, "MPI_Exscan_c", .blocking, send, receive, count, datatype, op, comm)
}

@_cdecl("MPI_Iexscan")
public func mpiIexscan(_ send: UnsafeRawPointer?, _ receive: UnsafeMutableRawPointer?, _ count: Int32, _ datatype: MPI_Datatype?, _ op: MPI_Op?,
                       _ comm: MPI_Comm?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    reduction(.exscan, "MPI_Iexscan", .immediate(request), send, receive, count, datatype, op, comm)
}

@_cdecl("MPI_Iexscan_c")
public func mpiIexscanC(_ send: UnsafeRawPointer?, _ receive: UnsafeMutableRawPointer?, _ count: MPI_Count, _ datatype: MPI_Datatype?, _ op: MPI_Op?,
                        _ comm: MPI_Comm?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    reduction(.exscan, "MPI_Iexscan_c", .immediate(request), send, receive, count, datatype, op, comm)
}

@_cdecl("MPI_Exscan_init")
public func mpiExscanInit(_ send: UnsafeRawPointer?, _ receive: UnsafeMutableRawPointer?, _ count: Int32, _ datatype: MPI_Datatype?, _ op: MPI_Op?,
                          _ comm: MPI_Comm?, _ info: MPI_Info?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    reduction(.exscan, "MPI_Exscan_init", .persistent(request), send, receive, count, datatype, op, comm)
}

@_cdecl("MPI_Exscan_init_c")
public func mpiExscanInitC(_ send: UnsafeRawPointer?, _ receive: UnsafeMutableRawPointer?, _ count: MPI_Count, _ datatype: MPI_Datatype?, _ op: MPI_Op?,
                           _ comm: MPI_Comm?, _ info: MPI_Info?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    reduction(.exscan, "MPI_Exscan_init_c", .persistent(request), send, receive, count, datatype, op, comm)
}

// MARK: Reduce_scatter, Reduce_scatter_block (`MPI_IN_PLACE` accepted)

private func reduceScatter<Count: BinaryInteger>(_ function: StaticString, _ form: CollectiveForm, _ send: UnsafeRawPointer?, _ receive: UnsafeMutableRawPointer?,
                                                 _ receiveCounts: UnsafePointer<Count>?, _ datatype: MPI_Datatype?, _ op: MPI_Op?, _ comm: MPI_Comm?) -> Int32 {
    collective(function, form, on: comm) { (communicator) throws(MPIError) in
        let counts = try integerArray(receiveCounts, communicator.localSize), datatype = try Handles.datatype(datatype), op = try Handles.op(op)
        let send = sendBuffer(send)
        return try form.run(communicator.reduceScatter(send, receive, receiveCounts: counts, datatype: datatype, op: op),
                            communicator.ireduceScatter(send, receive, receiveCounts: counts, datatype: datatype, op: op),
                            communicator.reduceScatterInit(send, receive, receiveCounts: counts, datatype: datatype, op: op))
    }
}

@_cdecl("MPI_Reduce_scatter")
public func mpiReduceScatter(_ send: UnsafeRawPointer?, _ receive: UnsafeMutableRawPointer?, _ receiveCounts: UnsafePointer<Int32>?,
                             _ datatype: MPI_Datatype?, _ op: MPI_Op?, _ comm: MPI_Comm?) -> Int32 {
    reduceScatter("MPI_Reduce_scatter", .blocking, send, receive, receiveCounts, datatype, op, comm)
}

@_cdecl("MPI_Reduce_scatter_c")
public func mpiReduceScatterC(_ send: UnsafeRawPointer?, _ receive: UnsafeMutableRawPointer?, _ receiveCounts: UnsafePointer<MPI_Count>?,
                              _ datatype: MPI_Datatype?, _ op: MPI_Op?, _ comm: MPI_Comm?) -> Int32 {
    reduceScatter("MPI_Reduce_scatter_c", .blocking, send, receive, receiveCounts, datatype, op, comm)
}

@_cdecl("MPI_Ireduce_scatter")
public func mpiIreduceScatter(_ send: UnsafeRawPointer?, _ receive: UnsafeMutableRawPointer?, _ receiveCounts: UnsafePointer<Int32>?,
                              _ datatype: MPI_Datatype?, _ op: MPI_Op?, _ comm: MPI_Comm?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    reduceScatter("MPI_Ireduce_scatter", .immediate(request), send, receive, receiveCounts, datatype, op, comm)
}

@_cdecl("MPI_Ireduce_scatter_c")
public func mpiIreduceScatterC(_ send: UnsafeRawPointer?, _ receive: UnsafeMutableRawPointer?, _ receiveCounts: UnsafePointer<MPI_Count>?,
                               _ datatype: MPI_Datatype?, _ op: MPI_Op?, _ comm: MPI_Comm?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    reduceScatter("MPI_Ireduce_scatter_c", .immediate(request), send, receive, receiveCounts, datatype, op, comm)
}

@_cdecl("MPI_Reduce_scatter_init")
public func mpiReduceScatterInit(_ send: UnsafeRawPointer?, _ receive: UnsafeMutableRawPointer?, _ receiveCounts: UnsafePointer<Int32>?,
                                 _ datatype: MPI_Datatype?, _ op: MPI_Op?, _ comm: MPI_Comm?, _ info: MPI_Info?,
                                 _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    reduceScatter("MPI_Reduce_scatter_init", .persistent(request), send, receive, receiveCounts, datatype, op, comm)
}

@_cdecl("MPI_Reduce_scatter_init_c")
public func mpiReduceScatterInitC(_ send: UnsafeRawPointer?, _ receive: UnsafeMutableRawPointer?, _ receiveCounts: UnsafePointer<MPI_Count>?,
                                  _ datatype: MPI_Datatype?, _ op: MPI_Op?, _ comm: MPI_Comm?, _ info: MPI_Info?,
                                  _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    reduceScatter("MPI_Reduce_scatter_init_c", .persistent(request), send, receive, receiveCounts, datatype, op, comm)
}

private func reduceScatterBlock<Count: BinaryInteger>(_ function: StaticString, _ form: CollectiveForm, _ send: UnsafeRawPointer?, _ receive: UnsafeMutableRawPointer?,
                                                      _ receiveCount: Count, _ datatype: MPI_Datatype?, _ op: MPI_Op?, _ comm: MPI_Comm?) -> Int32 {
    collective(function, form, on: comm) { (communicator) throws(MPIError) in
        let count = try elementCount(receiveCount), datatype = try Handles.datatype(datatype), op = try Handles.op(op), send = sendBuffer(send)
        return try form.run(communicator.reduceScatterBlock(send, receive, receiveCount: count, datatype: datatype, op: op),
                            communicator.ireduceScatterBlock(send, receive, receiveCount: count, datatype: datatype, op: op),
                            communicator.reduceScatterBlockInit(send, receive, receiveCount: count, datatype: datatype, op: op))
    }
}

@_cdecl("MPI_Reduce_scatter_block")
public func mpiReduceScatterBlock(_ send: UnsafeRawPointer?, _ receive: UnsafeMutableRawPointer?, _ receiveCount: Int32,
                                  _ datatype: MPI_Datatype?, _ op: MPI_Op?, _ comm: MPI_Comm?) -> Int32 {
    reduceScatterBlock("MPI_Reduce_scatter_block", .blocking, send, receive, receiveCount, datatype, op, comm)
}

@_cdecl("MPI_Reduce_scatter_block_c")
public func mpiReduceScatterBlockC(_ send: UnsafeRawPointer?, _ receive: UnsafeMutableRawPointer?, _ receiveCount: MPI_Count,
                                   _ datatype: MPI_Datatype?, _ op: MPI_Op?, _ comm: MPI_Comm?) -> Int32 {
    reduceScatterBlock("MPI_Reduce_scatter_block_c", .blocking, send, receive, receiveCount, datatype, op, comm)
}

@_cdecl("MPI_Ireduce_scatter_block")
public func mpiIreduceScatterBlock(_ send: UnsafeRawPointer?, _ receive: UnsafeMutableRawPointer?, _ receiveCount: Int32,
                                   _ datatype: MPI_Datatype?, _ op: MPI_Op?, _ comm: MPI_Comm?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    reduceScatterBlock("MPI_Ireduce_scatter_block", .immediate(request), send, receive, receiveCount, datatype, op, comm)
}

@_cdecl("MPI_Ireduce_scatter_block_c")
public func mpiIreduceScatterBlockC(_ send: UnsafeRawPointer?, _ receive: UnsafeMutableRawPointer?, _ receiveCount: MPI_Count,
                                    _ datatype: MPI_Datatype?, _ op: MPI_Op?, _ comm: MPI_Comm?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    reduceScatterBlock("MPI_Ireduce_scatter_block_c", .immediate(request), send, receive, receiveCount, datatype, op, comm)
}

@_cdecl("MPI_Reduce_scatter_block_init")
public func mpiReduceScatterBlockInit(_ send: UnsafeRawPointer?, _ receive: UnsafeMutableRawPointer?, _ receiveCount: Int32,
                                      _ datatype: MPI_Datatype?, _ op: MPI_Op?, _ comm: MPI_Comm?, _ info: MPI_Info?,
                                      _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    reduceScatterBlock("MPI_Reduce_scatter_block_init", .persistent(request), send, receive, receiveCount, datatype, op, comm)
}

@_cdecl("MPI_Reduce_scatter_block_init_c")
public func mpiReduceScatterBlockInitC(_ send: UnsafeRawPointer?, _ receive: UnsafeMutableRawPointer?, _ receiveCount: MPI_Count,
                                       _ datatype: MPI_Datatype?, _ op: MPI_Op?, _ comm: MPI_Comm?, _ info: MPI_Info?,
                                       _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    reduceScatterBlock("MPI_Reduce_scatter_block_init_c", .persistent(request), send, receive, receiveCount, datatype, op, comm)
}
