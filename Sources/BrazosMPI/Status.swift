/// What a completed receive (or probe) learned: who sent, with which tag, how many bytes.
public struct Status: Equatable, Sendable {
    /// Sender's rank in the communicator (never `MPI.anySource`), or `MPI.procNull` for a
    /// receive from `procNull`.
    public var source: Int
    public var tag: Int
    /// Bytes received.
    public var byteCount: Int
    public var error: ErrorClass

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
    public static let anySource = -1
    public static let anyTag = -2
    public static let procNull = -3
    public static let undefined = -32766
    /// Largest tag a program may use (`MPI_TAG_UB`).
    public static let tagUpperBound = Int(Int32.max >> 1)
}
