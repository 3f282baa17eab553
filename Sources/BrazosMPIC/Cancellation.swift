import BrazosMPI
import CMPI

// Cancelling requests and looking at them without completing them.

/// `MPI_Cancel`: a posted receive that has not matched completes as cancelled; a send
/// completes as usual (its status says not cancelled). The request is still to be
/// completed by a wait or test.
@_cdecl("MPI_Cancel")
public func mpiCancel(_ handle: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    mpiCall("MPI_Cancel") { () throws(MPIError) in
        guard let handle else { throw MPIError(.request, "null pointer for the request") }
        guard let request = try Handles.request(handle.pointee) else { throw MPIError(.request, "MPI_Cancel of MPI_REQUEST_NULL") }
        try request.cancel()
    }
}

/// The status of a null or inactive request: empty.
private let emptyStatus = Status(source: MPI.anySource, tag: MPI.anyTag, byteCount: 0)

/// The request's status if complete, leaving it as it is; nil if not complete. A null
/// request counts as complete, with an empty status.
private func peek(_ handle: MPI_Request?) throws(MPIError) -> Result<Status, MPIError>? {
    guard let request = try Handles.request(handle), request.isLive else { return .success(emptyStatus) }
    do throws(MPIError) {
        return try request.statusIfComplete().map { .success($0) }
    } catch let error where error.errorClass != .request {
        return .failure(error)
    }
}

/// `MPI_Request_get_status`: flag and status as `MPI_Test` gives them, but the request
/// is neither freed nor made inactive.
@_cdecl("MPI_Request_get_status")
public func mpiRequestGetStatus(_ handle: MPI_Request?, _ flag: UnsafeMutablePointer<Int32>?, _ status: UnsafeMutablePointer<MPI_Status>?) -> Int32 {
    mpiCall("MPI_Request_get_status") { () throws(MPIError) in
        let flag = try output(flag, "the flag")
        guard let result = try peek(handle) else {
            flag.pointee = 0
            return
        }
        flag.pointee = 1
        store(try result.get(), in: status)
    }
}

private func handleList(_ handles: UnsafePointer<MPI_Request?>?, _ count: Int32) throws(MPIError) -> [MPI_Request?] {
    guard count >= 0 else { throw MPIError(.arg, "negative request count \(count)") }
    guard count > 0 else { return [] }
    guard let handles else { throw MPIError(.request, "null array of \(count) requests") }
    return Array(UnsafeBufferPointer(start: handles, count: Int(count)))
}

/// `MPI_Request_get_status_all` (MPI 5.0): flag true once every request is complete,
/// with every status; nothing is freed.
@_cdecl("MPI_Request_get_status_all")
public func mpiRequestGetStatusAll(_ count: Int32, _ handles: UnsafePointer<MPI_Request?>?, _ flag: UnsafeMutablePointer<Int32>?,
                                   _ statuses: UnsafeMutablePointer<MPI_Status>?) -> Int32 {
    mpiCall("MPI_Request_get_status_all") { () throws(MPIError) in
        let flag = try output(flag, "the flag")
        var results: [Result<Status, MPIError>] = []
        for handle in try handleList(handles, count) {
            guard let result = try peek(handle) else {
                flag.pointee = 0
                return
            }
            results.append(result)
        }
        flag.pointee = 1
        var failed = false
        for (index, result) in results.enumerated() {
            switch result {
            case let .success(status): statuses?[index] = MPI_Status(status)
            case let .failure(error):
                failed = true
                statuses?[index].MPI_ERROR = error.errorClass.rawValue
            }
        }
        if failed { throw MPIError(.inStatus, "a request failed") }
    }
}

/// `MPI_Request_get_status_any` (MPI 5.0): the first complete active request; index
/// `MPI_UNDEFINED` and flag true when none is active.
@_cdecl("MPI_Request_get_status_any")
public func mpiRequestGetStatusAny(_ count: Int32, _ handles: UnsafePointer<MPI_Request?>?, _ index: UnsafeMutablePointer<Int32>?,
                                   _ flag: UnsafeMutablePointer<Int32>?, _ status: UnsafeMutablePointer<MPI_Status>?) -> Int32 {
    mpiCall("MPI_Request_get_status_any") { () throws(MPIError) in
        let index = try output(index, "the index")
        let flag = try output(flag, "the flag")
        var anyActive = false
        for (position, handle) in try handleList(handles, count).enumerated() {
            guard let request = try Handles.request(handle), request.isLive else { continue }
            anyActive = true
            guard let result = try peek(handle) else { continue }
            flag.pointee = 1
            index.pointee = Int32(position)
            store(try result.get(), in: status)
            return
        }
        flag.pointee = anyActive ? 0 : 1
        index.pointee = Int32(MPI.undefined)
        // An empty status, its error field included (MPI 4.1 §3.7.3), as Open MPI gives it.
        if !anyActive { status?.pointee = MPI_Status(emptyStatus) }
    }
}

/// `MPI_Request_get_status_some` (MPI 5.0): every complete active request; count
/// `MPI_UNDEFINED` when none is active.
@_cdecl("MPI_Request_get_status_some")
public func mpiRequestGetStatusSome(_ count: Int32, _ handles: UnsafePointer<MPI_Request?>?, _ outCount: UnsafeMutablePointer<Int32>?,
                                    _ indices: UnsafeMutablePointer<Int32>?, _ statuses: UnsafeMutablePointer<MPI_Status>?) -> Int32 {
    mpiCall("MPI_Request_get_status_some") { () throws(MPIError) in
        let outCount = try output(outCount, "the count of completed requests")
        var anyActive = false
        var found = 0
        var failed = false
        for (position, handle) in try handleList(handles, count).enumerated() {
            guard let request = try Handles.request(handle), request.isLive else { continue }
            anyActive = true
            guard let result = try peek(handle) else { continue }
            try output(indices, "the indices").advanced(by: found).pointee = Int32(position)
            switch result {
            case let .success(status): statuses?[found] = MPI_Status(status)
            case let .failure(error):
                failed = true
                statuses?[found].MPI_ERROR = error.errorClass.rawValue
            }
            found += 1
        }
        outCount.pointee = anyActive ? Int32(found) : Int32(MPI.undefined)
        if failed { throw MPIError(.inStatus, "a request failed") }
    }
}
