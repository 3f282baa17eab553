import BrazosMPI
import CMPI
#if canImport(Glibc)
import Glibc
#endif

/// `MPI_Comm_dup_with_info`: like `MPI_Comm_dup`, with `info`'s hints (`MPI_INFO_NULL`: none).
@_cdecl("MPI_Comm_dup_with_info")
public func mpiCommDupWithInfo(_ comm: MPI_Comm?, _ info: MPI_Info?, _ newComm: UnsafeMutablePointer<MPI_Comm?>?) -> Int32 {
    mpiCall("MPI_Comm_dup_with_info", on: comm) { () throws(MPIError) in
        let communicator = try Handles.communicator(comm)
        let hints = try Handles.optionalInfo(info) ?? Info()
        let result = try output(newComm, "the new communicator")
        result.pointee = Handles.opaque(Handles.Value.commNull)
        result.pointee = handle(of: try communicator.dup(info: hints))
    }
}

/// `MPI_Comm_idup`: `newcomm` is written when the request completes.
@_cdecl("MPI_Comm_idup")
public func mpiCommIdup(_ comm: MPI_Comm?, _ newComm: UnsafeMutablePointer<MPI_Comm?>?, _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    startIdup("MPI_Comm_idup", comm, info: nil, newComm, request)
}

/// `MPI_Comm_idup_with_info`.
@_cdecl("MPI_Comm_idup_with_info")
public func mpiCommIdupWithInfo(_ comm: MPI_Comm?, _ info: MPI_Info?, _ newComm: UnsafeMutablePointer<MPI_Comm?>?,
                                _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    startIdup("MPI_Comm_idup_with_info", comm, info: info, newComm, request)
}

private func startIdup(_ function: StaticString, _ comm: MPI_Comm?, info: MPI_Info?, _ newComm: UnsafeMutablePointer<MPI_Comm?>?,
                       _ request: UnsafeMutablePointer<MPI_Request?>?) -> Int32 {
    mpiCall(function, on: comm) { () throws(MPIError) in
        let communicator = try Handles.communicator(comm)
        let hints = try info.map { (handle) throws(MPIError) in try Handles.optionalInfo(handle) ?? Info() }
        let result = try output(newComm, "the new communicator"), started = try output(request, "the request")
        // MPI lets the program read `newcomm` only after completion; it stays valid till then.
        let address = Int(bitPattern: result)
        result.pointee = Handles.opaque(Handles.Value.commNull)
        started.pointee = Handles.requests.add(try communicator.idup(info: hints) { made in
            UnsafeMutablePointer<MPI_Comm?>(bitPattern: address)!.pointee = handle(of: made)
        })
    }
}

/// `MPI_Comm_split_type`: `MPI_COMM_TYPE_SHARED` (the ranks of a node), `_HW_GUIDED` (by
/// the info key `mpi_hw_resource_type`), `_RESOURCE_GUIDED` (also by `mpi_pset_name`),
/// `_HW_UNGUIDED`, or `MPI_UNDEFINED` (`MPI_COMM_NULL`); any other type is `MPI_ERR_ARG`.
@_cdecl("MPI_Comm_split_type")
public func mpiCommSplitType(_ comm: MPI_Comm?, _ splitType: Int32, _ key: Int32, _ info: MPI_Info?, _ newComm: UnsafeMutablePointer<MPI_Comm?>?) -> Int32 {
    mpiCall("MPI_Comm_split_type", on: comm) { () throws(MPIError) in
        let communicator = try Handles.communicator(comm)
        let hints = try Handles.optionalInfo(info)
        let result = try output(newComm, "the new communicator")
        let type: Communicator.SplitType?
        switch Int(splitType) {
        case MPI.undefined: type = nil
        case 221: type = .shared
        case 222: type = .hardwareUnguided
        case 223: type = .hardwareGuided
        case 224: type = .resourceGuided
        default: throw MPIError(.arg, "Comm_split_type: unknown split type \(splitType)")
        }
        result.pointee = handle(of: try communicator.split(type: type, key: Int(key), info: hints))
    }
}

