/// What can go wrong reading or writing checkpoints. Every message names the file.
public enum CheckpointError: Error, CustomStringConvertible, Equatable {
    /// A system call on `path` failed with `errno`.
    case system(call: String, path: String, errno: Int32)
    /// A file that is not what it should be: truncated, corrupt, or of another format.
    case invalid(path: String, reason: String)

    /// The error as one line naming the file.
    public var description: String {
        switch self {
        case let .system(call, path, errno): return "\(call) \(path): errno \(errno)"
        case let .invalid(path, reason): return "\(path): \(reason)"
        }
    }
}
