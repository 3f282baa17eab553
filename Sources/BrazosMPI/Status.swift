/// What a completed receive (or probe) learned: who sent, with which tag, how many bytes.
public struct Status: Equatable, Sendable {
    /// Sender's rank in the communicator (never `MPI.anySource`), or `MPI.procNull` for a
    /// receive from `procNull`.
    public var source: Int
    /// The message's tag (`MPI.anyTag` for an empty status).
    public var tag: Int
    /// Bytes received.
    public var byteCount: Int
    /// `.truncate` when the message was longer than the buffer; the C layer's `MPI_ERROR`.
    public var error: ErrorClass
    /// Whether the operation was cancelled (`MPI_Test_cancelled`) instead of completing.
    public var isCancelled = false

    /// A status with every field given; `error` is `.success` unless said.
    public init(source: Int, tag: Int, byteCount: Int, error: ErrorClass = .success) {
        self.source = source
        self.tag = tag
        self.byteCount = byteCount
        self.error = error
    }

    /// Elements of `T` received, or nil if the bytes are not a whole number of them
    /// (`MPI_UNDEFINED`).
    public func count<T>(of type: T.Type) -> Int? {
        let size = MemoryLayout<T>.stride
        return byteCount % size == 0 ? byteCount / size : nil
    }

    static let empty = Status(source: MPI.procNull, tag: MPI.anyTag, byteCount: 0)
}

/// The constants of the MPI API, with the values of the MPI 5.0 standard ABI.
public enum MPI {
    /// `MPI_ANY_SOURCE`: a receive or probe matching any sender.
    public static let anySource = -1
    /// `MPI_ANY_TAG`: a receive or probe matching any tag.
    public static let anyTag = -2
    /// `MPI_PROC_NULL`: a peer that makes sends and receives complete at once, doing nothing.
    public static let procNull = -3
    /// `MPI_UNDEFINED`: a split colour for no communicator, a rank outside a group, a count
    /// that is not whole.
    public static let undefined = -32766
    /// Largest tag a program may use (`MPI_TAG_UB`).
    public static let tagUpperBound = Int(Int32.max >> 1)
}
