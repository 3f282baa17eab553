/// How freely the threads of a rank may call into the library (MPI's thread support
/// levels), in increasing order.
public enum ThreadLevel: Int, Comparable, Sendable, CaseIterable, CustomStringConvertible {
    /// One thread (`MPI_THREAD_SINGLE`).
    case single
    /// Several threads, but only the one that joined calls (`MPI_THREAD_FUNNELED`).
    case funneled
    /// Several threads call, one at a time (`MPI_THREAD_SERIALIZED`).
    case serialized
    /// Several threads call at once (`MPI_THREAD_MULTIPLE`).
    case multiple

    public static func < (lhs: ThreadLevel, rhs: ThreadLevel) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The level's MPI name (`MPI_THREAD_MULTIPLE`), as the `thread_level` info key gives it.
    public var description: String {
        switch self {
        case .single: return "MPI_THREAD_SINGLE"
        case .funneled: return "MPI_THREAD_FUNNELED"
        case .serialized: return "MPI_THREAD_SERIALIZED"
        case .multiple: return "MPI_THREAD_MULTIPLE"
        }
    }
}
