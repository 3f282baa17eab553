import BrazosMPI
import CMPI

/// The origin side of an access from C: memory, count and datatype.
private func origin<Count: BinaryInteger>(_ pointer: UnsafeRawPointer?, _ count: Count, _ datatype: MPI_Datatype?) throws(MPIError) -> Window.Buffer {
    Window.Buffer(pointer, count: try elementCount(count), datatype: try Handles.datatype(datatype))
}

/// The target side: rank, displacement, count and datatype.
private func target<Count: BinaryInteger>(_ rank: Int32, _ displacement: MPI_Aint, _ count: Count, _ datatype: MPI_Datatype?) throws(MPIError) -> Window.Target {
    Window.Target(rank: Int(rank), displacement: Int(displacement), count: try elementCount(count), datatype: try Handles.datatype(datatype))
}

/// A put, get or accumulate from C: both sides made with their datatypes lent (predefined ones
/// unretained, as on the send path: an 8-byte put is dominated by such per-call costs).
private func transfer<Count: BinaryInteger>(_ pointer: UnsafeRawPointer?, _ originCount: Count, _ originType: MPI_Datatype?,
                                            _ rank: Int32, _ displacement: MPI_Aint, _ targetCount: Count, _ targetType: MPI_Datatype?,
                                            _ body: (Window.Buffer, Window.Target) throws(MPIError) -> Void) throws(MPIError) {
    let originCount = try elementCount(originCount), targetCount = try elementCount(targetCount)
    try Handles.withDatatypes(originType, targetType) { (originType, targetType) throws(MPIError) in
        try body(Window.Buffer(pointer, count: originCount, datatype: originType),
                 Window.Target(rank: Int(rank), displacement: Int(displacement), count: targetCount, datatype: targetType))
    }
}

/// Starts a request-based access and hands its request out.
private func requestCall(_ function: StaticString, _ win: MPI_Win?, _ request: UnsafeMutablePointer<MPI_Request?>?,
                         _ start: (Window) throws(MPIError) -> Request) -> Int32 {
    lentWindowCall(function, win) { (window) throws(MPIError) in
        let output = try requestOutput(request)
        output.pointee = Handles.requests.add(try start(window))
    }
}

// MARK: Put and get

/// `MPI_Put`.
@_cdecl("MPI_Put")
public func mpiPut(_ originAddress: UnsafeRawPointer?, _ originCount: Int32, _ originType: MPI_Datatype?, _ rank: Int32, _ displacement: MPI_Aint,
                   _ targetCount: Int32, _ targetType: MPI_Datatype?, _ win: MPI_Win?) -> Int32 {
    lentWindowCall("MPI_Put", win) { (window) throws(MPIError) in
        try transfer(originAddress, originCount, originType, rank, displacement, targetCount, targetType) { (origin, target) throws(MPIError) in
            try window.put(origin, to: target)
        }
    }
}

/// `MPI_Put_c`.
@_cdecl("MPI_Put_c")
public func mpiPutC(_ originAddress: UnsafeRawPointer?, _ originCount: MPI_Count, _ originType: MPI_Datatype?, _ rank: Int32, _ displacement: MPI_Aint,
                    _ targetCount: MPI_Count, _ targetType: MPI_Datatype?, _ win: MPI_Win?) -> Int32 {
    lentWindowCall("MPI_Put_c", win) { (window) throws(MPIError) in
        try transfer(originAddress, originCount, originType, rank, displacement, targetCount, targetType) { (origin, target) throws(MPIError) in
            try window.put(origin, to: target)
        }
    }
}

/// `MPI_Get`.
@_cdecl("MPI_Get")
public func mpiGet(_ originAddress: UnsafeMutableRawPointer?, _ originCount: Int32, _ originType: MPI_Datatype?, _ rank: Int32, _ displacement: MPI_Aint,
                   _ targetCount: Int32, _ targetType: MPI_Datatype?, _ win: MPI_Win?) -> Int32 {
    lentWindowCall("MPI_Get", win) { (window) throws(MPIError) in
        try transfer(originAddress, originCount, originType, rank, displacement, targetCount, targetType) { (origin, target) throws(MPIError) in
            try window.get(into: origin, from: target)
        }
    }
}

