import CMPI

/// Handles as integers: `MPI_X_toint` / `MPI_X_fromint` (MPI 5.0 ABI) and `MPI_X_c2f` /
/// `MPI_X_f2c` (MPI 4.1, `MPI_Fint` being `int`), for every kind of handle. A handle is
/// a number (`Handles`): predefined ones are below 0x1000 and made ones count up from
/// 0x100000 in steps of 16, so every one fits an `int` and comes back unchanged. No
/// object is looked up, so kinds other parts make (info objects, messages) convert alike,
/// and an invalid handle converts to a number that is invalid in turn, reported by
/// whatever call receives it.
enum HandleNumbers {
    static func number(_ handle: OpaquePointer?) -> Int32 { Int32(truncatingIfNeeded: Handles.value(handle)) }

    static func handle(_ number: Int32) -> OpaquePointer? { Handles.opaque(Int(number)) }
}

@_cdecl("MPI_Comm_toint")
public func mpiCommToInt(_ handle: MPI_Comm?) -> Int32 { HandleNumbers.number(handle) }

@_cdecl("MPI_Comm_fromint")
public func mpiCommFromInt(_ number: Int32) -> MPI_Comm? { HandleNumbers.handle(number) }

@_cdecl("MPI_Comm_c2f")
public func mpiCommC2F(_ handle: MPI_Comm?) -> Int32 { HandleNumbers.number(handle) }

@_cdecl("MPI_Comm_f2c")
public func mpiCommF2C(_ number: Int32) -> MPI_Comm? { HandleNumbers.handle(number) }

@_cdecl("MPI_Errhandler_toint")
public func mpiErrhandlerToInt(_ handle: MPI_Errhandler?) -> Int32 { HandleNumbers.number(handle) }

@_cdecl("MPI_Errhandler_fromint")
public func mpiErrhandlerFromInt(_ number: Int32) -> MPI_Errhandler? { HandleNumbers.handle(number) }

@_cdecl("MPI_Errhandler_c2f")
public func mpiErrhandlerC2F(_ handle: MPI_Errhandler?) -> Int32 { HandleNumbers.number(handle) }

@_cdecl("MPI_Errhandler_f2c")
public func mpiErrhandlerF2C(_ number: Int32) -> MPI_Errhandler? { HandleNumbers.handle(number) }

@_cdecl("MPI_File_toint")
public func mpiFileToInt(_ handle: MPI_File?) -> Int32 { HandleNumbers.number(handle) }

@_cdecl("MPI_File_fromint")
public func mpiFileFromInt(_ number: Int32) -> MPI_File? { HandleNumbers.handle(number) }

@_cdecl("MPI_File_c2f")
public func mpiFileC2F(_ handle: MPI_File?) -> Int32 { HandleNumbers.number(handle) }

@_cdecl("MPI_File_f2c")
public func mpiFileF2C(_ number: Int32) -> MPI_File? { HandleNumbers.handle(number) }

@_cdecl("MPI_Group_toint")
public func mpiGroupToInt(_ handle: MPI_Group?) -> Int32 { HandleNumbers.number(handle) }

@_cdecl("MPI_Group_fromint")
public func mpiGroupFromInt(_ number: Int32) -> MPI_Group? { HandleNumbers.handle(number) }

@_cdecl("MPI_Group_c2f")
public func mpiGroupC2F(_ handle: MPI_Group?) -> Int32 { HandleNumbers.number(handle) }

@_cdecl("MPI_Group_f2c")
public func mpiGroupF2C(_ number: Int32) -> MPI_Group? { HandleNumbers.handle(number) }

@_cdecl("MPI_Info_toint")
public func mpiInfoToInt(_ handle: MPI_Info?) -> Int32 { HandleNumbers.number(handle) }

@_cdecl("MPI_Info_fromint")
public func mpiInfoFromInt(_ number: Int32) -> MPI_Info? { HandleNumbers.handle(number) }

@_cdecl("MPI_Info_c2f")
public func mpiInfoC2F(_ handle: MPI_Info?) -> Int32 { HandleNumbers.number(handle) }

