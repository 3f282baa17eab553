import BrazosMPI
import CMPI

/// A C callback's error code as an error (one that is no class of ours reads as `.other`).
private func check(_ code: Int32, _ what: String) throws(MPIError) {
    guard code != 0 else { return }
    throw MPIError(ErrorClass(rawValue: code) ?? .other, "the generalized request's \(what) function returned \(code)")
}

/// The callbacks' C types, spelled out: the header's typedefs are function types, which
/// Swift would take for closures here.
public typealias GrequestQueryFunction = @convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<MPI_Status>?) -> Int32
public typealias GrequestFreeFunction = @convention(c) (UnsafeMutableRawPointer?) -> Int32
public typealias GrequestCancelFunction = @convention(c) (UnsafeMutableRawPointer?, Int32) -> Int32

/// `MPI_Grequest_start`: the program's query, free and cancel functions are called with
/// `extra_state` as MPI orders them (query then free when a wait or test completes it).
@_cdecl("MPI_Grequest_start")
public func mpiGrequestStart(_ query: GrequestQueryFunction?, _ free: GrequestFreeFunction?, _ cancel: GrequestCancelFunction?,
                             _ extraState: UnsafeMutableRawPointer?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    mpiCall("MPI_Grequest_start") { () throws(MPIError) in
        let output = try requestOutput(request)
        guard let query, let free, let cancel else { throw MPIError(.arg, "null function for a generalized request") }
        // Carried as a number: the program owns what it points to.
        let state = Int(bitPattern: extraState)
        let callbacks = GeneralizedCallbacks(
            query: { () throws(MPIError) -> Status in
                var status = MPI_Status(Status(source: MPI.anySource, tag: MPI.anyTag, byteCount: 0))
                try check(query(UnsafeMutableRawPointer(bitPattern: state), &status), "query")
                return Status(status)
            },
            free: { () throws(MPIError) in try check(free(UnsafeMutableRawPointer(bitPattern: state)), "free") },
            cancel: { (complete: Bool) throws(MPIError) in try check(cancel(UnsafeMutableRawPointer(bitPattern: state), complete ? 1 : 0), "cancel") })
        output.pointee = Handles.requests.add(Request.generalized(on: try Runtime.rank().world, callbacks))
    }
}

/// `MPI_Grequest_complete`. A generalized request freed before it completed keeps its
/// handle until then, for this call; its free function runs now.
@_cdecl("MPI_Grequest_complete")
public func mpiGrequestComplete(_ handle: MPI_Request?) -> Int32 {
    mpiCall("MPI_Grequest_complete") { () throws(MPIError) in
        guard let request = try Handles.request(handle) else { throw MPIError(.request, "MPI_Grequest_complete of MPI_REQUEST_NULL") }
        try request.completeGeneralized()
        if request.isFreed { Handles.requests.remove(handle) }
    }
}