/// `MPI_Get_c`.
@_cdecl("MPI_Get_c")
public func mpiGetC(_ originAddress: UnsafeMutableRawPointer?, _ originCount: MPI_Count, _ originType: MPI_Datatype?, _ rank: Int32, _ displacement: MPI_Aint,
                    _ targetCount: MPI_Count, _ targetType: MPI_Datatype?, _ win: MPI_Win?) -> Int32 {
    lentWindowCall("MPI_Get_c", win) { (window) throws(MPIError) in
        try transfer(originAddress, originCount, originType, rank, displacement, targetCount, targetType) { (origin, target) throws(MPIError) in
            try window.get(into: origin, from: target)
        }
    }
}

// MARK: Accumulates

/// `MPI_Accumulate`.
@_cdecl("MPI_Accumulate")
public func mpiAccumulate(_ originAddress: UnsafeRawPointer?, _ originCount: Int32, _ originType: MPI_Datatype?, _ rank: Int32, _ displacement: MPI_Aint,
                          _ targetCount: Int32, _ targetType: MPI_Datatype?, _ op: MPI_Op?, _ win: MPI_Win?) -> Int32 {
    lentWindowCall("MPI_Accumulate", win) { (window) throws(MPIError) in
        try Handles.withOp(op) { (op) throws(MPIError) in
            try transfer(originAddress, originCount, originType, rank, displacement, targetCount, targetType) { (origin, target) throws(MPIError) in
                try window.accumulate(origin, to: target, op: op)
            }
        }
    }
}

/// `MPI_Accumulate_c`.
@_cdecl("MPI_Accumulate_c")
public func mpiAccumulateC(_ originAddress: UnsafeRawPointer?, _ originCount: MPI_Count, _ originType: MPI_Datatype?, _ rank: Int32,
                           _ displacement: MPI_Aint, _ targetCount: MPI_Count, _ targetType: MPI_Datatype?, _ op: MPI_Op?, _ win: MPI_Win?) -> Int32 {
    lentWindowCall("MPI_Accumulate_c", win) { (window) throws(MPIError) in
        try Handles.withOp(op) { (op) throws(MPIError) in
            try transfer(originAddress, originCount, originType, rank, displacement, targetCount, targetType) { (origin, target) throws(MPIError) in
                try window.accumulate(origin, to: target, op: op)
            }
        }
    }
}

/// `MPI_Get_accumulate`.
@_cdecl("MPI_Get_accumulate")
public func mpiGetAccumulate(_ originAddress: UnsafeRawPointer?, _ originCount: Int32, _ originType: MPI_Datatype?,
                             _ resultAddress: UnsafeMutableRawPointer?, _ resultCount: Int32, _ resultType: MPI_Datatype?, _ rank: Int32,
                             _ displacement: MPI_Aint, _ targetCount: Int32, _ targetType: MPI_Datatype?, _ op: MPI_Op?, _ win: MPI_Win?) -> Int32 {
    lentWindowCall("MPI_Get_accumulate", win) { (window) throws(MPIError) in
        try window.getAccumulate(try accumulated(originAddress, originCount, originType, op), result: try origin(resultAddress, resultCount, resultType),
                                 target: try target(rank, displacement, targetCount, targetType), op: try Handles.op(op))
    }
}

/// `MPI_Get_accumulate_c`.
@_cdecl("MPI_Get_accumulate_c")
public func mpiGetAccumulateC(_ originAddress: UnsafeRawPointer?, _ originCount: MPI_Count, _ originType: MPI_Datatype?,
                              _ resultAddress: UnsafeMutableRawPointer?, _ resultCount: MPI_Count, _ resultType: MPI_Datatype?, _ rank: Int32,
                              _ displacement: MPI_Aint, _ targetCount: MPI_Count, _ targetType: MPI_Datatype?, _ op: MPI_Op?, _ win: MPI_Win?) -> Int32 {
    lentWindowCall("MPI_Get_accumulate_c", win) { (window) throws(MPIError) in
        try window.getAccumulate(try accumulated(originAddress, originCount, originType, op), result: try origin(resultAddress, resultCount, resultType),
                                 target: try target(rank, displacement, targetCount, targetType), op: try Handles.op(op))
    }
}