/// `MPI_Comm_create_group`: collective over `group` only; `MPI_COMM_NULL` for a caller outside it.
@_cdecl("MPI_Comm_create_group")
public func mpiCommCreateGroup(_ comm: MPI_Comm?, _ group: MPI_Group?, _ tag: Int32, _ newComm: UnsafeMutablePointer<MPI_Comm?>?) -> Int32 {
    mpiCall("MPI_Comm_create_group", on: comm) { () throws(MPIError) in
        let communicator = try Handles.communicator(comm)
        let members = try Handles.group(group)
        let result = try output(newComm, "the new communicator")
        result.pointee = handle(of: try communicator.create(group: members, tag: Int(tag)))
    }
}

/// `MPI_Comm_create_from_group`: collective over `group`, told apart by `stringtag`.
@_cdecl("MPI_Comm_create_from_group")
public func mpiCommCreateFromGroup(_ group: MPI_Group?, _ stringTag: UnsafePointer<CChar>?, _ info: MPI_Info?, _ errorHandler: MPI_Errhandler?,
                                   _ newComm: UnsafeMutablePointer<MPI_Comm?>?) -> Int32 {
    mpiCall("MPI_Comm_create_from_group") { () throws(MPIError) in
        let members = try Handles.group(group)
        let tag = try cString(stringTag, "the string tag", limit: 1023, error: .arg)
        let hints = try Handles.optionalInfo(info)
        let handler = try Handles.errorHandler(errorHandler)
        let result = try output(newComm, "the new communicator")
        let made = try Communicator.create(from: members, tag: tag, info: hints, errorHandler: handler, world: try Runtime.rank().world)
        result.pointee = handle(of: made)
    }
}

/// `MPI_Comm_test_inter`.
@_cdecl("MPI_Comm_test_inter")
public func mpiCommTestInter(_ comm: MPI_Comm?, _ flag: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Comm_test_inter", on: comm) { () throws(MPIError) in
        try output(flag, "the flag").pointee = try Handles.communicator(comm).isIntercommunicator ? 1 : 0
    }
}

/// `MPI_Comm_set_name`: a name longer than `MPI_MAX_OBJECT_NAME` − 1 bytes is cut.
@_cdecl("MPI_Comm_set_name")
public func mpiCommSetName(_ comm: MPI_Comm?, _ name: UnsafePointer<CChar>?) -> Int32 {
    mpiCall("MPI_Comm_set_name", on: comm) { () throws(MPIError) in
        let communicator = try Handles.communicator(comm)
        guard let name else { throw MPIError(.arg, "null pointer for the name") }
        communicator.setName(String(decoding: UnsafeRawBufferPointer(start: name, count: strnlen(name, Communicator.maxNameLength)), as: UTF8.self))
    }
}

/// `MPI_Comm_get_name`: `name` holds `MPI_MAX_OBJECT_NAME` bytes.
@_cdecl("MPI_Comm_get_name")
public func mpiCommGetName(_ comm: MPI_Comm?, _ name: UnsafeMutablePointer<CChar>?, _ length: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Comm_get_name", on: comm) { () throws(MPIError) in
        // MPI_COMM_NULL is named too, as in Open MPI (mpi4py relies on it).
        let communicatorName = Handles.value(comm) == Handles.Value.commNull ? "MPI_COMM_NULL" : try Handles.communicator(comm).name
        let target = try output(name, "the name"), count = try output(length, "the length")
        count.pointee = Int32(copyString(communicatorName, into: target, capacity: Communicator.maxNameLength + 1))
    }
}

/// `MPI_Comm_set_info`: the hints replace those in use.
@_cdecl("MPI_Comm_set_info")
public func mpiCommSetInfo(_ comm: MPI_Comm?, _ info: MPI_Info?) -> Int32 {
    mpiCall("MPI_Comm_set_info", on: comm) { () throws(MPIError) in
        let communicator = try Handles.communicator(comm)
        communicator.setInfo(try Handles.info(info))
    }
}

/// `MPI_Comm_get_info`: a new info object of the hints in use, for the program to free.
@_cdecl("MPI_Comm_get_info")
public func mpiCommGetInfo(_ comm: MPI_Comm?, _ info: UnsafeMutablePointer<MPI_Info?>?) -> Int32 {
    mpiCall("MPI_Comm_get_info", on: comm) { () throws(MPIError) in
        let communicator = try Handles.communicator(comm)
        try output(info, "the info").pointee = Handles.infos.add(communicator.info)
    }
}
