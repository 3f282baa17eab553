import BrazosMPI
import CMPI

/// `MPI_Intercomm_create`: `peer_comm` and `remote_leader` matter at the local leader only.
@_cdecl("MPI_Intercomm_create")
public func mpiIntercommCreate(_ localComm: MPI_Comm?, _ localLeader: Int32, _ peerComm: MPI_Comm?, _ remoteLeader: Int32, _ tag: Int32,
                               _ newComm: UnsafeMutablePointer<MPI_Comm?>?) -> Int32 {
    mpiCall("MPI_Intercomm_create", on: localComm) { () throws(MPIError) in
        let local = try Handles.communicator(localComm)
        let result = try output(newComm, "the new intercommunicator")
        let peer = try? Handles.communicator(peerComm)
        result.pointee = handle(of: try local.intercommunicator(localLeader: Int(localLeader), peer: peer, remoteLeader: Int(remoteLeader), tag: Int(tag)))
    }
}

/// `MPI_Intercomm_create_from_groups`: collective over both groups, told apart by `stringtag`.
@_cdecl("MPI_Intercomm_create_from_groups")
public func mpiIntercommCreateFromGroups(_ localGroup: MPI_Group?, _ localLeader: Int32, _ remoteGroup: MPI_Group?, _ remoteLeader: Int32,
                                         _ stringTag: UnsafePointer<CChar>?, _ info: MPI_Info?, _ errorHandler: MPI_Errhandler?,
                                         _ newComm: UnsafeMutablePointer<MPI_Comm?>?) -> Int32 {
    mpiCall("MPI_Intercomm_create_from_groups") { () throws(MPIError) in
        let local = try Handles.group(localGroup), remote = try Handles.group(remoteGroup)
        let tag = try cString(stringTag, "the string tag", limit: 1023, error: .arg)
        let hints = try Handles.optionalInfo(info)
        let handler = try Handles.errorHandler(errorHandler)
        let result = try output(newComm, "the new intercommunicator")
        let made = try Communicator.intercommunicator(localGroup: local, localLeader: Int(localLeader), remoteGroup: remote, remoteLeader: Int(remoteLeader),
                                                      tag: tag, errorHandler: handler, world: try Runtime.rank().world)
        if let hints { made.setInfo(hints) }
        result.pointee = handle(of: made)
    }
}

/// `MPI_Intercomm_merge`.
@_cdecl("MPI_Intercomm_merge")
public func mpiIntercommMerge(_ comm: MPI_Comm?, _ high: Int32, _ newComm: UnsafeMutablePointer<MPI_Comm?>?) -> Int32 {
    mpiCall("MPI_Intercomm_merge", on: comm) { () throws(MPIError) in
        let intercommunicator = try Handles.communicator(comm)
        let result = try output(newComm, "the new intracommunicator")
        result.pointee = handle(of: try intercommunicator.merge(high: high != 0))
    }
}

/// `MPI_Comm_remote_size`: `MPI_ERR_COMM` on an intracommunicator.
@_cdecl("MPI_Comm_remote_size")
public func mpiCommRemoteSize(_ comm: MPI_Comm?, _ size: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Comm_remote_size", on: comm) { () throws(MPIError) in
        let communicator = try Handles.communicator(comm)
        try output(size, "the size").pointee = Int32(try communicator.remoteSize)
    }
}

/// `MPI_Comm_remote_group`: `MPI_ERR_COMM` on an intracommunicator.
@_cdecl("MPI_Comm_remote_group")
public func mpiCommRemoteGroup(_ comm: MPI_Comm?, _ group: UnsafeMutablePointer<MPI_Group?>?) -> Int32 {
    mpiCall("MPI_Comm_remote_group", on: comm) { () throws(MPIError) in
        let remote = try Handles.communicator(comm).remoteGroup
        try output(group, "the group").pointee = Handles.groups.add(remote)
    }
}