/// The origin of a get-accumulate: with `MPI_NO_OP` its count and datatype are ignored
/// (MPI 4.1 §12.3.4), so they are not looked up.
private func accumulated<Count: BinaryInteger>(_ pointer: UnsafeRawPointer?, _ count: Count, _ datatype: MPI_Datatype?, _ op: MPI_Op?) throws(MPIError) -> Window.Buffer {
    if try Handles.op(op) === Op.noOp { return Window.Buffer(nil, count: 0, datatype: .byte) }
    return try origin(pointer, count, datatype)
}

/// `MPI_Fetch_and_op`.
@_cdecl("MPI_Fetch_and_op")
public func mpiFetchAndOp(_ originAddress: UnsafeRawPointer?, _ resultAddress: UnsafeMutableRawPointer?, _ datatype: MPI_Datatype?, _ rank: Int32,
                          _ displacement: MPI_Aint, _ op: MPI_Op?, _ win: MPI_Win?) -> Int32 {
    lentWindowCall("MPI_Fetch_and_op", win) { (window) throws(MPIError) in
        try Handles.withOp(op) { (op) throws(MPIError) in
            try Handles.withDatatype(datatype) { (datatype) throws(MPIError) in
                try window.fetchAndOp(originAddress, result: resultAddress, datatype: datatype, rank: Int(rank), displacement: Int(displacement), op: op)
            }
        }
    }
}

/// `MPI_Compare_and_swap`.
@_cdecl("MPI_Compare_and_swap")
public func mpiCompareAndSwap(_ originAddress: UnsafeRawPointer?, _ compareAddress: UnsafeRawPointer?, _ resultAddress: UnsafeMutableRawPointer?,
                              _ datatype: MPI_Datatype?, _ rank: Int32, _ displacement: MPI_Aint, _ win: MPI_Win?) -> Int32 {
    lentWindowCall("MPI_Compare_and_swap", win) { (window) throws(MPIError) in
        try Handles.withDatatype(datatype) { (datatype) throws(MPIError) in
            try window.compareAndSwap(originAddress, compare: compareAddress, result: resultAddress, datatype: datatype,
                                      rank: Int(rank), displacement: Int(displacement))
        }
    }
}

// MARK: Request forms

/// `MPI_Rput`.
@_cdecl("MPI_Rput")
public func mpiRput(_ originAddress: UnsafeRawPointer?, _ originCount: Int32, _ originType: MPI_Datatype?, _ rank: Int32, _ displacement: MPI_Aint,
                    _ targetCount: Int32, _ targetType: MPI_Datatype?, _ win: MPI_Win?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    requestCall("MPI_Rput", win, request) { (window) throws(MPIError) in
        try window.rput(try origin(originAddress, originCount, originType), to: try target(rank, displacement, targetCount, targetType))
    }
}

/// `MPI_Rput_c`.
@_cdecl("MPI_Rput_c")
public func mpiRputC(_ originAddress: UnsafeRawPointer?, _ originCount: MPI_Count, _ originType: MPI_Datatype?, _ rank: Int32, _ displacement: MPI_Aint,
                     _ targetCount: MPI_Count, _ targetType: MPI_Datatype?, _ win: MPI_Win?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    requestCall("MPI_Rput_c", win, request) { (window) throws(MPIError) in
        try window.rput(try origin(originAddress, originCount, originType), to: try target(rank, displacement, targetCount, targetType))
    }
}

/// `MPI_Rget`.
@_cdecl("MPI_Rget")
public func mpiRget(_ originAddress: UnsafeMutableRawPointer?, _ originCount: Int32, _ originType: MPI_Datatype?, _ rank: Int32, _ displacement: MPI_Aint,
                    _ targetCount: Int32, _ targetType: MPI_Datatype?, _ win: MPI_Win?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    requestCall("MPI_Rget", win, request) { (window) throws(MPIError) in
        try window.rget(into: try origin(originAddress, originCount, originType), from: try target(rank, displacement, targetCount, targetType))
    }
}

