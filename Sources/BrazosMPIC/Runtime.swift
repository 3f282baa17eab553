import BrazosCore
import BrazosMPI
import Checkpointing
import CMPI
#if canImport(Glibc)
import Glibc
#endif

/// The process's place in the job. A C program is its node's one rank: it joins the job
/// at its first `MPI_Init`, `MPI_Init_thread` or `MPI_Session_init`, and leaves it once,
/// together with the other processes, when the world model is finalized and no session
/// is open (at the `MPI_Finalize`, or the `MPI_Session_finalize` that closes the last
/// session after it). A program that only uses sessions stays in the job between them,
/// so that it may open more, and leaves at exit.
enum Runtime {
    final class RankState: Sendable {
        let job: Brazos
        let thread: BrazosThread
        let world: Communicator
        let selfCommunicator: Communicator
        /// The job's checkpoints (VeloC's API, `MPIX_Checkpoint_point`), attached as the
        /// process joins, before anything is sent: a restarted rank's saved messages are
        /// queued again then. Why not, where they cannot be (said at `VELOC_Init`).
        let checkpoints: Result<Checkpoints, any Error>

        init(job: Brazos, thread: BrazosThread, checkpoints: Result<Checkpoints, any Error>) {
            self.job = job
            self.thread = thread
            world = thread.world
            selfCommunicator = job.selfCommunicator(of: thread.world)
            self.checkpoints = checkpoints
        }
    }

    /// Where the world model (`MPI_Init` ... `MPI_Finalize`) stands: it runs at most once.
    enum WorldModel {
        case notInitialized, initialized, finalized
    }

    private struct Lifecycle {
        var process: RankState?
        var worldModel = WorldModel.notInitialized
        var openSessions = 0
        var hasLeft = false
        var leavesAtExit = false
    }

    private static let lifecycle = Guarded(Lifecycle())
    /// The world model's rank while it is initialized, read by every call on
    /// `MPI_COMM_WORLD` without a lock: it is written only by `MPI_Init*` and
    /// `MPI_Finalize`, which MPI orders before and after every other call of the world
    /// model (programs start their threads after the one and join them before the other).
    nonisolated(unsafe) private static var worldState: RankState? {
        didSet { unretainedWorld = worldState.map { Unmanaged.passUnretained($0.world) } }
    }
    /// `worldState`'s world communicator, unretained (it keeps it alive), written and read
    /// like it: `Handles.withCommunicator` lends it to the calls that send and receive
    /// without the retain and release a strong reference costs them each time.
    nonisolated(unsafe) private(set) static var unretainedWorld: Unmanaged<Communicator>?
    /// The thread that called `MPI_Init_thread` (`MPI_Is_thread_main`), written with
    /// `worldState` and read like it.
    nonisolated(unsafe) private(set) static var mainThread = pthread_self()

    /// The world model's rank; fails before `MPI_Init` and after `MPI_Finalize`.
    static func rank() throws(MPIError) -> RankState {
        guard let worldState else {
            throw MPIError(.other, isFinalized ? "MPI is finalized" : "MPI_Init has not been called")
        }
        return worldState
    }

    /// `MPI_Initialized`: the world model was initialized, finalized since or not.
    static var isInitialized: Bool { lifecycle.withLock { $0.worldModel != .notInitialized } }
    /// `MPI_Finalized`.
    static var isFinalized: Bool { lifecycle.withLock { $0.worldModel == .finalized } }

    /// `MPI_Init_thread`: starts the world model and returns the thread level provided,
    /// the process's: `required` if the process joins now (at most `.serialized` where
    /// threads move), else the level it joined with.
    static func initialize(required: ThreadLevel) throws(MPIError) -> ThreadLevel {
        try lifecycle.withLock { (life: inout Lifecycle) throws(MPIError) -> ThreadLevel in
            guard life.worldModel == .notInitialized else {
                throw MPIError(.other, life.worldModel == .initialized ? "MPI_Init called twice" : "MPI_Init called after MPI_Finalize")
            }
            let process = try join(&life, threadLevel: required)
            life.worldModel = .initialized
            worldState = process
            mainThread = pthread_self()
            return process.job.threadLevel
        }
    }

