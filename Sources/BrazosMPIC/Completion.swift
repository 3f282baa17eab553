import BrazosMPI
import CMPI

/// The status of a null or inactive request: empty.
private let emptyStatus = Status(source: MPI.anySource, tag: MPI.anyTag, byteCount: 0)

/// Finishes the request behind `handle` (it completed): a non-persistent one is released
/// and its handle becomes `MPI_REQUEST_NULL`. Returns its status or error.
private func finish(_ handle: UnsafeMutablePointer<MPI_Request?>, _ request: Request) -> Result<Status, MPIError> {
    let result: Result<Status, MPIError>
    do { result = .success(try request.wait()) } catch { result = .failure(error) }
    if !request.isPersistent {
        Handles.requests.remove(handle.pointee)
        handle.pointee = Handles.opaque(Handles.Value.requestNull)
    }
    return result
}

/// The requests of a C array of `count` handles (nil entries: `MPI_REQUEST_NULL`).
private func requests(_ handles: UnsafeMutablePointer<MPI_Request?>?, _ count: Int32) throws(MPIError) -> [Request?] {
    guard count >= 0 else { throw MPIError(.arg, "negative request count \(count)") }
    guard count > 0 else { return [] }
    guard let handles else { throw MPIError(.request, "null array of \(count) requests") }
    var result: [Request?] = []
    for index in 0..<Int(count) { result.append(try Handles.request(handles[index])) }
    return result
}

/// Finishes the completed requests at `indices`, storing statuses at the same positions
/// (or, with `compact`, in order) and noting each one's error in its status. Returns the
/// first failure.
private func finishAll(_ indices: [Int], _ handles: UnsafeMutablePointer<MPI_Request?>, _ list: [Request?],
                       _ statuses: UnsafeMutablePointer<MPI_Status>?, compact: Bool) -> (MPIError, Request)? {
    var failure: (MPIError, Request)?
    for (position, index) in indices.enumerated() {
        guard let request = list[index] else { continue }
        let slot = statuses.map { $0 + (compact ? position : index) }
        switch finish(handles + index, request) {
        case let .success(status):
            slot?.pointee = MPI_Status(status)
        case let .failure(error):
            slot?.pointee = MPI_Status(request.completedStatus)
            slot?.pointee.MPI_ERROR = error.errorClass.rawValue
            if failure == nil { failure = (error, request) }
        }
    }
    return failure
}

private func inStatus(_ failure: (MPIError, Request), _ function: StaticString) -> Int32 {
    raise(MPIError(.inStatus, "\(failure.0)"), in: function, on: failure.1.communicator)
}

/// `MPI_Wait`: releases a completed non-persistent request and sets its handle to `MPI_REQUEST_NULL`.
@_cdecl("MPI_Wait")
public func mpiWait(_ handle: UnsafeMutablePointer<MPI_Request?>?, _ status: UnsafeMutablePointer<MPI_Status>?) -> Int32 {
    // Errors before a request is known go to the world's handler.
    guard let handle else { return raise(MPIError(.request, "null pointer for the request"), in: "MPI_Wait", on: nil) }
    let request: Request?
    do { request = try Handles.request(handle.pointee) } catch { return raise(error, in: "MPI_Wait", on: nil) }
    guard let request, request.isLive else {
        store(emptyStatus, in: status)
        return 0
    }
    switch finish(handle, request) {
    case let .success(result):
        store(result, in: status)
        return 0
    case let .failure(error):
        store(request.completedStatus, in: status)
        return raise(error, in: "MPI_Wait", on: request.communicator)
    }
}

/// `MPI_Test`.
@_cdecl("MPI_Test")
public func mpiTest(_ handle: UnsafeMutablePointer<MPI_Request?>?, _ flag: UnsafeMutablePointer<Int32>?, _ status: UnsafeMutablePointer<MPI_Status>?) -> Int32 {
    guard let handle else { return raise(MPIError(.request, "null pointer for the request"), in: "MPI_Test", on: nil) }
    guard let flag else { return raise(MPIError(.arg, "null pointer for the flag"), in: "MPI_Test", on: nil) }
    let request: Request?
    do { request = try Handles.request(handle.pointee) } catch { return raise(error, in: "MPI_Test", on: nil) }
    guard let request, request.isLive else {
        flag.pointee = 1
        store(emptyStatus, in: status)
        return 0
    }
    do {
        guard try Request.allComplete([request]) else {
            flag.pointee = 0
            return 0
        }
    } catch { return raise(error, in: "MPI_Test", on: request.communicator) }
    flag.pointee = 1
    return mpiWait(handle, status)
}

