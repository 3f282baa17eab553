import BrazosMPI
import CMPI

/// Which form of a collective a C function is: blocking (`MPI_Bcast`), immediate
/// (`MPI_Ibcast`, a started request) or persistent (`MPI_Bcast_init`, an inactive one).
/// Each collective's C functions, the `_c` large-count ones included, share one body that
/// converts the arguments once and calls the Swift form this names.
enum CollectiveForm {
    case blocking
    case immediate(UnsafeMutablePointer<MPI_Request?>?)
    case persistent(UnsafeMutablePointer<MPI_Request?>?)

    /// Calls the Swift form that matches; the request of the others is nil.
    func run(_ blocking: @autoclosure () throws(MPIError) -> Void, _ immediate: @autoclosure () throws(MPIError) -> Request,
             _ persistent: @autoclosure () throws(MPIError) -> Request) throws(MPIError) -> Request? {
        switch self {
        case .blocking:
            try blocking()
            return nil
        case .immediate: return try immediate()
        case .persistent: return try persistent()
        }
    }

    /// Where the request goes; a null pointer is `MPI_ERR_REQUEST`, found before anything starts.
    func checkedOutput() throws(MPIError) -> UnsafeMutablePointer<MPI_Request?>? {
        switch self {
        case .blocking: return nil
        case let .immediate(pointer), let .persistent(pointer):
            guard let pointer else { throw MPIError(.request, "null pointer for the request") }
            return pointer
        }
    }
}

/// Runs a collective's C body on `comm`: errors go to the communicator's handler, the
/// request (immediate and persistent forms) to the program.
func collective(_ function: StaticString, _ form: CollectiveForm, on comm: MPI_Comm?,
                _ body: (Communicator) throws(MPIError) -> Request?) -> Int32 {
    mpiCall(function, on: comm) { () throws(MPIError) in
        let output = try form.checkedOutput()
        if let request = try Handles.withCommunicator(comm, body), let output { output.pointee = Handles.requests.add(request) }
    }
}

/// `count` C integers (counts or displacements, `int`, `MPI_Count` or `MPI_Aint`); a
/// null array gives none, which the collective's checks report.
func integerArray<Element: BinaryInteger>(_ pointer: UnsafePointer<Element>?, _ count: Int) throws(MPIError) -> [Int] {
    guard let pointer, count > 0 else { return [] }
    var result: [Int] = []
    result.reserveCapacity(count)
    for index in 0..<count { result.append(try elementCount(pointer[index])) }
    return result
}

/// `count` datatype handles; a null array gives none.
func datatypeArray(_ pointer: UnsafePointer<MPI_Datatype?>?, _ count: Int) throws(MPIError) -> [Datatype] {
    guard let pointer, count > 0 else { return [] }
    var result: [Datatype] = []
    result.reserveCapacity(count)
    for index in 0..<count { result.append(try Handles.datatype(pointer[index])) }
    return result
}

/// A datatype argument that MPI ignores on some ranks (the root's send type in place,
/// a non-root's receive type): resolved only where it is used.
func optionalType(_ handle: MPI_Datatype?, used: Bool) throws(MPIError) -> Datatype {
    used ? try Handles.datatype(handle) : .byte
}

/// The neighbourhood collectives take no `MPI_IN_PLACE`.
func neighborSend(_ pointer: UnsafeRawPointer?) throws(MPIError) -> UnsafeRawPointer? {
    guard !isInPlace(pointer) else { throw MPIError(.buffer, "MPI_IN_PLACE is not allowed in a neighbourhood collective") }
    return pointer
}
