import BrazosCore
import BrazosMPI
import CMPI

/// The process's place in the job, between `MPI_Init` and `MPI_Finalize`: a C program is
/// its node's one rank.
enum Runtime {
    final class RankState {
        let job: Brazos
        let thread: BrazosThread
        let world: Communicator
        let selfCommunicator: Communicator

        init(job: Brazos, thread: BrazosThread) {
            self.job = job
            self.thread = thread
            world = thread.world
            selfCommunicator = job.selfCommunicator(of: thread.world)
        }
    }

    nonisolated(unsafe) private static var state: RankState?
    nonisolated(unsafe) static var isInitialized = false
    nonisolated(unsafe) static var isFinalized = false

    static func rank() throws(MPIError) -> RankState {
        guard let state else {
            throw MPIError(.other, isFinalized ? "MPI is finalized" : "MPI_Init has not been called")
        }
        return state
    }

    static func initialize() throws(MPIError) {
        guard !isInitialized else { throw MPIError(.other, "MPI_Init called twice") }
        do {
            let job = try Brazos.join()
            state = RankState(job: job, thread: try job.adoptCallingThread())
            isInitialized = true
        } catch let error as MPIError {
            throw error
        } catch {
            throw MPIError(.other, "joining the job: \(error)")
        }
    }

    static func finalize() throws(MPIError) {
        let current = try rank()
        do {
            try current.job.leave()
        } catch {
            throw MPIError(.other, "leaving the job: \(error)")
        }
        state = nil
        isFinalized = true
    }

    /// The world, whose handler takes the errors of calls on no communicator (as Open MPI
    /// 4.1 does; MPI 4 names `MPI_COMM_SELF`'s), and of calls before `MPI_Init` (none:
    /// always fatal).
    static var world: Communicator? { state?.world }
}

/// Runs an MPI call's body: success is `MPI_SUCCESS`; an error goes to the error handler
/// of the call's communicator (the world's when the call has none or its handle is not
/// valid).
func mpiCall(_ function: StaticString, on communicator: MPI_Comm? = nil, _ body: () throws(MPIError) -> Void) -> Int32 {
    do {
        try body()
        return 0
    } catch {
        return raise(error, in: function, on: communicator.flatMap { try? Handles.communicator($0) })
    }
}

/// Hands `error`, raised by `function`, to the error handler of `communicator` (nil: the
/// world's): the fatal handlers end the job, as `MPI_Abort` with the error class as code;
/// the others return the class, after calling the program's own handler if it is one.
func raise(_ error: MPIError, in function: StaticString, on communicator: Communicator?) -> Int32 {
    let target = communicator ?? Runtime.world
    switch target?.errorHandler ?? .fatal {
    case .returnErrors:
        return error.errorClass.rawValue
    case let .custom(handler):
        if let target { handler.handle(error, on: target) }
        return error.errorClass.rawValue
    case .fatal:
        endJob(error, in: function, handler: "MPI_ERRORS_ARE_FATAL")
    case .abort:
        endJob(error, in: function, handler: "MPI_ERRORS_ABORT")
    }
}

private func endJob(_ error: MPIError, in function: StaticString, handler: String) -> Never {
    let rank = (try? Runtime.rank().world.rank).map { "rank \($0): " } ?? ""
    Brazos.abort(code: error.errorClass.rawValue, reason: "\(rank)\(function): \(error) (\(handler))")
}
