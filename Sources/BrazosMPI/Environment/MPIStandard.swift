/// Which MPI standard the library answers to (`MPI_Get_version`, `MPI_Get_library_version`).
///
/// 5.0: mpi.h is written to the MPI 5.0 standard ABI, whose reference header fixes
/// `MPI_VERSION` at 5, and the standard requires `MPI_Get_version` to agree with the
/// header's `MPI_VERSION` and `MPI_SUBVERSION`. No standard since MPI 1.3 is implemented
/// in full here (MPI-IO, dynamic processes and the tools interface
/// are left out), so the number says which interface a program compiles against: the
/// calls are MPI 4.1's with their 4.1 semantics, plus the MPI 5.0 additions that are
/// implemented (the ABI queries, handle conversions to int, removing error codes).
public enum MPIStandard {
    public static let version = 5
    public static let subversion = 0

    /// `MPI_Get_library_version`'s text.
    public static let libraryVersion = "Brazos for Swift: MPI \(version).\(subversion) standard ABI, MPI 4.1 semantics "
        + "(without MPI-IO, dynamic processes and the tools interface)"
}
