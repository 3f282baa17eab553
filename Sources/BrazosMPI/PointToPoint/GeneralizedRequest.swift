/// The program's side of a generalized request (`MPI_Grequest_start`): an operation the
/// program runs itself and marks complete with `Request.completeGeneralized()`.
///
/// Completion calls ask `query` for the status once the request is complete, then call
/// `free`; `MPI_Request_free` calls `free` at once if it is complete, else when it
/// completes. `cancel` is told whether the operation had completed already.
public struct GeneralizedCallbacks {
    public var query: () throws(MPIError) -> Status
    public var free: () throws(MPIError) -> Void
    public var cancel: (_ complete: Bool) throws(MPIError) -> Void

    public init(query: @escaping () throws(MPIError) -> Status, free: @escaping () throws(MPIError) -> Void,
                cancel: @escaping (_ complete: Bool) throws(MPIError) -> Void) {
        self.query = query
        self.free = free
        self.cancel = cancel
    }
}

extension Request {
    /// A generalized request on `communicator`'s rank (`MPI_Grequest_start`): incomplete
    /// until `completeGeneralized()`; its errors go to `communicator`'s handler.
    public static func generalized(on communicator: Communicator, _ callbacks: GeneralizedCallbacks) -> Request {
        let request = Request(engine: communicator.engine, translation: nil)
        request.generalized = callbacks
        request.communicator = communicator
        return request
    }
}