/// `MPI_Waitall`: on any failure returns `MPI_ERR_IN_STATUS`, each status's `MPI_ERROR` saying which.
@_cdecl("MPI_Waitall")
public func mpiWaitall(_ count: Int32, _ handles: UnsafeMutablePointer<MPI_Request?>?, _ statuses: UnsafeMutablePointer<MPI_Status>?) -> Int32 {
    let list: [Request?]
    do { list = try requests(handles, count) } catch { return raise(error, in: "MPI_Waitall", on: nil) }
    for index in list.indices where !(list[index]?.isLive ?? false) { statuses?[index] = MPI_Status(emptyStatus) }
    let live = list.indices.filter { list[$0]?.isLive ?? false }
    guard let handles, !live.isEmpty else { return 0 }
    if let failure = finishAll(live, handles, list, statuses, compact: false) { return inStatus(failure, "MPI_Waitall") }
    return 0
}

/// `MPI_Testall`: completes nothing unless every request is complete.
@_cdecl("MPI_Testall")
public func mpiTestall(_ count: Int32, _ handles: UnsafeMutablePointer<MPI_Request?>?, _ flag: UnsafeMutablePointer<Int32>?,
                       _ statuses: UnsafeMutablePointer<MPI_Status>?) -> Int32 {
    let complete: Bool
    do {
        _ = try output(flag, "the flag")
        complete = try Request.allComplete(try requests(handles, count))
    } catch { return raise(error, in: "MPI_Testall", on: nil) }
    flag?.pointee = complete ? 1 : 0
    return complete ? mpiWaitall(count, handles, statuses) : 0
}

/// `MPI_Waitany`: `MPI_UNDEFINED` as index when no request is active.
@_cdecl("MPI_Waitany")
public func mpiWaitany(_ count: Int32, _ handles: UnsafeMutablePointer<MPI_Request?>?, _ index: UnsafeMutablePointer<Int32>?,
                       _ status: UnsafeMutablePointer<MPI_Status>?) -> Int32 {
    let list: [Request?]
    let completed: Int?
    do {
        _ = try output(index, "the index")
        list = try requests(handles, count)
        completed = try Request.waitForAny(list)
    } catch { return raise(error, in: "MPI_Waitany", on: nil) }
    return answerAny(completed, list, handles, index, status, "MPI_Waitany")
}

/// `MPI_Testany`: flag true and `MPI_UNDEFINED` as index when no request is active.
@_cdecl("MPI_Testany")
public func mpiTestany(_ count: Int32, _ handles: UnsafeMutablePointer<MPI_Request?>?, _ index: UnsafeMutablePointer<Int32>?,
                       _ flag: UnsafeMutablePointer<Int32>?, _ status: UnsafeMutablePointer<MPI_Status>?) -> Int32 {
    let list: [Request?]
    let completed: [Int]?
    do {
        _ = try output(index, "the index")
        _ = try output(flag, "the flag")
        list = try requests(handles, count)
        completed = try Request.completedNow(list)
    } catch { return raise(error, in: "MPI_Testany", on: nil) }
    if let completed, completed.isEmpty {
        flag?.pointee = 0
        index?.pointee = Int32(MPI.undefined)
        return 0
    }
    flag?.pointee = 1
    return answerAny(completed?.first, list, handles, index, status, "MPI_Testany")
}

/// Finishes the request a waitany or testany found (nil: none was live).
private func answerAny(_ found: Int?, _ list: [Request?], _ handles: UnsafeMutablePointer<MPI_Request?>?, _ index: UnsafeMutablePointer<Int32>?,
                       _ status: UnsafeMutablePointer<MPI_Status>?, _ function: StaticString) -> Int32 {
    guard let found, let handles, let request = list[found] else {
        index?.pointee = Int32(MPI.undefined)
        store(emptyStatus, in: status)
        return 0
    }
    index?.pointee = Int32(found)
    switch finish(handles + found, request) {
    case let .success(result):
        store(result, in: status)
        return 0
    case let .failure(error):
        store(request.completedStatus, in: status)
        return raise(error, in: function, on: request.communicator)
    }
}

