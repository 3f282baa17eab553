/// MPI error classes, every one the MPI 5.0 standard defines, numbered as in its ABI,
/// so the C layer returns them unchanged. Classes and codes a program adds
/// (`MPI_Add_error_class`) are numbers above `MPI_ERR_LASTCODE` kept by `ErrorCodes`.
public enum ErrorClass: Int32, Sendable, CaseIterable, CustomStringConvertible {
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
    case access = 20
    case amode = 21
    case assert = 22
    case badFile = 23
    case base = 24
    case conversion = 25
    case disp = 26
    case dupDatarep = 27
    case fileExists = 28
    case fileInUse = 29
    case file = 30
    case infoKey = 31
    case infoNokey = 32
    case infoValue = 33
    case info = 34
    case io = 35
    case keyval = 36
    case locktype = 37
    case name = 38
    case noMem = 39
    case notSame = 40
    case noSpace = 41
    case noSuchFile = 42
    case port = 43
    case quota = 44
    case readOnly = 45
    case rmaAttach = 46
    case rmaConflict = 47
    case rmaRange = 48
    case rmaShared = 49
    case rmaSync = 50
    case service = 51
    case size = 52
    case spawn = 53
    case unsupportedDatarep = 54
    case unsupportedOperation = 55
    case win = 56
    case rmaFlavor = 57
    case procAborted = 58
    case valueTooLarge = 59
    case session = 60
    case errhandler = 61
    case abi = 62

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
        case .pending: return "MPI_ERR_PENDING"
        case .inStatus: return "MPI_ERR_IN_STATUS"
        case .access: return "MPI_ERR_ACCESS"
        case .amode: return "MPI_ERR_AMODE"
        case .assert: return "MPI_ERR_ASSERT"
        case .badFile: return "MPI_ERR_BAD_FILE"
        case .base: return "MPI_ERR_BASE"
        case .conversion: return "MPI_ERR_CONVERSION"
        case .disp: return "MPI_ERR_DISP"
        case .dupDatarep: return "MPI_ERR_DUP_DATAREP"
        case .fileExists: return "MPI_ERR_FILE_EXISTS"
        case .fileInUse: return "MPI_ERR_FILE_IN_USE"
        case .file: return "MPI_ERR_FILE"
        case .infoKey: return "MPI_ERR_INFO_KEY"
        case .infoNokey: return "MPI_ERR_INFO_NOKEY"
        case .infoValue: return "MPI_ERR_INFO_VALUE"
        case .info: return "MPI_ERR_INFO"
        case .io: return "MPI_ERR_IO"
        case .keyval: return "MPI_ERR_KEYVAL"
        case .locktype: return "MPI_ERR_LOCKTYPE"
        case .name: return "MPI_ERR_NAME"
        case .noMem: return "MPI_ERR_NO_MEM"
        case .notSame: return "MPI_ERR_NOT_SAME"
        case .noSpace: return "MPI_ERR_NO_SPACE"
        case .noSuchFile: return "MPI_ERR_NO_SUCH_FILE"
        case .port: return "MPI_ERR_PORT"
        case .quota: return "MPI_ERR_QUOTA"
        case .readOnly: return "MPI_ERR_READ_ONLY"
        case .rmaAttach: return "MPI_ERR_RMA_ATTACH"
        case .rmaConflict: return "MPI_ERR_RMA_CONFLICT"
        case .rmaRange: return "MPI_ERR_RMA_RANGE"
        case .rmaShared: return "MPI_ERR_RMA_SHARED"
        case .rmaSync: return "MPI_ERR_RMA_SYNC"
        case .service: return "MPI_ERR_SERVICE"
        case .size: return "MPI_ERR_SIZE"
        case .spawn: return "MPI_ERR_SPAWN"
        case .unsupportedDatarep: return "MPI_ERR_UNSUPPORTED_DATAREP"
        case .unsupportedOperation: return "MPI_ERR_UNSUPPORTED_OPERATION"
        case .win: return "MPI_ERR_WIN"
        case .rmaFlavor: return "MPI_ERR_RMA_FLAVOR"
        case .procAborted: return "MPI_ERR_PROC_ABORTED"
        case .valueTooLarge: return "MPI_ERR_VALUE_TOO_LARGE"
        case .session: return "MPI_ERR_SESSION"
        case .errhandler: return "MPI_ERR_ERRHANDLER"
        case .abi: return "MPI_ERR_ABI"
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
        case .pending: return "pending request"
        case .inStatus: return "error code is in status"
        case .access: return "permission denied"
        case .amode: return "invalid file access mode"
        case .assert: return "invalid assert argument"
        case .badFile: return "invalid file name"
        case .base: return "invalid base address"
        case .conversion: return "data conversion failed"
        case .disp: return "invalid displacement"
        case .dupDatarep: return "data representation identifier already registered"
        case .fileExists: return "file exists"
        case .fileInUse: return "file in use"
        case .file: return "invalid file handle"
        case .infoKey: return "info key too long"
        case .infoNokey: return "info key not defined"
        case .infoValue: return "info value too long"
        case .info: return "invalid info object"
        case .io: return "input/output error"
        case .keyval: return "invalid attribute key"
        case .locktype: return "invalid lock type"
        case .name: return "service name not published"
        case .noMem: return "out of memory"
        case .notSame: return "collective arguments not the same on every process"
        case .noSpace: return "no space left"
        case .noSuchFile: return "no such file"
        case .port: return "invalid port name"
        case .quota: return "quota exceeded"
        case .readOnly: return "read-only file or file system"
        case .rmaAttach: return "memory cannot be attached"
        case .rmaConflict: return "conflicting accesses to a window"
        case .rmaRange: return "target memory outside the window"
        case .rmaShared: return "memory cannot be shared"
        case .rmaSync: return "wrong synchronization of RMA calls"
        case .service: return "invalid service name"
        case .size: return "invalid size"
        case .spawn: return "could not spawn processes"
        case .unsupportedDatarep: return "unsupported data representation"
        case .unsupportedOperation: return "unsupported operation"
        case .win: return "invalid window"
        case .rmaFlavor: return "wrong window flavor"
        case .procAborted: return "operation with an aborted process"
        case .valueTooLarge: return "value too large to store"
        case .session: return "invalid session"
        case .errhandler: return "invalid error handler"
        case .abi: return "ABI mismatch"
        }
    }
}