@_cdecl("MPI_Info_f2c")
public func mpiInfoF2C(_ number: Int32) -> MPI_Info? { HandleNumbers.handle(number) }

@_cdecl("MPI_Message_toint")
public func mpiMessageToInt(_ handle: MPI_Message?) -> Int32 { HandleNumbers.number(handle) }

@_cdecl("MPI_Message_fromint")
public func mpiMessageFromInt(_ number: Int32) -> MPI_Message? { HandleNumbers.handle(number) }

@_cdecl("MPI_Message_c2f")
public func mpiMessageC2F(_ handle: MPI_Message?) -> Int32 { HandleNumbers.number(handle) }

@_cdecl("MPI_Message_f2c")
public func mpiMessageF2C(_ number: Int32) -> MPI_Message? { HandleNumbers.handle(number) }

@_cdecl("MPI_Op_toint")
public func mpiOpToInt(_ handle: MPI_Op?) -> Int32 { HandleNumbers.number(handle) }

@_cdecl("MPI_Op_fromint")
public func mpiOpFromInt(_ number: Int32) -> MPI_Op? { HandleNumbers.handle(number) }

@_cdecl("MPI_Op_c2f")
public func mpiOpC2F(_ handle: MPI_Op?) -> Int32 { HandleNumbers.number(handle) }

@_cdecl("MPI_Op_f2c")
public func mpiOpF2C(_ number: Int32) -> MPI_Op? { HandleNumbers.handle(number) }

@_cdecl("MPI_Request_toint")
public func mpiRequestToInt(_ handle: MPI_Request?) -> Int32 { HandleNumbers.number(handle) }

@_cdecl("MPI_Request_fromint")
public func mpiRequestFromInt(_ number: Int32) -> MPI_Request? { HandleNumbers.handle(number) }

@_cdecl("MPI_Request_c2f")
public func mpiRequestC2F(_ handle: MPI_Request?) -> Int32 { HandleNumbers.number(handle) }

@_cdecl("MPI_Request_f2c")
public func mpiRequestF2C(_ number: Int32) -> MPI_Request? { HandleNumbers.handle(number) }

@_cdecl("MPI_Session_toint")
public func mpiSessionToInt(_ handle: MPI_Session?) -> Int32 { HandleNumbers.number(handle) }

@_cdecl("MPI_Session_fromint")
public func mpiSessionFromInt(_ number: Int32) -> MPI_Session? { HandleNumbers.handle(number) }

@_cdecl("MPI_Session_c2f")
public func mpiSessionC2F(_ handle: MPI_Session?) -> Int32 { HandleNumbers.number(handle) }

@_cdecl("MPI_Session_f2c")
public func mpiSessionF2C(_ number: Int32) -> MPI_Session? { HandleNumbers.handle(number) }

@_cdecl("MPI_Type_toint")
public func mpiTypeToInt(_ handle: MPI_Datatype?) -> Int32 { HandleNumbers.number(handle) }

@_cdecl("MPI_Type_fromint")
public func mpiTypeFromInt(_ number: Int32) -> MPI_Datatype? { HandleNumbers.handle(number) }

@_cdecl("MPI_Type_c2f")
public func mpiTypeC2F(_ handle: MPI_Datatype?) -> Int32 { HandleNumbers.number(handle) }

@_cdecl("MPI_Type_f2c")
public func mpiTypeF2C(_ number: Int32) -> MPI_Datatype? { HandleNumbers.handle(number) }

@_cdecl("MPI_Win_toint")
public func mpiWinToInt(_ handle: MPI_Win?) -> Int32 { HandleNumbers.number(handle) }

@_cdecl("MPI_Win_fromint")
public func mpiWinFromInt(_ number: Int32) -> MPI_Win? { HandleNumbers.handle(number) }

@_cdecl("MPI_Win_c2f")
public func mpiWinC2F(_ handle: MPI_Win?) -> Int32 { HandleNumbers.number(handle) }

@_cdecl("MPI_Win_f2c")
public func mpiWinF2C(_ number: Int32) -> MPI_Win? { HandleNumbers.handle(number) }
