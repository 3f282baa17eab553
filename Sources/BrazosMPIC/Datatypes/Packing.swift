import BrazosMPI
import CMPI
#if canImport(Glibc)
import Glibc
#endif

// MPI_Pack and MPI_Unpack (the native packed form, what messages carry), their
// external32 forms, and MPI_Get_address.

/// A program's buffer of `size` bytes (nil with no bytes is an empty buffer).
private func bytes(_ pointer: UnsafeRawPointer?, _ size: Int) throws(MPIError) -> UnsafeRawBufferPointer {
    guard size >= 0 else { throw MPIError(.arg, "negative buffer size \(size)") }
    guard let pointer else {
        guard size == 0 else { throw MPIError(.buffer, "null buffer of \(size) bytes") }
        return UnsafeRawBufferPointer(start: nil, count: 0)
    }
    return UnsafeRawBufferPointer(start: pointer, count: size)
}

private func mutableBytes(_ pointer: UnsafeMutableRawPointer?, _ size: Int) throws(MPIError) -> UnsafeMutableRawBufferPointer {
    UnsafeMutableRawBufferPointer(mutating: try bytes(pointer, size))
}

/// Runs `body` with the position as an `Int`, then stores it back.
private func moving<T: BinaryInteger>(_ position: UnsafeMutablePointer<T>?, _ body: (inout Int) throws(MPIError) -> Void) throws(MPIError) {
    let pointer = try output(position, "the position")
    var current = Int(truncatingIfNeeded: pointer.pointee)
    try body(&current)
    pointer.pointee = T(truncatingIfNeeded: current)
}

/// `MPI_Pack`.
@_cdecl("MPI_Pack")
public func mpiPack(_ input: UnsafeRawPointer?, _ count: Int32, _ datatype: MPI_Datatype?, _ out: UnsafeMutableRawPointer?, _ outSize: Int32,
                    _ position: UnsafeMutablePointer<Int32>?, _ comm: MPI_Comm?) -> Int32 {
    mpiCall("MPI_Pack", on: comm) { () throws(MPIError) in
        _ = try Handles.communicator(comm)
        let type = try Handles.datatype(datatype), buffer = try mutableBytes(out, Int(outSize))
        try moving(position) { (position: inout Int) throws(MPIError) in try type.pack(Int(count), from: input, into: buffer, position: &position) }
    }
}

/// `MPI_Pack_c`.
@_cdecl("MPI_Pack_c")
public func mpiPackC(_ input: UnsafeRawPointer?, _ count: MPI_Count, _ datatype: MPI_Datatype?, _ out: UnsafeMutableRawPointer?, _ outSize: MPI_Count,
                     _ position: UnsafeMutablePointer<MPI_Count>?, _ comm: MPI_Comm?) -> Int32 {
    mpiCall("MPI_Pack_c", on: comm) { () throws(MPIError) in
        _ = try Handles.communicator(comm)
        let type = try Handles.datatype(datatype), buffer = try mutableBytes(out, Int(outSize))
        try moving(position) { (position: inout Int) throws(MPIError) in try type.pack(Int(count), from: input, into: buffer, position: &position) }
    }
}

/// `MPI_Unpack`.
@_cdecl("MPI_Unpack")
public func mpiUnpack(_ input: UnsafeRawPointer?, _ inSize: Int32, _ position: UnsafeMutablePointer<Int32>?, _ out: UnsafeMutableRawPointer?,
                      _ count: Int32, _ datatype: MPI_Datatype?, _ comm: MPI_Comm?) -> Int32 {
    mpiCall("MPI_Unpack", on: comm) { () throws(MPIError) in
        _ = try Handles.communicator(comm)
        let type = try Handles.datatype(datatype), buffer = try bytes(input, Int(inSize))
        try moving(position) { (position: inout Int) throws(MPIError) in try type.unpack(from: buffer, position: &position, Int(count), into: out) }
    }
}

/// `MPI_Unpack_c`.
@_cdecl("MPI_Unpack_c")
public func mpiUnpackC(_ input: UnsafeRawPointer?, _ inSize: MPI_Count, _ position: UnsafeMutablePointer<MPI_Count>?, _ out: UnsafeMutableRawPointer?,
                       _ count: MPI_Count, _ datatype: MPI_Datatype?, _ comm: MPI_Comm?) -> Int32 {
    mpiCall("MPI_Unpack_c", on: comm) { () throws(MPIError) in
        _ = try Handles.communicator(comm)
        let type = try Handles.datatype(datatype), buffer = try bytes(input, Int(inSize))
        try moving(position) { (position: inout Int) throws(MPIError) in try type.unpack(from: buffer, position: &position, Int(count), into: out) }
    }
}

/// `MPI_Pack_size`: `MPI_ERR_COUNT` when the size does not fit an `int`.
@_cdecl("MPI_Pack_size")
public func mpiPackSize(_ count: Int32, _ datatype: MPI_Datatype?, _ comm: MPI_Comm?, _ size: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Pack_size", on: comm) { () throws(MPIError) in
        _ = try Handles.communicator(comm)
        let bytes = try Handles.datatype(datatype).packSize(Int(count))
        guard let fitting = Int32(exactly: bytes) else { throw MPIError(.count, "\(bytes) bytes do not fit an int: use MPI_Pack_size_c") }
        try output(size, "the size").pointee = fitting
    }
}