/// An MPI error: its class, its code, and what exactly went wrong.
public struct MPIError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The predefined MPI error class; `.other` for an error of a class the program added,
    /// whose number `code` then gives.
    public let errorClass: ErrorClass
    /// The error code the C layer returns and hands to error handlers: the class's number,
    /// or a code or class the program added (`MPI_Add_error_code`, `MPI_Add_error_class`).
    public let code: Int32
    /// What went wrong, in words (the rank, tag or size at fault).
    public let message: String

    /// An error of `errorClass` whose message is made only now, out of line: a check that
    /// passes on every call then keeps the string building out of its frame and inlines.
    @inline(never)
    static func cold(_ errorClass: ErrorClass, _ message: () -> String) -> MPIError { MPIError(errorClass, message()) }

    /// An error of `errorClass`, explained by `message`.
    public init(_ errorClass: ErrorClass, _ message: String) {
        self.errorClass = errorClass
        self.code = errorClass.rawValue
        self.message = message
    }

    /// An error with `code`, a predefined class or a code or class the program added
    /// (`MPI_Comm_call_errhandler`); `errorClass` is its predefined class if it has one.
    public init(code: Int32, _ message: String) {
        self.errorClass = ErrorClass(rawValue: ErrorCodes.shared.errorClass(of: code) ?? code) ?? .other
        self.code = code
        self.message = message
    }

    /// `CLASS: message`, or `code N: message` for a code the program added.
    public var description: String {
        code == errorClass.rawValue ? "\(errorClass): \(message)" : "error code \(code): \(message)"
    }
}

/// What happens when an MPI call in C fails (`MPI_Errhandler`); Swift callers always get
/// the error thrown.
public enum ErrorHandler: Sendable {
    /// `MPI_ERRORS_ARE_FATAL`: print the error and end the job.
    case fatal
    /// `MPI_ERRORS_ABORT`: print the error and end the processes of the communicator (or,
    /// on a session, this process); the launcher then ends the whole job, as MPI allows.
    case abort
    /// `MPI_ERRORS_RETURN`: return the error code to the caller.
    case returnErrors
    /// A program's own handler (`MPI_Comm_create_errhandler`,
    /// `MPI_Session_create_errhandler`): it is called, then the error code is returned.
    case custom(CustomErrorHandler)
}

/// A program's error handler: a function of the object the error happened on and the
/// error. One object, so that everything it is set on shares its handle. A handler is
/// made for one kind of object (communicators or sessions) and only set on that kind.
public final class CustomErrorHandler: Sendable {
    /// What a handler's function is told about.
    public enum Target: Sendable {
        case communicator(Communicator)
        case session(Session)
        case window(Window)
    }

    /// The kinds of object a handler is made for.
    public enum Kind: Sendable, CustomStringConvertible {
        case communicator, session, window

        public var description: String {
            switch self {
            case .communicator: return "communicators"
            case .session: return "sessions"
            case .window: return "windows"
            }
        }
    }

    /// The kind of object this handler may be set on.
    public let kind: Kind
    private let function: @Sendable (Target, MPIError) -> Void

    /// A handler for communicators that calls `function`.
    public convenience init(_ function: @escaping @Sendable (Communicator, MPIError) -> Void) {
        self.init(kind: .communicator) { target, error in
            if case let .communicator(communicator) = target { function(communicator, error) }
        }
    }

    /// A handler for sessions that calls `function`.
    public convenience init(session function: @escaping @Sendable (Session, MPIError) -> Void) {
        self.init(kind: .session) { target, error in
            if case let .session(session) = target { function(session, error) }
        }
    }

    /// A handler for windows that calls `function`.
    public convenience init(window function: @escaping @Sendable (Window, MPIError) -> Void) {
        self.init(kind: .window) { target, error in
            if case let .window(window) = target { function(window, error) }
        }
    }

    private init(kind: Kind, _ function: @escaping @Sendable (Target, MPIError) -> Void) {
        self.kind = kind
        self.function = function
    }

    /// Tells the program's function about `error` on `communicator`.
    public func handle(_ error: MPIError, on communicator: Communicator) {
        function(.communicator(communicator), error)
    }

    /// Tells the program's function about `error` on `session`.
    public func handle(_ error: MPIError, on session: Session) {
        function(.session(session), error)
    }

    /// Tells the program's function about `error` on `window`.
    public func handle(_ error: MPIError, on window: Window) {
        function(.window(window), error)
    }

    /// Throws `MPI_ERR_ARG` unless this handler may be set on objects of `kind`.
    public func check(settableOn kind: Kind) throws(MPIError) {
        guard kind == self.kind else { throw MPIError(.arg, "an error handler made for \(self.kind) set on one of \(kind)") }
    }
}
