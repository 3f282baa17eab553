import BrazosMPI

/// Where a call writes a result: a null pointer is `MPI_ERR_ARG`.
func output<T>(_ pointer: UnsafeMutablePointer<T>?, _ name: String) throws(MPIError) -> UnsafeMutablePointer<T> {
    guard let pointer else { throw MPIError(.arg, "null pointer for \(name)") }
    return pointer
}

/// C counts and displacements as Swift integers.
func integers(_ pointer: UnsafePointer<Int32>?, _ count: Int) -> [Int] {
    guard let pointer, count > 0 else { return [] }
    return (0..<count).map { Int(pointer[$0]) }
}

/// A C count (`int` or `MPI_Count`) as an `Int`; one an `Int` cannot hold is `MPI_ERR_COUNT`.
func elementCount<Count: BinaryInteger>(_ value: Count) throws(MPIError) -> Int {
    guard let count = Int(exactly: value) else { throw MPIError(.count, "count \(value) does not fit this host") }
    return count
}

/// `MPI_IN_PLACE` is the address 1.
func isInPlace(_ pointer: UnsafeRawPointer?) -> Bool { Int(bitPattern: pointer) == 1 }

func sendBuffer(_ pointer: UnsafeRawPointer?) -> SendBuffer {
    isInPlace(pointer) ? .inPlace : .memory(pointer)
}

func receiveBuffer(_ pointer: UnsafeMutableRawPointer?) -> ReceiveBuffer {
    isInPlace(pointer) ? .inPlace : .memory(pointer)
}
