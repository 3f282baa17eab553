import BrazosMPI
import CMPI

/// `MPI_Status_c2f` and its kin (MPI 4.1): a status between C, Fortran's `INTEGER` array
/// and the mpi_f08 module's `TYPE(MPI_Status)`. `MPI_Fint` being `int`, all three are the
/// same eight words in the same order, so each conversion is a copy; the ignore constants
/// are null, which each call refuses (`MPI_ERR_ARG`), as the standard makes passing them
/// erroneous.
enum StatusWords {
    static let count = 8

    static func copy(_ function: StaticString, from source: UnsafeRawPointer?, _ sourceName: String,
                     to target: UnsafeMutableRawPointer?, _ targetName: String) -> Int32 {
        mpiCall(function) { () throws(MPIError) in
            guard let source else { throw MPIError(.arg, "\(sourceName) is null (an ignore constant): no status to convert") }
            guard let target else { throw MPIError(.arg, "\(targetName) is null (an ignore constant): nowhere to convert to") }
            target.copyMemory(from: source, byteCount: count * MemoryLayout<MPI_Fint>.size)
        }
    }
}

@_cdecl("MPI_Status_c2f")
public func mpiStatusC2F(_ status: UnsafePointer<MPI_Status>?, _ fortran: UnsafeMutablePointer<MPI_Fint>?) -> Int32 {
    StatusWords.copy("MPI_Status_c2f", from: status, "the C status", to: fortran, "the Fortran status")
}

@_cdecl("MPI_Status_f2c")
public func mpiStatusF2C(_ fortran: UnsafePointer<MPI_Fint>?, _ status: UnsafeMutablePointer<MPI_Status>?) -> Int32 {
    StatusWords.copy("MPI_Status_f2c", from: fortran, "the Fortran status", to: status, "the C status")
}

@_cdecl("MPI_Status_c2f08")
public func mpiStatusC2F08(_ status: UnsafePointer<MPI_Status>?, _ f08: UnsafeMutablePointer<MPI_F08_status>?) -> Int32 {
    StatusWords.copy("MPI_Status_c2f08", from: status, "the C status", to: f08, "the Fortran 2008 status")
}

@_cdecl("MPI_Status_f082c")
public func mpiStatusF082C(_ f08: UnsafePointer<MPI_F08_status>?, _ status: UnsafeMutablePointer<MPI_Status>?) -> Int32 {
    StatusWords.copy("MPI_Status_f082c", from: f08, "the Fortran 2008 status", to: status, "the C status")
}

@_cdecl("MPI_Status_f2f08")
public func mpiStatusF2F08(_ fortran: UnsafePointer<MPI_Fint>?, _ f08: UnsafeMutablePointer<MPI_F08_status>?) -> Int32 {
    StatusWords.copy("MPI_Status_f2f08", from: fortran, "the Fortran status", to: f08, "the Fortran 2008 status")
}

@_cdecl("MPI_Status_f082f")
public func mpiStatusF082F(_ f08: UnsafePointer<MPI_F08_status>?, _ fortran: UnsafeMutablePointer<MPI_Fint>?) -> Int32 {
    StatusWords.copy("MPI_Status_f082f", from: f08, "the Fortran 2008 status", to: fortran, "the Fortran status")
}
