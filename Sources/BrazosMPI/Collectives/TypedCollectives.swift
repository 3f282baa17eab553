/// The collectives on Swift arrays of `MPIValue`s: the same operations as the pointer
/// forms, returning their results.
///
/// ```swift
/// let total = try world.allreduce([localSum], op: .sum)[0]
/// let everyone = try world.allgather([world.rank * world.rank])
/// ```
extension Communicator {
    /// `values` becomes the root's array (every rank passes an array of the same count).
    public func bcast<T: MPIValue>(_ values: inout [T], root: Int) throws(MPIError) {
        let count = values.count
        try withMutableBytes(&values) { (bytes) throws(MPIError) in try bcast(bytes, count: count, datatype: T.mpiDatatype, root: root) }
    }

    /// The combination at the root, nil elsewhere.
    public func reduce<T: MPIValue>(_ values: [T], op: Op, root: Int) throws(MPIError) -> [T]? {
        var result = values
        try withBytes(values) { (input) throws(MPIError) in
            try withMutableBytes(&result) { (output) throws(MPIError) in
                try reduce(.memory(input), output, count: values.count, datatype: T.mpiDatatype, op: op, root: root)
            }
        }
        return rank == root ? result : nil
    }

    /// The elementwise combination of every rank's `values` (each passes the same count), everywhere.
    public func allreduce<T: MPIValue>(_ values: [T], op: Op) throws(MPIError) -> [T] {
        var result = values
        try withMutableBytes(&result) { (bytes) throws(MPIError) in try allreduce(.inPlace, bytes, count: values.count, datatype: T.mpiDatatype, op: op) }
        return result
    }

    /// Every rank's values in rank order at the root (each rank passes the same count),
    /// nil elsewhere.
    public func gather<T: MPIValue>(_ values: [T], root: Int) throws(MPIError) -> [T]? {
        var result = [T](repeating: values.first ?? zero(), count: rank == root ? values.count * size : 0)
        try withBytes(values) { (input) throws(MPIError) in
            try withMutableBytes(&result) { (output) throws(MPIError) in
                try gather(.memory(input), sendCount: values.count, sendType: T.mpiDatatype, output, receiveCount: values.count, receiveType: T.mpiDatatype, root: root)
            }
        }
        return rank == root ? result : nil
    }

    /// Every rank's values in rank order, everywhere (each rank passes the same count).
    public func allgather<T: MPIValue>(_ values: [T]) throws(MPIError) -> [T] {
        var result = [T](repeating: values.first ?? zero(), count: values.count * size)
        try withBytes(values) { (input) throws(MPIError) in
            try withMutableBytes(&result) { (output) throws(MPIError) in
                try allgather(.memory(input), sendCount: values.count, sendType: T.mpiDatatype, output, receiveCount: values.count, receiveType: T.mpiDatatype)
            }
        }
        return result
    }

    /// Block `rank` of the root's `values` (`count` elements each; others pass nil).
    public func scatter<T: MPIValue>(_ values: [T]?, count: Int, root: Int) throws(MPIError) -> [T] {
        var result = [T](repeating: zero(), count: count)
        try withBytes(values ?? []) { (input) throws(MPIError) in
            try withMutableBytes(&result) { (output) throws(MPIError) in
                try scatter(input, sendCount: count, sendType: T.mpiDatatype, .memory(output), receiveCount: count, receiveType: T.mpiDatatype, root: root)
            }
        }
        return result
    }

    /// Block j of `values` goes to rank j; block i of the result came from rank i.
    public func alltoall<T: MPIValue>(_ values: [T]) throws(MPIError) -> [T] {
        guard values.count % size == 0 else { throw MPIError(.count, "alltoall of \(values.count) values is not \(size) equal blocks") }
        var result = values
        let block = values.count / size
        try withBytes(values) { (input) throws(MPIError) in
            try withMutableBytes(&result) { (output) throws(MPIError) in
                try alltoall(.memory(input), sendCount: block, sendType: T.mpiDatatype, output, receiveCount: block, receiveType: T.mpiDatatype)
            }
        }
        return result
    }

    /// The combination over ranks 0...rank.
    public func scan<T: MPIValue>(_ values: [T], op: Op) throws(MPIError) -> [T] {
        var result = values
        try withMutableBytes(&result) { (bytes) throws(MPIError) in try scan(.inPlace, bytes, count: values.count, datatype: T.mpiDatatype, op: op) }
        return result
    }

    /// The combination over ranks 0..<rank; nil on rank 0.
    public func exscan<T: MPIValue>(_ values: [T], op: Op) throws(MPIError) -> [T]? {
        var result = values
        try withMutableBytes(&result) { (bytes) throws(MPIError) in try exscan(.inPlace, bytes, count: values.count, datatype: T.mpiDatatype, op: op) }
        return rank == 0 ? nil : result
    }

    private func zero<T: MPIValue>() -> T {
        withUnsafeTemporaryAllocation(of: T.self, capacity: 1) { buffer in
            UnsafeMutableRawBufferPointer(buffer).initializeMemory(as: UInt8.self, repeating: 0)
            return buffer[0]
        }
    }
}

/// Runs `body` on an array's bytes, passing its typed error through.
func withBytes<T>(_ values: [T], _ body: (UnsafeRawPointer?) throws(MPIError) -> Void) throws(MPIError) {
    var failure: MPIError?
    values.withUnsafeBytes { bytes in
        do throws(MPIError) { try body(bytes.baseAddress) } catch { failure = error }
    }
    if let failure { throw failure }
}

func withMutableBytes<T>(_ values: inout [T], _ body: (UnsafeMutableRawPointer?) throws(MPIError) -> Void) throws(MPIError) {
    var failure: MPIError?
    values.withUnsafeMutableBytes { bytes in
        do throws(MPIError) { try body(bytes.baseAddress) } catch { failure = error }
    }
    if let failure { throw failure }
}
