import BrazosMPI
import CMPI

/// `MPI_Status` keeps the received byte count in its first two private words and the
/// cancelled flag in the third.
extension MPI_Status {
    init(_ status: Status) {
        self.init()
        MPI_SOURCE = Int32(truncatingIfNeeded: status.source)
        MPI_TAG = Int32(truncatingIfNeeded: status.tag)
        MPI_ERROR = status.error.rawValue
        byteCount = status.byteCount
        isCancelled = status.isCancelled
    }

    var byteCount: Int {
        get { Int(UInt32(bitPattern: MPI_internal.0)) | Int(MPI_internal.1) << 32 }
        set {
            MPI_internal.0 = Int32(truncatingIfNeeded: newValue)
            MPI_internal.1 = Int32(truncatingIfNeeded: newValue >> 32)
        }
    }

    var isCancelled: Bool {
        get { MPI_internal.2 != 0 }
        set { MPI_internal.2 = newValue ? 1 : 0 }
    }
}

extension Status {
    /// A status the program filled in (a generalized request's query); an error code
    /// that is no class of ours reads as `.other`.
    init(_ status: MPI_Status) {
        self.init(source: Int(status.MPI_SOURCE), tag: Int(status.MPI_TAG), byteCount: status.byteCount,
                  error: ErrorClass(rawValue: status.MPI_ERROR) ?? .other)
        isCancelled = status.isCancelled
    }
}

/// Stores `status` unless the program passed `MPI_STATUS_IGNORE`. The error field is
/// left alone, as MPI wants of single completions.
func store(_ status: Status, in target: UnsafeMutablePointer<MPI_Status>?) {
    guard let target else { return }
    let error = target.pointee.MPI_ERROR
    target.pointee = MPI_Status(status)
    target.pointee.MPI_ERROR = error
}