/// `MPI_Waitsome`: `MPI_UNDEFINED` as count when no request is active.
@_cdecl("MPI_Waitsome")
public func mpiWaitsome(_ count: Int32, _ handles: UnsafeMutablePointer<MPI_Request?>?, _ outCount: UnsafeMutablePointer<Int32>?,
                        _ indices: UnsafeMutablePointer<Int32>?, _ statuses: UnsafeMutablePointer<MPI_Status>?) -> Int32 {
    let list: [Request?]
    let completed: [Int]?
    do {
        try checkSomeOutputs(count, outCount, indices)
        list = try requests(handles, count)
        completed = try Request.waitForSome(list)
    } catch { return raise(error, in: "MPI_Waitsome", on: nil) }
    return answerSome(completed, list, handles, outCount, indices, statuses, "MPI_Waitsome")
}

/// `MPI_Testsome`: `MPI_UNDEFINED` as count when no request is active.
@_cdecl("MPI_Testsome")
public func mpiTestsome(_ count: Int32, _ handles: UnsafeMutablePointer<MPI_Request?>?, _ outCount: UnsafeMutablePointer<Int32>?,
                        _ indices: UnsafeMutablePointer<Int32>?, _ statuses: UnsafeMutablePointer<MPI_Status>?) -> Int32 {
    let list: [Request?]
    let completed: [Int]?
    do {
        try checkSomeOutputs(count, outCount, indices)
        list = try requests(handles, count)
        completed = try Request.completedNow(list)
    } catch { return raise(error, in: "MPI_Testsome", on: nil) }
    return answerSome(completed, list, handles, outCount, indices, statuses, "MPI_Testsome")
}

private func checkSomeOutputs(_ count: Int32, _ outCount: UnsafeMutablePointer<Int32>?, _ indices: UnsafeMutablePointer<Int32>?) throws(MPIError) {
    _ = try output(outCount, "the count of completed requests")
    if count > 0 { _ = try output(indices, "the indices of completed requests") }
}

private func answerSome(_ completed: [Int]?, _ list: [Request?], _ handles: UnsafeMutablePointer<MPI_Request?>?, _ outCount: UnsafeMutablePointer<Int32>?,
                        _ indices: UnsafeMutablePointer<Int32>?, _ statuses: UnsafeMutablePointer<MPI_Status>?, _ function: StaticString) -> Int32 {
    guard let completed else {
        outCount?.pointee = Int32(MPI.undefined)
        return 0
    }
    outCount?.pointee = Int32(completed.count)
    for (position, index) in completed.enumerated() { indices?[position] = Int32(index) }
    guard let handles, !completed.isEmpty else { return 0 }
    if let failure = finishAll(completed, handles, list, statuses, compact: true) { return inStatus(failure, function) }
    return 0
}

/// `MPI_Request_free`: a pending operation still completes; the handle becomes `MPI_REQUEST_NULL`.
@_cdecl("MPI_Request_free")
public func mpiRequestFree(_ handle: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    mpiCall("MPI_Request_free") { () throws(MPIError) in
        guard let handle else { throw MPIError(.request, "null pointer for the request") }
        guard let request = try Handles.request(handle.pointee) else { throw MPIError(.request, "MPI_Request_free of MPI_REQUEST_NULL") }
        try request.free()
        // A generalized request not yet complete keeps its handle for MPI_Grequest_complete.
        if !(request.isGeneralized && !request.isComplete) { Handles.requests.remove(handle.pointee) }
        handle.pointee = Handles.opaque(Handles.Value.requestNull)
    }
}

/// `MPI_Start`.
@_cdecl("MPI_Start")
public func mpiStart(_ handle: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    mpiCall("MPI_Start") { () throws(MPIError) in
        guard let handle else { throw MPIError(.request, "null pointer for the request") }
        guard let request = try Handles.request(handle.pointee) else { throw MPIError(.request, "MPI_Start of MPI_REQUEST_NULL") }
        try request.start()
    }
}

/// `MPI_Startall`: stops at the first request that fails to start; later ones are not started.
@_cdecl("MPI_Startall")
public func mpiStartall(_ count: Int32, _ handles: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    do { _ = try requests(handles, count) } catch { return raise(error, in: "MPI_Startall", on: nil) }
    for index in 0..<Int(count) {
        let result = mpiStart(handles.map { $0 + index })
        if result != 0 { return result }
    }
    return 0
}