    /// `MPI_Finalize`: ends the world model, and leaves the job if no session is open.
    static func finalize() throws(MPIError) {
        // MPI 4.1 §11.2.4: MPI_COMM_SELF's attributes are deleted first, as if it were
        // freed; outside the lock, since their delete functions may call MPI.
        if let state = try? rank() { try state.selfCommunicator.deleteAllAttributes() }
        try lifecycle.withLock { (life: inout Lifecycle) throws(MPIError) in
            guard life.worldModel == .initialized, let process = life.process else {
                throw MPIError(.other, life.worldModel == .finalized ? "MPI_Finalize called twice" : "MPI_Init has not been called")
            }
            life.worldModel = .finalized
            worldState = nil
            if life.openSessions == 0 { try leave(&life, process) }
        }
    }

    /// `MPI_Session_init`: the process's rank, joining the job if it has not yet. A
    /// process that joins for a session lets its threads call at once
    /// (`MPI_THREAD_MULTIPLE`): the session's info, which could ask for less, is not read.
    static func openSession() throws(MPIError) -> RankState {
        try lifecycle.withLock { (life: inout Lifecycle) throws(MPIError) -> RankState in
            let process = try join(&life, threadLevel: .multiple)
            life.openSessions += 1
            if life.worldModel == .notInitialized && !life.leavesAtExit {
                life.leavesAtExit = true
                atexit { Runtime.leaveAtExit() }
            }
            return process
        }
    }

    /// `MPI_Session_finalize`: the last session after `MPI_Finalize` leaves the job.
    static func closeSession() throws(MPIError) {
        try lifecycle.withLock { (life: inout Lifecycle) throws(MPIError) in
            life.openSessions -= 1
            if life.openSessions == 0 && life.worldModel == .finalized, let process = life.process { try leave(&life, process) }
        }
    }

    private static func join(_ life: inout Lifecycle, threadLevel: ThreadLevel) throws(MPIError) -> RankState {
        if let process = life.process { return process }
        guard !life.hasLeft else { throw MPIError(.other, "this process has left the job already (MPI_Finalize)") }
        do {
            let job = try Brazos.join(threadLevel: threadLevel)
            let checkpoints = Result { try Checkpoints.attach(to: job) }
            let process = RankState(job: job, thread: try job.adoptCallingThread(), checkpoints: checkpoints)
            life.process = process
            return process
        } catch let error as MPIError {
            throw error
        } catch {
            throw MPIError(.other, "joining the job: \(error)")
        }
    }

    private static func leave(_ life: inout Lifecycle, _ process: RankState) throws(MPIError) {
        life.process = nil
        life.hasLeft = true
        do {
            try process.job.leave()
        } catch {
            throw MPIError(.other, "leaving the job: \(error)")
        }
    }

    /// A program of sessions alone leaves the job as it exits, with the other processes.
    private static func leaveAtExit() {
        lifecycle.withLock { life in
            guard life.worldModel == .notInitialized, let process = life.process else { return }
            try? leave(&life, process)
        }
    }

    /// The process's rank for the world model or a session, nil before either began.
    static var process: RankState? { lifecycle.withLock { $0.process } }

    /// The world, whose handler takes the errors of calls on no communicator (as Open MPI
    /// 4.1 does; MPI 4 names `MPI_COMM_SELF`'s), and of calls before `MPI_Init` (none:
    /// always fatal).
    static var world: Communicator? { worldState?.world }
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
/// world's): the fatal handlers end the job, as `MPI_Abort` with the error code; the
/// others return the code, after calling the program's own handler if it is one.
func raise(_ error: MPIError, in function: StaticString, on communicator: Communicator?) -> Int32 {
    let target = communicator ?? Runtime.world
    let handler = target?.errorHandler ?? .fatal
    if case let .custom(custom) = handler, let target { custom.handle(error, on: target) }
    return apply(handler, to: error, in: function)
}

/// What `handler` does after a program's own handler (if it is one) has been called:
/// return the error code, or end the job.
func apply(_ handler: ErrorHandler, to error: MPIError, in function: StaticString) -> Int32 {
    switch handler {
    case .returnErrors, .custom:
        return error.code
    case .fatal:
        endJob(error, in: function, handler: "MPI_ERRORS_ARE_FATAL")
    case .abort:
        endJob(error, in: function, handler: "MPI_ERRORS_ABORT")
    }
}

private func endJob(_ error: MPIError, in function: StaticString, handler: String) -> Never {
    let rank = (Runtime.process?.world.rank).map { "rank \($0): " } ?? ""
    Brazos.abort(code: error.code, reason: "\(rank)\(function): \(error) (\(handler))")
}
