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

    /// The handler for errors not tied to a communicator: the world's.
    static var defaultErrorHandler: ErrorHandler { state?.world.errorHandler ?? .fatal }
}

/// Runs an MPI call's body: success is `MPI_SUCCESS`; an error goes to the error handler
/// of the call's communicator (or the world's), which ends the job or returns its class.
func mpiCall(_ function: StaticString, on communicator: MPI_Comm? = nil, _ body: () throws(MPIError) -> Void) -> Int32 {
    do {
        try body()
        return 0
    } catch {
        let handler = communicator.flatMap { try? Handles.communicator($0) }?.errorHandler ?? Runtime.defaultErrorHandler
        return raise(error, in: function, handler: handler)
    }
}

/// Same, for bodies that resolve the communicator themselves.
func raise(_ error: MPIError, in function: StaticString, handler: ErrorHandler) -> Int32 {
    switch handler {
    case .returnErrors:
        return error.errorClass.rawValue
    case .fatal, .abort:
        let rank = (try? Runtime.rank().world.rank).map { "rank \($0): " } ?? ""
        Brazos.abort(code: 1, reason: "\(rank)\(function): \(error) (MPI_ERRORS_ARE_FATAL)")
    }
}
