import BrazosMPI
import CMPI

/// `MPI_Status` keeps the received byte count in its first two private words.
extension MPI_Status {
    init(_ status: Status) {
        self.init()
        MPI_SOURCE = Int32(truncatingIfNeeded: status.source)
        MPI_TAG = Int32(truncatingIfNeeded: status.tag)
        MPI_ERROR = status.error.rawValue
        MPI_internal.0 = Int32(truncatingIfNeeded: status.byteCount)
        MPI_internal.1 = Int32(truncatingIfNeeded: status.byteCount >> 32)
    }

    var byteCount: Int { Int(UInt32(bitPattern: MPI_internal.0)) | Int(MPI_internal.1) << 32 }
}

/// Stores `status` unless the program passed `MPI_STATUS_IGNORE`. The error field is
/// left alone, as MPI wants of single completions.
func store(_ status: Status, in target: UnsafeMutablePointer<MPI_Status>?) {
    guard let target else { return }
    let error = target.pointee.MPI_ERROR
    target.pointee = MPI_Status(status)
    target.pointee.MPI_ERROR = error
}

/// C counts and displacements as Swift integers.
func integers(_ pointer: UnsafePointer<Int32>?, _ count: Int) -> [Int] {
    guard let pointer, count > 0 else { return [] }
    return (0..<count).map { Int(pointer[$0]) }
}

/// `MPI_IN_PLACE` is the address 1.
func isInPlace(_ pointer: UnsafeRawPointer?) -> Bool { Int(bitPattern: pointer) == 1 }

func sendBuffer(_ pointer: UnsafeRawPointer?) -> SendBuffer {
    isInPlace(pointer) ? .inPlace : .memory(pointer)
}

func receiveBuffer(_ pointer: UnsafeMutableRawPointer?) -> ReceiveBuffer {
    isInPlace(pointer) ? .inPlace : .memory(pointer)
}
