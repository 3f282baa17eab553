/// MPI error classes, numbered as in the MPI 5.0 standard ABI, so the C layer returns them
/// unchanged.
public enum ErrorClass: Int32, Sendable, CustomStringConvertible {
    case success = 0
    case buffer = 1
    case count = 2
    case type = 3
    case tag = 4
    case comm = 5
    case rank = 6
    case request = 7
    case root = 8
    case group = 9
    case op = 10
    case topology = 11
    case dims = 12
    case arg = 13
    case unknown = 14
    case truncate = 15
    case other = 16
    case intern = 17
    case pending = 18
    case inStatus = 19
    // Info objects and attributes (communicators part).
    case infoKey = 31
    case infoNoKey = 32
    case infoValue = 33
    case info = 34
    case keyval = 36

    /// The class's MPI name (`MPI_ERR_RANK`).
    public var description: String {
        switch self {
        case .success: return "MPI_SUCCESS"
        case .buffer: return "MPI_ERR_BUFFER"
        case .count: return "MPI_ERR_COUNT"
        case .type: return "MPI_ERR_TYPE"
        case .tag: return "MPI_ERR_TAG"
        case .comm: return "MPI_ERR_COMM"
        case .rank: return "MPI_ERR_RANK"
        case .request: return "MPI_ERR_REQUEST"
        case .root: return "MPI_ERR_ROOT"
        case .group: return "MPI_ERR_GROUP"
        case .op: return "MPI_ERR_OP"
        case .topology: return "MPI_ERR_TOPOLOGY"
        case .dims: return "MPI_ERR_DIMS"
        case .arg: return "MPI_ERR_ARG"
        case .unknown: return "MPI_ERR_UNKNOWN"
        case .truncate: return "MPI_ERR_TRUNCATE"
        case .other: return "MPI_ERR_OTHER"
        case .intern: return "MPI_ERR_INTERN"
        case .inStatus: return "MPI_ERR_IN_STATUS"
        case .pending: return "MPI_ERR_PENDING"
        case .infoKey: return "MPI_ERR_INFO_KEY"
        case .infoNoKey: return "MPI_ERR_INFO_NOKEY"
        case .infoValue: return "MPI_ERR_INFO_VALUE"
        case .info: return "MPI_ERR_INFO"
        case .keyval: return "MPI_ERR_KEYVAL"
        }
    }
}

extension ErrorClass {
    /// What the class means, in a few words (`MPI_Error_string`).
    public var meaning: String {
        switch self {
        case .success: return "no error"
        case .buffer: return "invalid buffer pointer"
        case .count: return "invalid count argument"
        case .type: return "invalid datatype"
        case .tag: return "invalid tag"
        case .comm: return "invalid communicator"
        case .rank: return "invalid rank"
        case .request: return "invalid request"
        case .root: return "invalid root"
        case .group: return "invalid group"
        case .op: return "invalid reduce operation"
        case .topology: return "invalid topology"
        case .dims: return "invalid dimension argument"
        case .arg: return "invalid argument"
        case .unknown: return "unknown error"
        case .truncate: return "message truncated"
        case .other: return "other error"
        case .intern: return "internal error"
        case .inStatus: return "error code is in status"
        case .pending: return "pending request"
        case .infoKey: return "invalid info key"
        case .infoNoKey: return "info key not defined"
        case .infoValue: return "invalid info value"
        case .info: return "invalid info object"
        case .keyval: return "invalid attribute key"
        }
    }
}

/// An MPI error: its class and what exactly went wrong.
public struct MPIError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The MPI error class, which the C layer returns as the error code.
    public let errorClass: ErrorClass
    /// What went wrong, in words (the rank, tag or size at fault).
    public let message: String

    /// An error of `errorClass`, explained by `message`.
    public init(_ errorClass: ErrorClass, _ message: String) {
        self.errorClass = errorClass
        self.message = message
    }

    /// `CLASS: message`.
    public var description: String { "\(errorClass): \(message)" }
}

/// What happens when an MPI call in C fails (`MPI_Errhandler`); Swift callers always get
/// the error thrown.
public enum ErrorHandler: Sendable {
    /// `MPI_ERRORS_ARE_FATAL`: print the error and end the job.
    case fatal
    /// `MPI_ERRORS_ABORT`: like fatal (for a communicator, the same processes end).
    case abort
    /// `MPI_ERRORS_RETURN`: return the error class to the caller.
    case returnErrors
    /// A program's own handler (`MPI_Comm_create_errhandler`): it is called, then the
    /// error class is returned to the caller.
    case custom(CustomErrorHandler)
}

/// A program's error handler: a function of the communicator the error happened on and
/// the error. One object, so that every communicator it is set on shares its handle.
public final class CustomErrorHandler: Sendable {
    private let function: @Sendable (Communicator, MPIError) -> Void

    /// A handler that calls `function`.
    public init(_ function: @escaping @Sendable (Communicator, MPIError) -> Void) {
        self.function = function
    }

    /// Tells the program's function about `error` on `communicator`.
    public func handle(_ error: MPIError, on communicator: Communicator) {
        function(communicator, error)
    }
}