/// `MPI_Pack_size_c`.
@_cdecl("MPI_Pack_size_c")
public func mpiPackSizeC(_ count: MPI_Count, _ datatype: MPI_Datatype?, _ comm: MPI_Comm?, _ size: UnsafeMutablePointer<MPI_Count>?) -> Int32 {
    mpiCall("MPI_Pack_size_c", on: comm) { () throws(MPIError) in
        _ = try Handles.communicator(comm)
        try output(size, "the size").pointee = MPI_Count(try Handles.datatype(datatype).packSize(Int(count)))
    }
}

// MARK: external32

private func representation(_ name: UnsafePointer<CChar>?) throws(MPIError) {
    guard let name else { throw MPIError(.arg, "null pointer for the data representation") }
    try Datatype.checkRepresentation(String(cString: name))
}

/// `MPI_Pack_external`.
@_cdecl("MPI_Pack_external")
public func mpiPackExternal(_ datarep: UnsafePointer<CChar>?, _ input: UnsafeRawPointer?, _ count: Int32, _ datatype: MPI_Datatype?,
                            _ out: UnsafeMutableRawPointer?, _ outSize: MPI_Aint, _ position: UnsafeMutablePointer<MPI_Aint>?) -> Int32 {
    mpiCall("MPI_Pack_external") { () throws(MPIError) in
        try representation(datarep)
        let type = try Handles.datatype(datatype), buffer = try mutableBytes(out, outSize)
        try moving(position) { (position: inout Int) throws(MPIError) in try type.packExternal(Int(count), from: input, into: buffer, position: &position) }
    }
}

/// `MPI_Pack_external_c`.
@_cdecl("MPI_Pack_external_c")
public func mpiPackExternalC(_ datarep: UnsafePointer<CChar>?, _ input: UnsafeRawPointer?, _ count: MPI_Count, _ datatype: MPI_Datatype?,
                             _ out: UnsafeMutableRawPointer?, _ outSize: MPI_Count, _ position: UnsafeMutablePointer<MPI_Count>?) -> Int32 {
    mpiCall("MPI_Pack_external_c") { () throws(MPIError) in
        try representation(datarep)
        let type = try Handles.datatype(datatype), buffer = try mutableBytes(out, Int(outSize))
        try moving(position) { (position: inout Int) throws(MPIError) in try type.packExternal(Int(count), from: input, into: buffer, position: &position) }
    }
}

/// `MPI_Unpack_external`.
@_cdecl("MPI_Unpack_external")
public func mpiUnpackExternal(_ datarep: UnsafePointer<CChar>?, _ input: UnsafeRawPointer?, _ inSize: MPI_Aint, _ position: UnsafeMutablePointer<MPI_Aint>?,
                              _ out: UnsafeMutableRawPointer?, _ count: Int32, _ datatype: MPI_Datatype?) -> Int32 {
    mpiCall("MPI_Unpack_external") { () throws(MPIError) in
        try representation(datarep)
        let type = try Handles.datatype(datatype), buffer = try bytes(input, inSize)
        try moving(position) { (position: inout Int) throws(MPIError) in try type.unpackExternal(from: buffer, position: &position, Int(count), into: out) }
    }
}

/// `MPI_Unpack_external_c`.
@_cdecl("MPI_Unpack_external_c")
public func mpiUnpackExternalC(_ datarep: UnsafePointer<CChar>?, _ input: UnsafeRawPointer?, _ inSize: MPI_Count, _ position: UnsafeMutablePointer<MPI_Count>?,
                               _ out: UnsafeMutableRawPointer?, _ count: MPI_Count, _ datatype: MPI_Datatype?) -> Int32 {
    mpiCall("MPI_Unpack_external_c") { () throws(MPIError) in
        try representation(datarep)
        let type = try Handles.datatype(datatype), buffer = try bytes(input, Int(inSize))
        try moving(position) { (position: inout Int) throws(MPIError) in try type.unpackExternal(from: buffer, position: &position, Int(count), into: out) }
    }
}

/// `MPI_Pack_external_size`.
@_cdecl("MPI_Pack_external_size")
public func mpiPackExternalSize(_ datarep: UnsafePointer<CChar>?, _ count: Int32, _ datatype: MPI_Datatype?, _ size: UnsafeMutablePointer<MPI_Aint>?) -> Int32 {
    mpiCall("MPI_Pack_external_size") { () throws(MPIError) in
        try representation(datarep)
        try output(size, "the size").pointee = try Handles.datatype(datatype).external32Size(Int(count))
    }
}

/// `MPI_Pack_external_size_c`.
@_cdecl("MPI_Pack_external_size_c")
public func mpiPackExternalSizeC(_ datarep: UnsafePointer<CChar>?, _ count: MPI_Count, _ datatype: MPI_Datatype?, _ size: UnsafeMutablePointer<MPI_Count>?) -> Int32 {
    mpiCall("MPI_Pack_external_size_c") { () throws(MPIError) in
        try representation(datarep)
        try output(size, "the size").pointee = MPI_Count(try Handles.datatype(datatype).external32Size(Int(count)))
    }
}

/// `MPI_Get_address`: the address itself (memory is flat), for `MPI_BOTTOM`-relative types.
@_cdecl("MPI_Get_address")
public func mpiGetAddress(_ location: UnsafeRawPointer?, _ address: UnsafeMutablePointer<MPI_Aint>?) -> Int32 {
    mpiCall("MPI_Get_address") { () throws(MPIError) in
        try output(address, "the address").pointee = Int(bitPattern: location)
    }
}
