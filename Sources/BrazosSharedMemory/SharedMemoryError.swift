/// What can go wrong with the shared region.
public enum SharedMemoryError: Error, CustomStringConvertible, Equatable {
    /// A system call failed.
    case system(call: String, errno: Int32)
    /// The fixed address range is already in use in this process.
    case addressTaken(base: UInt, size: Int)
    /// The region has no room for an allocation.
    case full(name: String, requested: Int, available: Int)
    /// Nodes made different allocations under the same call.
    case mismatchedAllocation(name: String, detail: String)
    /// A name was allocated twice with different sizes.
    case conflictingName(name: String, detail: String)
    /// A protocol message that makes no sense.
    case malformed(String)
    /// A peer node's service thread is gone.
    case peerLost(node: Int, reason: String)
    /// A checkpoint cannot be taken or continued from.
    case checkpoint(String)

    /// The error as one line for the user, with what to do where there is something.
    public var description: String {
        switch self {
        case let .system(call, errno): return "\(call) failed: errno \(errno)"
        case let .addressTaken(base, size):
            return "the shared region's address range 0x\(String(base, radix: 16)) + \(size) bytes is already in use (set BRAZOS_SHARED_BASE)"
        case let .full(name, requested, available):
            return "shared allocation '\(name)' of \(requested) bytes does not fit: \(available) bytes left (set BRAZOS_SHARED_BYTES)"
        case let .mismatchedAllocation(name, detail): return "shared allocation '\(name)' differs between ranks: \(detail)"
        case let .conflictingName(name, detail): return "shared allocation '\(name)' was made before with another size: \(detail)"
        case let .malformed(detail): return "malformed shared-memory message: \(detail)"
        case let .peerLost(node, reason): return "shared memory: lost node \(node): \(reason)"
        case let .checkpoint(detail): return "checkpoint: \(detail)"
        }
    }
}
