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
