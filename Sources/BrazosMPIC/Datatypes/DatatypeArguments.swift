import BrazosMPI
import CMPI

/// The program's arrays of counts, displacements and datatypes for the datatype calls:
/// a null array with entries to read is `MPI_ERR_ARG`; a negative count `MPI_ERR_COUNT`.
enum DatatypeArguments {
    static func count<T: BinaryInteger>(_ value: T) throws(MPIError) -> Int {
        guard value >= 0, let count = Int(exactly: value) else { throw MPIError(.count, "negative count \(value)") }
        return count
    }

    static func array<T: BinaryInteger>(_ pointer: UnsafePointer<T>?, _ count: Int, _ name: String) throws(MPIError) -> [Int] {
        guard count > 0 else { return [] }
        guard let pointer else { throw MPIError(.arg, "null pointer for the \(name)") }
        return (0..<count).map { Int(truncatingIfNeeded: pointer[$0]) }
    }

    static func datatypes(_ pointer: UnsafePointer<MPI_Datatype?>?, _ count: Int) throws(MPIError) -> [Datatype] {
        guard count > 0 else { return [] }
        guard let pointer else { throw MPIError(.arg, "null pointer for the datatypes") }
        var types: [Datatype] = []
        types.reserveCapacity(count)
        for index in 0..<count { types.append(try Handles.datatype(pointer[index])) }
        return types
    }

    /// Stores a new datatype's handle.
    static func store(_ made: Datatype, _ new: UnsafeMutablePointer<MPI_Datatype?>?) throws(MPIError) {
        try output(new, "the new datatype").pointee = Handles.datatypes.add(made)
    }

    static func order(_ value: Int32) throws(MPIError) -> Datatype.ArrayOrder {
        guard let order = Datatype.ArrayOrder(rawValue: Int(value)) else { throw MPIError(.arg, "invalid array order \(value)") }
        return order
    }
}