/// `MPI_Rget_c`.
@_cdecl("MPI_Rget_c")
public func mpiRgetC(_ originAddress: UnsafeMutableRawPointer?, _ originCount: MPI_Count, _ originType: MPI_Datatype?, _ rank: Int32, _ displacement: MPI_Aint,
                     _ targetCount: MPI_Count, _ targetType: MPI_Datatype?, _ win: MPI_Win?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    requestCall("MPI_Rget_c", win, request) { (window) throws(MPIError) in
        try window.rget(into: try origin(originAddress, originCount, originType), from: try target(rank, displacement, targetCount, targetType))
    }
}

/// `MPI_Raccumulate`.
@_cdecl("MPI_Raccumulate")
public func mpiRaccumulate(_ originAddress: UnsafeRawPointer?, _ originCount: Int32, _ originType: MPI_Datatype?, _ rank: Int32, _ displacement: MPI_Aint,
                           _ targetCount: Int32, _ targetType: MPI_Datatype?, _ op: MPI_Op?, _ win: MPI_Win?,
                           _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    requestCall("MPI_Raccumulate", win, request) { (window) throws(MPIError) in
        try window.raccumulate(try origin(originAddress, originCount, originType), to: try target(rank, displacement, targetCount, targetType),
                               op: try Handles.op(op))
    }
}

/// `MPI_Raccumulate_c`.
@_cdecl("MPI_Raccumulate_c")
public func mpiRaccumulateC(_ originAddress: UnsafeRawPointer?, _ originCount: MPI_Count, _ originType: MPI_Datatype?, _ rank: Int32,
                            _ displacement: MPI_Aint, _ targetCount: MPI_Count, _ targetType: MPI_Datatype?, _ op: MPI_Op?, _ win: MPI_Win?,
                            _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    requestCall("MPI_Raccumulate_c", win, request) { (window) throws(MPIError) in
        try window.raccumulate(try origin(originAddress, originCount, originType), to: try target(rank, displacement, targetCount, targetType),
                               op: try Handles.op(op))
    }
}

/// `MPI_Rget_accumulate`.
@_cdecl("MPI_Rget_accumulate")
public func mpiRgetAccumulate(_ originAddress: UnsafeRawPointer?, _ originCount: Int32, _ originType: MPI_Datatype?,
                              _ resultAddress: UnsafeMutableRawPointer?, _ resultCount: Int32, _ resultType: MPI_Datatype?, _ rank: Int32,
                              _ displacement: MPI_Aint, _ targetCount: Int32, _ targetType: MPI_Datatype?, _ op: MPI_Op?, _ win: MPI_Win?,
                              _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    requestCall("MPI_Rget_accumulate", win, request) { (window) throws(MPIError) in
        try window.rgetAccumulate(try accumulated(originAddress, originCount, originType, op), result: try origin(resultAddress, resultCount, resultType),
                                  target: try target(rank, displacement, targetCount, targetType), op: try Handles.op(op))
    }
}

/// `MPI_Rget_accumulate_c`.
@_cdecl("MPI_Rget_accumulate_c")
public func mpiRgetAccumulateC(_ originAddress: UnsafeRawPointer?, _ originCount: MPI_Count, _ originType: MPI_Datatype?,
                               _ resultAddress: UnsafeMutableRawPointer?, _ resultCount: MPI_Count, _ resultType: MPI_Datatype?, _ rank: Int32,
                               _ displacement: MPI_Aint, _ targetCount: MPI_Count, _ targetType: MPI_Datatype?, _ op: MPI_Op?, _ win: MPI_Win?,
                               _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    requestCall("MPI_Rget_accumulate_c", win, request) { (window) throws(MPIError) in
        try window.rgetAccumulate(try accumulated(originAddress, originCount, originType, op), result: try origin(resultAddress, resultCount, resultType),
                                  target: try target(rank, displacement, targetCount, targetType), op: try Handles.op(op))
    }
}
